#!/usr/bin/env node
// `kvsync` and the kubectl plugin `kubectl-kvsync`: Node 24 runs the TypeScript sources directly.
import '../src/cli/run.ts';
