/**
 * Coalescing: a workload is restarted only once its sources have been quiet for the settle
 * period, so several changes in quick succession (a rotation touching three Secrets, or three
 * rotations in a row) give one restart. A source that never stops changing still gets its
 * restart after `MAX_SETTLE_FACTOR` settle periods from the first change.
 *
 * In memory only, and on purpose: after a kvsync restart a pending change is found again from
 * the level (workload record ≠ sources) and simply settles once more.
 */

export const MAX_SETTLE_FACTOR = 10;

interface Pending {
  /** What the sources hold (a digest of the target record). */
  digest: string;
  firstSeenMs: number;
  lastChangeMs: number;
}

export class SettleTracker {
  readonly #pending = new Map<string, Pending>();

  /**
   * Notes that `key` wants to move to `digest` at `nowMs` and returns when it may restart: the
   * last change plus `settleMs`, at most `MAX_SETTLE_FACTOR × settleMs` after the first.
   */
  dueMs(key: string, digest: string, nowMs: number, settleMs: number): number {
    const pending = this.#pending.get(key);
    const next: Pending = pending
      ? { ...pending, lastChangeMs: pending.digest === digest ? pending.lastChangeMs : nowMs, digest }
      : { digest, firstSeenMs: nowMs, lastChangeMs: nowMs };
    this.#pending.set(key, next);
    return Math.min(next.lastChangeMs + settleMs, next.firstSeenMs + MAX_SETTLE_FACTOR * settleMs);
  }

  /** Forgets `key` (restarted, up to date, or gone). */
  clear(key: string): void {
    this.#pending.delete(key);
  }

  /** Keys with a change waiting to settle. */
  keys(): string[] {
    return [...this.#pending.keys()];
  }
}
