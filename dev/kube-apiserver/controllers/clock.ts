/**
 * Time for the simulated controllers: the current time and one-shot timers. Tests inject a
 * `ManualClock` so that delays of minutes (progress deadlines, crash-loop back-off) pass in
 * milliseconds and nothing sleeps.
 */

/** A pending timer; `cancel()` is a no-op once it has fired. */
export interface TimerHandle {
  cancel(): void;
}

export interface ControllerClock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** Wall-clock time and Node timers. Timers are unref'd so they never keep a process alive. */
export const realClock: ControllerClock = {
  now: () => new Date(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

interface ManualTimer {
  dueMs: number;
  sequence: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to. `advance(ms)` fires every timer that falls due, in due
 * order, each seeing `now()` at its due time. Timers scheduled while advancing fire too when due.
 */
export class ManualClock implements ControllerClock {
  #nowMs: number;
  #sequence = 0;
  readonly #timers = new Set<ManualTimer>();

  constructor(start: Date = new Date('2025-01-01T00:00:00Z')) {
    this.#nowMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: ManualTimer = { dueMs: this.#nowMs + Math.max(0, ms), sequence: this.#sequence++, fn };
    this.#timers.add(timer);
    return { cancel: () => this.#timers.delete(timer) };
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing due timers on the way. */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms;
    for (let next = this.#nextDue(targetMs); next; next = this.#nextDue(targetMs)) {
      this.#timers.delete(next);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.fn();
    }
    this.#nowMs = targetMs;
  }

  #nextDue(limitMs: number): ManualTimer | undefined {
    let best: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.dueMs > limitMs) continue;
      if (
        !best ||
        timer.dueMs < best.dueMs ||
        (timer.dueMs === best.dueMs && timer.sequence < best.sequence)
      ) {
        best = timer;
      }
    }
    return best;
  }
}
