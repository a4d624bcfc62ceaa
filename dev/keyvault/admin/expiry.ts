import type { ObjectEvent } from './event-grid/envelopes.ts';
import type { ShiftableClock } from './clock.ts';

/** Key Vault fires NearExpiry this long before `exp` (reference §7.1). */
export const NEAR_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000;

/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Watched {
  event: ObjectEvent;
  expMs: number;
  nearFired: boolean;
}

/**
 * Emits `<Type>NearExpiry` 30 days before the `exp` of the current version of each object,
 * and `<Type>Expired` at `exp`, on the emulator clock: a timer covers real time passing,
 * and every shift or set of the clock re-checks at once. A newer version replaces the
 * watched one (no event for the old one). An object created already past `exp` gets only
 * `Expired`; one created within 30 days of `exp` gets `NearExpiry` at once. Deletion is not
 * seen here, so a deleted object still fires (the server may call `forget`).
 */
export class ExpiryWatcher {
  readonly #clock: ShiftableClock;
  readonly #emit: (event: ObjectEvent) => void;
  readonly #watched = new Map<string, Watched>();
  readonly #unsubscribe: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(clock: ShiftableClock, emit: (event: ObjectEvent) => void) {
    this.#clock = clock;
    this.#emit = emit;
    this.#unsubscribe = clock.onChange(() => this.#check());
  }

  /** Watches the version a `…NewVersionCreated` event names; other events are ignored. */
  observe(event: ObjectEvent): void {
    if (!event.type.endsWith('NewVersionCreated')) return;
    const key = keyOf(event);
    if (event.exp === undefined) {
      this.#watched.delete(key);
    } else {
      const expMs = event.exp * 1000;
      const nearFired = this.#clock.now().getTime() >= expMs;
      this.#watched.set(key, { event: { ...event }, expMs, nearFired });
    }
    this.#check();
  }

  /** Stops watching an object (e.g. deleted or purged). */
  forget(vault: string, objectType: ObjectEvent['objectType'], objectName: string): void {
    this.#watched.delete(`${vault.toLowerCase()}\u0000${objectType}\u0000${objectName.toLowerCase()}`);
    this.#check();
  }

  /** Stops the timer and the clock subscription. */
  close(): void {
    this.#unsubscribe();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watched.clear();
  }

  #check(): void {
    const nowMs = this.#clock.now().getTime();
    for (const [key, watched] of this.#watched) {
      if (!watched.nearFired && nowMs >= watched.expMs - NEAR_EXPIRY_MS) {
        watched.nearFired = true;
        this.#emit({ ...watched.event, type: `${watched.event.objectType}NearExpiry` });
      }
      if (nowMs >= watched.expMs) {
        this.#watched.delete(key);
        this.#emit({ ...watched.event, type: `${watched.event.objectType}Expired` });
      }
    }
    this.#plan(nowMs);
  }

  #plan(nowMs: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    let nextMs = Infinity;
    for (const watched of this.#watched.values()) {
      nextMs = Math.min(nextMs, watched.nearFired ? watched.expMs : watched.expMs - NEAR_EXPIRY_MS);
    }
    if (nextMs === Infinity) return;
    this.#timer = setTimeout(() => this.#check(), Math.min(Math.max(0, nextMs - nowMs), MAX_TIMER_MS));
    this.#timer.unref();
  }
}

function keyOf(event: ObjectEvent): string {
  return `${event.vault.toLowerCase()}\u0000${event.objectType}\u0000${event.objectName.toLowerCase()}`;
}
