import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What a benchmark starts, stopped in reverse order when it ends, whether it succeeded or not.
 * Temporary directories are also removed when the process exits early (Ctrl-C, an uncaught
 * error), so that an interrupted run leaves nothing behind.
 */

const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

export class Scope {
  readonly #cleanups: Array<() => unknown> = [];

  /** Runs `cleanup` when the scope closes (last registered, first run). */
  defer(cleanup: () => unknown): void {
    this.#cleanups.push(cleanup);
  }

  /** A new temporary directory, removed when the scope closes. */
  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `kvsync-bench-${prefix}-`));
    liveDirs.add(dir);
    this.defer(() => {
      rmSync(dir, { recursive: true, force: true });
      liveDirs.delete(dir);
    });
    return dir;
  }

  /** Runs every cleanup, even when some fail; rethrows the first failure afterwards. */
  async close(): Promise<void> {
    let failure: unknown;
    for (const cleanup of this.#cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure) throw failure;
  }
}

/** Runs `body` with a fresh scope and closes the scope afterwards, whatever happens. */
export async function withScope<T>(body: (scope: Scope) => Promise<T>): Promise<T> {
  const scope = new Scope();
  try {
    return await body(scope);
  } finally {
    await scope.close();
  }
}
