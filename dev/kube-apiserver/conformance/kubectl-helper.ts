import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the real `kubectl` (the dispatcher on PATH, which asks `GET /version` and then runs the
 * matching kubectl 1.32) against one emulator. Each helper owns a temporary HOME and discovery
 * cache so that runs never share state; `close()` removes them.
 */

export interface KubectlResult {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the helper killed the process because it outlived `timeoutMs`. */
  timedOut: boolean;
}

export interface KubectlRunOptions {
  /** Written to the process's stdin, which is then closed (for `apply -f -`). */
  stdin?: string;
  /** The process is killed after this long; default 30 s. */
  timeoutMs?: number;
}

export interface WaitForOutputOptions {
  stream?: 'stdout' | 'stderr';
  /** Default 15 s. */
  timeoutMs?: number;
}

/** A kubectl process left running (`get -w`, `wait`, `delete` that blocks on finalizers). */
export interface KubectlProcess {
  readonly stdout: string;
  readonly stderr: string;
  /** Settles when the process has exited and its output is closed. */
  readonly exited: Promise<KubectlResult>;
  /** Resolves with the output so far once it matches; rejects on timeout or if the process exits first. */
  waitForOutput(pattern: RegExp, options?: WaitForOutputOptions): Promise<string>;
  /** Sends SIGTERM to the process group unless it has exited, then waits for it. */
  stop(): Promise<KubectlResult>;
}

export interface Kubectl {
  /** Runs kubectl to completion; never throws for a non-zero exit. */
  run(args: readonly string[], options?: KubectlRunOptions): Promise<KubectlResult>;
  /** Runs kubectl and returns stdout; throws with both streams when it exits non-zero. */
  ok(args: readonly string[], options?: KubectlRunOptions): Promise<string>;
  /** Starts kubectl and returns at once. The caller stops it (or it is killed after `timeoutMs`). */
  start(args: readonly string[], options?: KubectlRunOptions): KubectlProcess;
  /** Kills processes still running and removes the temporary HOME and cache. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Creates a kubectl runner bound to `kubeconfigPath`, with its own temporary HOME and `--cache-dir`. */
export async function createKubectl(kubeconfigPath: string): Promise<Kubectl> {
  const home = await mkdtemp(join(tmpdir(), 'kvsync-kubectl-'));
  const cacheDir = join(home, 'cache');
  const running = new Set<KubectlProcess>();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, KUBECONFIG: kubeconfigPath };

  const start = (args: readonly string[], options: KubectlRunOptions = {}): KubectlProcess => {
    const processArgs = ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args];
    const child = startProcess(processArgs, env, options);
    running.add(child);
    void child.exited.then(() => running.delete(child));
    return child;
  };

  const run = (args: readonly string[], options?: KubectlRunOptions): Promise<KubectlResult> =>
    start(args, options).exited;

  return {
    run,
    start,
    async ok(args, options) {
      const result = await run(args, options);
      if (result.code !== 0) throw new Error(describeFailure(args, result));
      return result.stdout;
    },
    async close() {
      await Promise.all([...running].map((child) => child.stop()));
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A one-line account of a failed run, for assertion messages. */
export function describeFailure(args: readonly string[], result: KubectlResult): string {
  const how = result.timedOut ? 'timed out' : `exited ${result.code ?? result.signal}`;
  return `kubectl ${args.join(' ')} ${how}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
}

function startProcess(args: string[], env: NodeJS.ProcessEnv, options: KubectlRunOptions): KubectlProcess {
  // Own process group, so that stopping it also stops the versioned kubectl the dispatcher runs.
  const child = spawn('kubectl', args, { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  let finished = false;
  let timedOut = false;

  const signalGroup = (signal: NodeJS.Signals): void => {
    if (finished || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup('SIGKILL');
  }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output.stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: string) => {
    output.stderr += chunk;
    for (const listener of listeners) listener();
  });
  child.stdin.on('error', () => {
    // kubectl may exit before reading stdin; the exit code tells the story.
  });
  child.stdin.end(options.stdin ?? '');

  const exited = new Promise<KubectlResult>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      finished = true;
      clearTimeout(timer);
      for (const listener of listeners) listener();
      resolve({ code, signal, stdout: output.stdout, stderr: output.stderr, timedOut });
    };
    child.on('error', (error) => {
      output.stderr += String(error);
      finish(null, null);
    });
    child.on('close', finish);
  });

  return {
    get stdout() {
      return output.stdout;
    },
    get stderr() {
      return output.stderr;
    },
    exited,
    waitForOutput(pattern, { stream = 'stdout', timeoutMs = 15_000 } = {}) {
      return new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const text = output[stream];
          if (pattern.test(text)) {
            done();
            resolve(text);
          } else if (finished) {
            done();
            reject(
              new Error(`kubectl ${args.join(' ')} exited before ${stream} matched ${pattern}: ${text}`),
            );
          }
        };
        const deadline = setTimeout(() => {
          done();
          reject(
            new Error(
              `${stream} of kubectl ${args.join(' ')} did not match ${pattern}\nstdout: ${output.stdout}\nstderr: ${output.stderr}`,
            ),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(deadline);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      signalGroup('SIGTERM');
      return exited;
    },
  };
}
