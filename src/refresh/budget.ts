import type { Clock } from '../runtime/index.ts';

/**
 * A request budget per vault, shared by every worker: at most N requests in any window (default
 * 2,000 per 10 s, half of Azure's published 4,000 for secret GETs), counted over a sliding
 * window as Azure counts, and a pause that a 429 imposes on the whole vault for as long as Azure
 * asked. A token bucket would not do: a full bucket plus its refill lets up to 2N through in one
 * window. Callers `acquire` before each request; waiting is FIFO per vault, on the injected clock.
 */

export interface VaultBudgetOptions {
  clock: Clock;
  /** Requests allowed per window; default 2000. */
  requestsPerWindow?: number;
  /** Window length; default 10 s. */
  windowMs?: number;
  /** How long to pause after a 429 that said nothing; default 5 s. */
  defaultPauseMs?: number;
  /**
   * How much longer than the window a grant is counted; default 0. Azure counts arrivals, not
   * grants: requests let through 10 s apart can arrive less than 10 s apart when the first was
   * slower on the way, so the operator counts each for a little longer than Azure does.
   */
  latencyAllowanceMs?: number;
}

export interface VaultBudgetState {
  vault: string;
  /** Tokens left now (fractional tokens are rounded down). */
  available: number;
  /** Requests waiting for a token or for the pause to end. */
  waiting: number;
  /** Epoch ms until which the vault is paused after a 429; undefined when not paused. */
  pausedUntilMs?: number;
  /** 429s seen since start. */
  throttledTotal: number;
}

interface Bucket {
  /** When each of the last N requests was let through, as a ring; -Infinity for none yet. */
  grants: Float64Array;
  /** The slot of the oldest of those N: the one the next grant replaces. */
  oldest: number;
  pausedUntilMs: number;
  throttledTotal: number;
  queue: Array<{ resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal }>;
  draining: boolean;
}

export class VaultBudget {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #windowMs: number;
  readonly #defaultPauseMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: VaultBudgetOptions) {
    this.#clock = options.clock;
    this.#capacity = options.requestsPerWindow ?? 2000;
    this.#windowMs = (options.windowMs ?? 10_000) + (options.latencyAllowanceMs ?? 0);
    this.#defaultPauseMs = options.defaultPauseMs ?? 5_000;
  }

  /** Resolves when a request to `vault` may go out; rejects with the signal's reason on abort. */
  acquire(vault: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.#bucket(vault);
    if (bucket.queue.length === 0 && this.#waitMs(bucket) === 0) {
      this.#grant(bucket);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      bucket.queue.push({ resolve, reject, ...(signal ? { signal } : {}) });
      signal?.addEventListener('abort', () => this.#dropAborted(bucket), { once: true });
      void this.#drain(bucket);
    });
  }

  /** Azure answered 429 for `vault`: every request to it waits `retryAfterMs` (or the default). */
  throttled(vault: string, retryAfterMs?: number): void {
    const bucket = this.#bucket(vault);
    bucket.throttledTotal += 1;
    const until = this.#clock.now() + (retryAfterMs ?? this.#defaultPauseMs);
    bucket.pausedUntilMs = Math.max(bucket.pausedUntilMs, until);
  }

  /** How long `vault` stays paused after a 429; 0 when it is not. */
  pausedForMs(vault: string): number {
    return Math.max(0, (this.#buckets.get(vault)?.pausedUntilMs ?? 0) - this.#clock.now());
  }

  state(vault: string): VaultBudgetState {
    const bucket = this.#bucket(vault);
    const now = this.#clock.now();
    const paused = bucket.pausedUntilMs > now;
    let recent = 0;
    for (const grantedMs of bucket.grants) if (grantedMs > now - this.#windowMs) recent += 1;
    return {
      vault,
      available: this.#capacity - recent,
      waiting: bucket.queue.length,
      ...(paused ? { pausedUntilMs: bucket.pausedUntilMs } : {}),
      throttledTotal: bucket.throttledTotal,
    };
  }

  /** Every vault seen so far. */
  vaults(): string[] {
    return [...this.#buckets.keys()];
  }

  #bucket(vault: string): Bucket {
    let bucket = this.#buckets.get(vault);
    if (!bucket) {
      bucket = {
        grants: new Float64Array(this.#capacity).fill(-Infinity),
        oldest: 0,
        pausedUntilMs: 0,
        throttledTotal: 0,
        queue: [],
        draining: false,
      };
      this.#buckets.set(vault, bucket);
    }
    return bucket;
  }

  /** How long until a request may go: the pause, or until the oldest of the last N leaves the window. */
  #waitMs(bucket: Bucket): number {
    const now = this.#clock.now();
    const freeAtMs = Math.max(bucket.pausedUntilMs, bucket.grants[bucket.oldest]! + this.#windowMs);
    return Math.max(0, freeAtMs - now);
  }

  #grant(bucket: Bucket): void {
    bucket.grants[bucket.oldest] = this.#clock.now();
    bucket.oldest = (bucket.oldest + 1) % this.#capacity;
  }

  #dropAborted(bucket: Bucket): void {
    bucket.queue = bucket.queue.filter((waiter) => {
      if (!waiter.signal?.aborted) return true;
      waiter.reject(waiter.signal.reason);
      return false;
    });
  }

  /** Lets waiters through in order, sleeping on the clock while paused or empty. */
  async #drain(bucket: Bucket): Promise<void> {
    if (bucket.draining) return;
    bucket.draining = true;
    try {
      while (bucket.queue.length > 0) {
        const waitMs = this.#waitMs(bucket);
        if (waitMs > 0) {
          await this.#clock.sleep(waitMs);
          continue;
        }
        this.#grant(bucket);
        bucket.queue.shift()!.resolve();
      }
    } finally {
      bucket.draining = false;
    }
  }
}
