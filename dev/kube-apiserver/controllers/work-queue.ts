import type { ControllerClock, TimerHandle } from './clock.ts';

/**
 * A keyed work queue in the manner of client-go's: a key queued twice is reconciled once, a key
 * can come back after a delay (on the controller clock), and failures back off exponentially.
 * It only holds keys; whoever drains it decides when to reconcile.
 */

/** Failures retried at once before the back-off starts (409 conflicts usually clear on re-read). */
const IMMEDIATE_RETRIES = 3;
const BASE_BACKOFF_MS = 5;
const MAX_BACKOFF_MS = 1_000;

export class WorkQueue {
  readonly #ready = new Set<string>();
  readonly #delayed = new Map<string, { dueMs: number; timer: TimerHandle }>();
  readonly #failures = new Map<string, number>();
  readonly #clock: ControllerClock;
  readonly #onReady: () => void;

  /** `onReady` is called (synchronously) whenever a key becomes ready. */
  constructor(clock: ControllerClock, onReady: () => void) {
    this.#clock = clock;
    this.#onReady = onReady;
  }

  /** Keys ready to be reconciled now (delayed keys are not counted). */
  get length(): number {
    return this.#ready.size;
  }

  /** Queues `key` now; a key already queued stays queued once. */
  add(key: string): void {
    this.#ready.add(key);
    this.#onReady();
  }

  /** Queues `key` after `delayMs`; an earlier pending due time for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (delayMs <= 0) return this.add(key);
    const dueMs = this.#clock.now().getTime() + delayMs;
    const pending = this.#delayed.get(key);
    if (pending && pending.dueMs <= dueMs) return;
    pending?.timer.cancel();
    const timer = this.#clock.setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { dueMs, timer });
  }

  /** The oldest ready key, removed from the queue; undefined when none is ready. */
  take(): string | undefined {
    const first = this.#ready.values().next();
    if (first.done) return undefined;
    this.#ready.delete(first.value);
    return first.value;
  }

  /** Queues `key` again after a failure: at once for the first few, then with exponential back-off. */
  retry(key: string): void {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    if (failures <= IMMEDIATE_RETRIES) return this.add(key);
    this.addAfter(key, Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (failures - IMMEDIATE_RETRIES)));
  }

  /** Clears the failure count of `key` after a successful reconcile. */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Drops every key and cancels every timer. */
  clear(): void {
    for (const { timer } of this.#delayed.values()) timer.cancel();
    this.#delayed.clear();
    this.#ready.clear();
    this.#failures.clear();
  }
}
