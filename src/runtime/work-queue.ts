import { exponentialDelayMs } from './backoff.ts';
import { systemClock, type Clock, type Timer } from './clock.ts';

/**
 * A keyed work queue in the manner of client-go's `workqueue`: a key added many times is
 * processed once, a key is never processed by two workers at once, keys can come back after a
 * delay, and failures back off exponentially per key. It holds keys only; reconcilers read the
 * current state themselves.
 */

export interface WorkQueueOptions {
  /** Names the queue in metrics and logs. */
  name: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** First back-off delay of `addRateLimited`; default 1000 ms. */
  baseDelayMs?: number;
  /** Longest back-off delay; default 420000 ms (7 min). */
  maxDelayMs?: number;
}

export interface WorkQueueStats {
  /** Keys ready and waiting for a worker. */
  depth: number;
  /** Keys handed out by `get()` and not yet `done()`. */
  inFlight: number;
  /** Keys waiting for an `addAfter` delay. */
  delayed: number;
  /** Calls of `add` since creation (including those a pending key absorbed, and fired delays). */
  adds: number;
}

interface Delayed {
  dueMs: number;
  timer: Timer;
}

export class WorkQueue {
  readonly name: string;
  readonly #clock: Clock;
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  /** Ready keys in order; a Set keeps insertion order and de-duplicates. */
  readonly #ready = new Set<string>();
  readonly #processing = new Set<string>();
  /** Keys added while processing; queued again on `done()`. */
  readonly #dirtyWhileProcessing = new Set<string>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #failures = new Map<string, number>();
  readonly #waiters: Array<(key: string | undefined) => void> = [];
  #adds = 0;
  #shutDown = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.#clock = options.clock ?? systemClock;
    this.#baseDelayMs = options.baseDelayMs ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 420_000;
  }

  /**
   * Queues `key`. A key already waiting stays queued once; a key being processed is queued again
   * when its worker calls `done()`. Ignored after `shutDown()`.
   */
  add(key: string): void {
    if (this.#shutDown) return;
    this.#adds += 1;
    this.#enqueue(key);
  }

  #enqueue(key: string): void {
    if (this.#processing.has(key)) {
      this.#dirtyWhileProcessing.add(key);
      return;
    }
    if (this.#ready.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
    } else {
      this.#ready.add(key);
    }
  }

  /**
   * Queues `key` after `delayMs` (at once when ≤ 0). When the key already waits for a delay, the
   * earlier due time wins. Ignored after `shutDown()`.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.#shutDown) return;
    if (delayMs <= 0) return this.add(key);
    const dueMs = this.#clock.now() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.dueMs <= dueMs) return;
    pending?.timer.cancel();
    const timer = this.#clock.setTimer(delayMs, () => {
      this.#delayed.delete(key);
      this.add(key);
    });
    this.#delayed.set(key, { dueMs, timer });
  }

  /** Queues `key` after its back-off delay: base·2ⁿ for the n-th failure since `forget`, capped at max. */
  addRateLimited(key: string): void {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    this.addAfter(key, this.backoffDelayMs(failures));
  }

  /** Back-off delay after `failures` earlier failures (0 → base). */
  backoffDelayMs(failures: number): number {
    return exponentialDelayMs(failures, this.#baseDelayMs, this.#maxDelayMs);
  }

  /** Resets the failure count of `key` (call after a success); a pending delay stays. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Failures counted for `key` since the last `forget`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /**
   * Waits for a ready key and marks it in flight; the caller must call `done(key)` afterwards.
   * Resolves `undefined` once the queue is shut down (also for callers already waiting).
   */
  get(): Promise<string | undefined> {
    if (this.#shutDown) return Promise.resolve(undefined);
    const first = this.#ready.values().next();
    if (!first.done) {
      this.#ready.delete(first.value);
      this.#processing.add(first.value);
      return Promise.resolve(first.value);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it is ready again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirtyWhileProcessing.delete(key) && !this.#shutDown) this.#enqueue(key);
  }

  /**
   * Stops the queue: waiting and later `get()` calls resolve `undefined`, ready keys and pending
   * delays are dropped (their timers cancelled), later adds are ignored. Idempotent.
   */
  shutDown(): void {
    this.#shutDown = true;
    for (const { timer } of this.#delayed.values()) timer.cancel();
    this.#delayed.clear();
    this.#ready.clear();
    this.#dirtyWhileProcessing.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /** True once `shutDown()` was called. */
  isShutDown(): boolean {
    return this.#shutDown;
  }

  stats(): WorkQueueStats {
    return {
      depth: this.#ready.size,
      inFlight: this.#processing.size,
      delayed: this.#delayed.size,
      adds: this.#adds,
    };
  }
}
