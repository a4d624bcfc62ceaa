import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import type { Scope } from './scope.ts';

/**
 * The emulators and the operator as processes of their own, started the way users start them
 * (`node bin/kvsync-dev.js …`, `node bin/kvsync.js run …`) with this process's Node. Each is
 * stopped by its scope (SIGTERM, then SIGKILL after a grace period) and killed when this process
 * exits, however it exits.
 */

export const ROOT = resolve(import.meta.dirname, '../..');

const STOP_GRACE_MS = 5_000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
/** On Ctrl-C or SIGTERM the children get SIGTERM first, so that they remove their own temporary files. */
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.once(signal, () => {
    const exits = [...live].map((child) => new Promise((done) => child.once('exit', done)));
    for (const child of live) child.kill('SIGTERM');
    const timeout = new Promise((done) => setTimeout(done, STOP_GRACE_MS));
    void Promise.race([Promise.all(exits), timeout]).then(() => process.exit(code));
  });
const STDERR_TAIL_CHARS = 4_000;

export interface Child {
  pid: number;
  process: ChildProcess;
  /** The last few thousand characters the child wrote to stderr. */
  stderrTail(): string;
}

function track(scope: Scope, child: ChildProcess): Child {
  live.add(child);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  void exited.then(() => live.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
  scope.defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  });
  return { pid: child.pid!, process: child, stderrTail: () => stderr };
}

/**
 * Starts a `kvsync-dev` server and resolves with its ready line (the first stdout line that is
 * JSON with `ready: true`); later output is drained. Rejects when the child exits first.
 */
export function startDevServer<T>(scope: Scope, args: string[]): Promise<{ child: Child; ready: T }> {
  const spawned = spawn(process.execPath, [resolve(ROOT, 'bin/kvsync-dev.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = track(scope, spawned);
  return new Promise((resolveReady, reject) => {
    const lines = createInterface({ input: spawned.stdout! });
    let ready = false;
    lines.on('line', (line) => {
      if (ready || !line.startsWith('{')) return;
      const parsed = JSON.parse(line) as { ready?: boolean };
      if (!parsed.ready) return;
      ready = true;
      resolveReady({ child, ready: parsed as T });
    });
    spawned.once('exit', (code) => {
      if (!ready) reject(new Error(`kvsync-dev ${args[0]} exited with ${code}: ${child.stderrTail()}`));
    });
  });
}

/** Starts `node bin/kvsync.js run FLAGS` with stdout and stderr going to `logFile`. */
export function startOperatorProcess(
  scope: Scope,
  flags: string[],
  options: { logFile: string; env: NodeJS.ProcessEnv },
): Child {
  const log = openSync(options.logFile, 'a');
  const spawned = spawn(process.execPath, [resolve(ROOT, 'bin/kvsync.js'), 'run', ...flags], {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  return track(scope, spawned);
}
