import type { EmulatorClock } from '../contracts.ts';

/**
 * The emulator's clock: real time (or an injected base) plus an offset that tests move with
 * `shift` and `set`. Shifting never touches timers; components that act on time (expiry
 * events) subscribe with `onChange` and re-plan.
 */
export interface ShiftableClock extends EmulatorClock {
  /** Moves the clock by `ms` (negative moves it back). Returns the new time. */
  shift(ms: number): Date;
  /** Makes `now()` return `date` at this instant; time keeps running from there. */
  set(date: Date): Date;
  /** Back to the base time (offset 0). */
  reset(): Date;
  /** Current offset from the base time, in milliseconds. */
  offsetMs(): number;
  /** Calls `listener` after every shift, set or reset; returns the function that unsubscribes. */
  onChange(listener: (now: Date) => void): () => void;
}

/** Creates a clock; `baseNowMs` defaults to `Date.now` (a fake base suits tests of long intervals). */
export function createShiftableClock(baseNowMs: () => number = Date.now): ShiftableClock {
  let offset = 0;
  const listeners = new Set<(now: Date) => void>();
  const now = (): Date => new Date(baseNowMs() + offset);
  const changed = (): Date => {
    const current = now();
    for (const listener of listeners) listener(current);
    return current;
  };
  return {
    now,
    shift(ms) {
      if (!Number.isFinite(ms)) throw new RangeError('clock shift must be a finite number of milliseconds');
      offset += ms;
      return changed();
    },
    set(date) {
      const target = date.getTime();
      if (Number.isNaN(target)) throw new RangeError('clock set needs a valid date');
      offset = target - baseNowMs();
      return changed();
    },
    reset() {
      offset = 0;
      return changed();
    },
    offsetMs: () => offset,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
