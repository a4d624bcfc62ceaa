/** `baseMs`·2ⁿ for the n-th retry (n from 0), capped at `maxMs`. */
export function exponentialDelayMs(retry: number, baseMs: number, maxMs: number): number {
  return Math.min(baseMs * 2 ** Math.min(Math.max(0, retry), 52), maxMs);
}
