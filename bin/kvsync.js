#!/usr/bin/env node
// `kvsync` and the kubectl plugin `kubectl-kvsync`: Node 24 runs the TypeScript sources directly.
if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `kvsync needs Node.js 24 or later (this is ${process.version}); run it through npx or an npm script, which use the project's Node 24.\n`,
  );
  process.exit(1);
}
await import('../src/cli/run.ts');
