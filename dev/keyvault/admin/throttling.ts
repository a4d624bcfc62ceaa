import type { VaultRequestInfo } from '../contracts.ts';
import { AdminError } from './errors.ts';

/** Requests allowed per vault per window, by request type (reference §5.1, current limits). */
export interface ThrottlingLimits {
  /** `setSecret`: 300 per 10 s. */
  secretCreate: number;
  /** `createKey` (software RSA-2048): 20 per 10 s. */
  keyCreate: number;
  /** Every other secret, key, certificate and vault transaction: 4,000 per 10 s. */
  other: number;
}

/** Throttling emulation settings; off until enabled. */
export interface ThrottlingSettings {
  enabled: boolean;
  /** Length of the sliding window; default 10,000 ms. */
  windowMs: number;
  limits: ThrottlingLimits;
  /**
   * Whether a throttled answer carries `Retry-After` (seconds until the window frees a slot);
   * default true. The real service was seen without it (reference §5.2): set false to get that.
   */
  retryAfter: boolean;
}

/** Partial settings as `configure` and the admin API accept them. */
export type ThrottlingUpdate = Partial<Omit<ThrottlingSettings, 'limits'>> & {
  limits?: Partial<ThrottlingLimits>;
};

export const DEFAULT_THROTTLING: ThrottlingSettings = Object.freeze({
  enabled: false,
  windowMs: 10_000,
  limits: Object.freeze({ secretCreate: 300, keyCreate: 20, other: 4_000 }),
  retryAfter: true,
});

/** The request type a vault operation counts against. */
export function throttlingCategory(operation: string): keyof ThrottlingLimits {
  if (operation === 'setSecret') return 'secretCreate';
  if (operation === 'createKey') return 'keyCreate';
  return 'other';
}

/** Outcome of one check: allowed (and counted), or throttled with the wait until a slot frees. */
export type ThrottleResult = { throttled: false } | { throttled: true; retryAfterSeconds: number };

/**
 * Sliding-window limiter per vault and request type. Throttled requests are not counted,
 * as Azure documents. Time comes from the caller, so a shifted clock moves the window.
 */
export class Throttler {
  #settings: ThrottlingSettings = structuredClone(DEFAULT_THROTTLING);
  readonly #windows = new Map<string, number[]>();

  get enabled(): boolean {
    return this.#settings.enabled;
  }

  settings(): ThrottlingSettings {
    return structuredClone(this.#settings);
  }

  /** Merges `update` into the settings; turning throttling off forgets the windows. Throws `InvalidThrottlingSettings`. */
  configure(update: ThrottlingUpdate): ThrottlingSettings {
    const next: ThrottlingSettings = {
      ...this.#settings,
      ...update,
      limits: { ...this.#settings.limits, ...update.limits },
    };
    validateSettings(next);
    this.#settings = next;
    if (!next.enabled) this.#windows.clear();
    return this.settings();
  }

  /** Checks `info` at `nowMs`; when allowed, the request takes a slot of its window. */
  check(info: VaultRequestInfo, nowMs: number): ThrottleResult {
    if (!this.#settings.enabled) return { throttled: false };
    const category = throttlingCategory(info.operation);
    const key = `${info.vault.toLowerCase()}\u0000${category}`;
    const window = this.#windows.get(key) ?? [];
    this.#windows.set(key, window);
    const since = nowMs - this.#settings.windowMs;
    let expired = 0;
    while (expired < window.length && window[expired]! <= since) expired++;
    if (expired > 0) window.splice(0, expired);
    if (window.length < this.#settings.limits[category]) {
      window.push(nowMs);
      return { throttled: false };
    }
    const freeAtMs = (window[0] ?? nowMs) + this.#settings.windowMs;
    return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil((freeAtMs - nowMs) / 1000)) };
  }

  /** Forgets every window (limits stay). */
  resetWindows(): void {
    this.#windows.clear();
  }
}

function validateSettings(settings: ThrottlingSettings): void {
  const bad = (message: string): never => {
    throw new AdminError('InvalidThrottlingSettings', `configure throttling: ${message}`);
  };
  if (typeof settings.enabled !== 'boolean') bad("'enabled' must be a boolean");
  if (typeof settings.retryAfter !== 'boolean') bad("'retryAfter' must be a boolean");
  if (!(Number.isFinite(settings.windowMs) && settings.windowMs > 0))
    bad("'windowMs' must be a positive number");
  for (const [name, limit] of Object.entries(settings.limits)) {
    if (!(Number.isInteger(limit) && limit >= 0)) bad(`limit '${name}' must be an integer ≥ 0`);
  }
}
