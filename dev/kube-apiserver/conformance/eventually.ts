/**
 * Polling for effects of the emulator's simulated controllers, which happen after a request
 * returns. Polling with a deadline replaces sleeps: the test goes on as soon as the effect shows.
 */

export interface EventuallyOptions {
  /** Give up after this long; default 15 s. */
  timeoutMs?: number;
  /** Pause between attempts; default 50 ms. */
  intervalMs?: number;
}

/**
 * Calls `attempt` until it returns without throwing, and resolves with its result. After the
 * deadline it rejects with the last error (so a failing `expect` inside explains itself).
 */
export async function eventually<T>(
  attempt: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50 }: EventuallyOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

let sequence = 0;

/** A DNS-1123 name unique within this test process, e.g. `es-3-k2f9`. */
export function uniqueName(prefix: string): string {
  sequence += 1;
  const suffix = Math.random().toString(36).slice(2, 6);
  return `${prefix}-${sequence}-${suffix}`;
}
