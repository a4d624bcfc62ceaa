/**
 * `kvsync` command line. `kvsync run` starts the operator; the diagnosis commands (status,
 * why, sync, diff, restart-stale) land with the CLI issue.
 */
import { readFileSync } from 'node:fs';
import { isHelpRequested, OPERATOR_HELP, parseOperatorConfig } from '../config/index.ts';
import { errorMessage, isKvsyncError } from '../errors.ts';
import { startKvsync } from '../main.ts';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const USAGE = `Usage: kvsync <command> [options]

kvsync keeps Kubernetes Secrets in step with Azure Key Vault.

Commands:
  run            run the operator against the cluster in KUBECONFIG or in-cluster config

Options:
  -h, --help     this help (also: kvsync <command> --help)
  --version      print the version
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves with the signal's name when the process is asked to stop. */
  untilSignal(): Promise<string>;
}

/** Exit codes: 0 success, 1 failure at run time, 2 usage or configuration error. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version') {
    io.out(`${packageJson.version}\n`);
    return 0;
  }
  if (command === 'run') return run(rest, io);
  const asked = command === undefined || command === '-h' || command === '--help';
  (asked ? io.out : io.err)(asked ? USAGE : `kvsync: unknown command "${command}"\n\n${USAGE}`);
  return asked ? 0 : 2;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  if (isHelpRequested(argv)) {
    io.out(OPERATOR_HELP);
    return 0;
  }
  let config;
  try {
    config = parseOperatorConfig(argv, io.env);
  } catch (error) {
    if (!isKvsyncError(error, 'ERR_INVALID_CONFIG')) throw error;
    io.err(`kvsync run: ${errorMessage(error)}\n(see kvsync run --help)\n`);
    return 2;
  }
  try {
    const kvsync = await startKvsync(config, { version: packageJson.version });
    const signal = await io.untilSignal();
    kvsync.logger.info('stopping', { signal });
    await kvsync.stop();
    return 0;
  } catch (error) {
    io.err(`kvsync run: ${errorMessage(error)}\n`);
    return 1;
  }
}
