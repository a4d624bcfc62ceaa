import { runCli } from './main.ts';

// The process entry of the `kvsync` bin: the only place, with src/config/, that touches
// process.argv, process.env, signals and exit codes.
/* eslint-disable no-restricted-properties -- the bin's edge, like src/config/ */
const io = {
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
  env: process.env,
  untilSignal: () =>
    new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
  cwd: process.cwd(),
};
process.exitCode = await runCli(process.argv.slice(2), io);
/* eslint-enable no-restricted-properties */
