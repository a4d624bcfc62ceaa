/**
 * Time, injected. Everything in kvsync that waits or reads the time takes a `Clock`, so tests
 * of hour-long intervals run in milliseconds with `FakeClock` and nothing sleeps for real.
 */

/** A pending one-shot timer. `cancel()` is a no-op once it has fired or was cancelled. */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fire` once after `delayMs` (negative counts as 0). The caller owns the timer. */
  setTimer(delayMs: number, fire: () => void): Timer;
  /** Resolves after `delayMs`; rejects with `signal.reason` when `signal` aborts first (or already has). */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** Node's setTimeout overflows above this and fires at once; longer delays are chained. */
const MAX_NODE_TIMEOUT_MS = 2 ** 31 - 1;

/** Implements `sleep` on top of `setTimer`, for both clocks. */
function sleepOn(clock: Clock, delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timer.cancel();
      reject(signal?.reason);
    };
    const timer = clock.setTimer(delayMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function setSystemTimer(delayMs: number, fire: () => void): Timer {
  let cancelled = false;
  let handle: ReturnType<typeof setTimeout>;
  const dueMs = Date.now() + Math.max(0, delayMs);
  const arm = (remainingMs: number) => {
    handle = setTimeout(
      () => {
        if (cancelled) return;
        const leftMs = dueMs - Date.now();
        if (leftMs > 0) arm(leftMs);
        else fire();
      },
      Math.min(Math.max(0, remainingMs), MAX_NODE_TIMEOUT_MS),
    );
  };
  arm(delayMs);
  return {
    cancel() {
      cancelled = true;
      clearTimeout(handle);
    },
  };
}

/**
 * Wall-clock time and Node timers. Timers keep the process alive until they fire or are
 * cancelled (owners cancel theirs on shutdown); delays beyond Node's 24.8-day limit are chained.
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimer: setSystemTimer,
  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(systemClock, delayMs, signal);
  },
});

interface FakeTimer {
  dueMs: number;
  sequence: number;
  fire: () => void;
}

/** Lets pending promise chains run: every queued microtask, then one turn of the event loop. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock for tests that moves only in `advance()`. Timers fire in due order (ties in the order
 * they were set), each seeing `now()` equal to its due time, with promises settled in between,
 * so code that awaits after a timer has run before the next timer fires.
 */
export class FakeClock implements Clock {
  #nowMs: number;
  #sequence = 0;
  readonly #timers = new Set<FakeTimer>();

  /** Starts at `startMs` (default 2026-01-01T00:00:00Z). */
  constructor(startMs: number = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  setTimer(delayMs: number, fire: () => void): Timer {
    const timer: FakeTimer = { dueMs: this.#nowMs + Math.max(0, delayMs), sequence: this.#sequence++, fire };
    this.#timers.add(timer);
    return { cancel: () => this.#timers.delete(timer) };
  }

  sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, delayMs, signal);
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way (including timers
   * set by those that fire), and resolves once promises have settled after the last one.
   */
  async advance(ms: number): Promise<void> {
    const targetMs = this.#nowMs + Math.max(0, ms);
    await settle();
    for (let next = this.#nextDue(targetMs); next; next = this.#nextDue(targetMs)) {
      this.#timers.delete(next);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.fire();
      await settle();
    }
    this.#nowMs = targetMs;
    await settle();
  }

  /** How many timers are waiting to fire. */
  pendingTimers(): number {
    return this.#timers.size;
  }

  #nextDue(limitMs: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueMs > limitMs) continue;
      if (!best || timer.dueMs < best.dueMs || (timer.dueMs === best.dueMs && timer.sequence < best.sequence))
        best = timer;
    }
    return best;
  }
}
