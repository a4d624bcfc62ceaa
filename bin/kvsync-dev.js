#!/usr/bin/env node
// `kvsync-dev`: the development tools (emulators, sandbox). Never shipped in the image.
import '../dev/main.ts';
