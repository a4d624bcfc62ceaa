/**
 * `kvsync` command line (also the kubectl plugin `kubectl-kvsync`): `run` starts the operator;
 * `status`, `why`, `sync`, `diff`, `restart-stale` diagnose and drive it; `completion` prints
 * shell completion. Exit codes: 0 success (nothing wrong found), 1 a problem found or a
 * failure, 2 usage or configuration error. User errors print one line, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { errorMessage, isKvsyncError } from '../errors.ts';
import { commandHelp, renderCommandHelp, renderUsage } from './help.ts';
import { EXIT_OK, EXIT_PROBLEM, EXIT_USAGE, type CliIo } from './io.ts';

export type { CliIo } from './io.ts';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

type Command = (argv: readonly string[], io: CliIo) => Promise<number> | number;

// Each command is loaded when it runs: `--help` and usage errors answer without loading the
// Kubernetes client, and `run` alone loads the operator.
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => run,
  status: async () => (await import('./commands/status.ts')).statusCommand,
  why: async () => (await import('./commands/why.ts')).whyCommand,
  sync: async () => (await import('./commands/sync.ts')).syncCommand,
  diff: async () => (await import('./commands/diff.ts')).diffCommand,
  'restart-stale': async () => (await import('./commands/restart-stale.ts')).restartStaleCommand,
  completion: async () => (await import('./commands/completion.ts')).completionCommand,
  help: async () => helpCommand,
  __complete: async () => {
    const { completeWords } = await import('./commands/completion.ts');
    return async (argv, io) => {
      const candidates = await completeWords(argv, io.env);
      if (candidates.length > 0) io.out(`${candidates.join('\n')}\n`);
      return EXIT_OK;
    };
  },
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === 'version') {
    io.out(`${packageJson.version}\n`);
    return EXIT_OK;
  }
  if (command === undefined || command === '-h' || command === '--help') {
    io.out(renderUsage());
    return EXIT_OK;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    io.err(`kvsync: unknown command "${command}"\n\n${renderUsage()}`);
    return EXIT_USAGE;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    return reportError(command, error, io);
  }
}

/** One line for the user: usage errors with a pointer to --help (exit 2), the rest exit 1. */
function reportError(command: string, error: unknown, io: CliIo): number {
  if (isKvsyncError(error, 'ERR_INVALID_CONFIG')) {
    const message = errorMessage(error);
    io.err(
      `${message.startsWith('kvsync') ? message : `kvsync ${command}: ${message}`}\n(see kvsync ${command} --help)\n`,
    );
    return EXIT_USAGE;
  }
  if (isKvsyncError(error)) {
    io.err(`kvsync ${command}: ${errorMessage(error)}\n`);
    return EXIT_PROBLEM;
  }
  io.err(`kvsync ${command}: unexpected error: ${errorMessage(error)}\n`);
  return EXIT_PROBLEM;
}

async function helpCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const topic = argv[0];
  if (topic === 'run') {
    io.out((await import('../config/index.ts')).OPERATOR_HELP);
    return EXIT_OK;
  }
  const help = topic === undefined ? undefined : commandHelp(topic);
  if (topic !== undefined && !help) {
    io.err(`kvsync help: unknown command "${topic}"\n\n${renderUsage()}`);
    return EXIT_USAGE;
  }
  io.out(help ? renderCommandHelp(help) : renderUsage());
  return EXIT_OK;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { isHelpRequested, OPERATOR_HELP, parseOperatorConfig } = await import('../config/index.ts');
  if (isHelpRequested(argv)) {
    io.out(OPERATOR_HELP);
    return EXIT_OK;
  }
  let config;
  try {
    config = parseOperatorConfig(argv, io.env);
  } catch (error) {
    if (!isKvsyncError(error, 'ERR_INVALID_CONFIG')) throw error;
    io.err(`kvsync run: ${errorMessage(error)}\n(see kvsync run --help)\n`);
    return EXIT_USAGE;
  }
  try {
    const { startKvsync } = await import('../main.ts');
    const kvsync = await startKvsync(config, { version: packageJson.version });
    const signal = await io.untilSignal();
    kvsync.logger.info('stopping', { signal });
    await kvsync.stop();
    return EXIT_OK;
  } catch (error) {
    io.err(`kvsync run: ${errorMessage(error)}\n`);
    return EXIT_PROBLEM;
  }
}
