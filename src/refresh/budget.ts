import type { Clock } from '../runtime/index.ts';

/**
 * A request budget per vault, shared by every worker: a token bucket refilled continuously
 * (default 2,000 requests per 10 s, half of Azure's published 4,000 for secret GETs) and a
 * pause that a 429 imposes on the whole vault for as long as Azure asked. Callers `acquire`
 * before each request; waiting is FIFO per vault, on the injected clock.
 */

export interface VaultBudgetOptions {
  clock: Clock;
  /** Requests allowed per window; default 2000. */
  requestsPerWindow?: number;
  /** Window length; default 10 s. */
  windowMs?: number;
  /** How long to pause after a 429 that said nothing; default 5 s. */
  defaultPauseMs?: number;
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
  tokens: number;
  refilledAtMs: number;
  pausedUntilMs: number;
  throttledTotal: number;
  queue: Array<{ resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal }>;
  draining: boolean;
}

export class VaultBudget {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #defaultPauseMs: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: VaultBudgetOptions) {
    this.#clock = options.clock;
    this.#capacity = options.requestsPerWindow ?? 2000;
    this.#refillPerMs = this.#capacity / (options.windowMs ?? 10_000);
    this.#defaultPauseMs = options.defaultPauseMs ?? 5_000;
  }

  /** Resolves when a request to `vault` may go out; rejects with the signal's reason on abort. */
  acquire(vault: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.#bucket(vault);
    this.#refill(bucket);
    if (bucket.queue.length === 0 && bucket.pausedUntilMs <= this.#clock.now() && bucket.tokens >= 1) {
      bucket.tokens -= 1;
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
    this.#refill(bucket);
    const paused = bucket.pausedUntilMs > this.#clock.now();
    return {
      vault,
      available: Math.floor(bucket.tokens),
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
        tokens: this.#capacity,
        refilledAtMs: this.#clock.now(),
        pausedUntilMs: 0,
        throttledTotal: 0,
        queue: [],
        draining: false,
      };
      this.#buckets.set(vault, bucket);
    }
    return bucket;
  }

  #refill(bucket: Bucket): void {
    const now = this.#clock.now();
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.refilledAtMs) * this.#refillPerMs);
    bucket.refilledAtMs = now;
  }

  #dropAborted(bucket: Bucket): void {
    bucket.queue = bucket.queue.filter((waiter) => {
      if (!waiter.signal?.aborted) return true;
      waiter.reject(waiter.signal.reason);
      return false;
    });
  }

  /** Hands out tokens to waiters in order, sleeping on the clock while paused or empty. */
  async #drain(bucket: Bucket): Promise<void> {
    if (bucket.draining) return;
    bucket.draining = true;
    try {
      while (bucket.queue.length > 0) {
        this.#refill(bucket);
        const now = this.#clock.now();
        const waitMs =
          bucket.pausedUntilMs > now
            ? bucket.pausedUntilMs - now
            : bucket.tokens >= 1
              ? 0
              : Math.ceil((1 - bucket.tokens) / this.#refillPerMs);
        if (waitMs > 0) {
          await this.#clock.sleep(waitMs);
          continue;
        }
        bucket.tokens -= 1;
        bucket.queue.shift()!.resolve();
      }
    } finally {
      bucket.draining = false;
    }
  }
}
