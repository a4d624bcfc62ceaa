import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starting the project's commands as separate processes, as users do, and stopping them. */

export interface Started {
  child: ChildProcess;
  /** The first stdout line that parses as JSON, or every line read until `match` is seen. */
  firstLine: string;
  stderr(): string;
  /** Every stdout line read so far, joined by newlines. */
  stdout(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns `command` and resolves once a stdout line satisfies `ready`; rejects if it exits first. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; ready: (line: string) => boolean },
): Promise<Started> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    ...(options.env ? { env: options.env } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const stdout: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      stdout.push(line);
      if (!options.ready(line)) return;
      resolve({
        child,
        firstLine: line,
        stderr: () => stderr,
        stdout: () => stdout.join('\n'),
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then((code) =>
      reject(new Error(`${command} exited with ${code} before it was ready: ${stderr}`)),
    );
  });
}
