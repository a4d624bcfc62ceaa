import { runCli } from './main.ts';

// The process entry of the `kvsync` bin: the only place that touches process.argv and exit codes.
// eslint-disable-next-line no-restricted-properties -- the bin's edge, like src/config/
process.exitCode = runCli(process.argv.slice(2), (text) => process.stdout.write(text));
