/** What a CLI command may touch of its process: given by the bin (`run.ts`), faked by tests. */

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the signal's name when the process is asked to stop. */
  untilSignal(): Promise<string>;
  /** Standard output is a terminal: colours (unless NO_COLOR) and tables fitted to `columns`. Default false. */
  stdoutIsTty?: boolean;
  /** Standard error is a terminal: progress bars. Default false. */
  stderrIsTty?: boolean;
  /** Terminal width, when known. */
  columns?: number;
  /** Working directory, where the sandbox's `.kvsync/sandbox.json` is looked for. */
  cwd?: string;
}

/** Exit codes: 0 success (nothing wrong found), 1 a problem found or a failure, 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;
