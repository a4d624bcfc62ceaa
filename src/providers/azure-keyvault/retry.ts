import { isRestError, type RestErrorLike } from './azure-errors.ts';

/**
 * When a failed Key Vault request is tried again, and after how long. kvsync runs this itself
 * instead of the SDK's retry policy (the clients get `maxRetries: 0`): the JS SDK does not
 * retry a 429 without Retry-After (the real service sends none, reference §5.2–5.3), and its
 * waits use real timers that tests cannot drive.
 *
 * - 429, and 503 with Retry-After: wait what Retry-After says, or the backoff when it says
 *   nothing; a wait longer than `maxDelayMs` is not waited out here but reported
 *   (`retryAfterMs`) so that the caller can pause the vault.
 * - 408, 5xx except 501 and 505, and network errors: exponential backoff.
 * - Anything else (4xx, credential errors): no retry.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. Default 3. */
  maxRetries: number;
  /** First backoff; doubles per retry, with jitter in [d/2, d]. Default 1000 ms. */
  baseDelayMs: number;
  /** Longest wait taken inside one call. Default 16,000 ms (Microsoft's 1-2-4-8-16 s advice). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 16_000 };

export interface RetryDecision {
  retry: boolean;
  /** How long to wait before the next attempt (when `retry`), or to advise the caller (429). */
  delayMs: number;
}

const NETWORK_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);

/** The exponential backoff for retry number `attempt` (0-based), jittered into [d/2, d]. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The server's requested wait from `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds) or
 * `Retry-After` (seconds or an HTTP date, relative to `nowMs`); undefined when none is usable.
 */
export function retryAfterHeaderMs(error: RestErrorLike, nowMs: number): number | undefined {
  const headers = error.response?.headers;
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name) ?? Number.NaN);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function isTransientStatus(status: number): boolean {
  return status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether to try again after `error` on attempt `attempt` (0 = the first try), and the wait. */
export function retryDecision(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  nowMs: number,
): RetryDecision {
  const canRetry = attempt < policy.maxRetries;
  const backoff = backoffMs(attempt, policy);
  if (isRestError(error) && error.statusCode) {
    const status = error.statusCode;
    const serverWait = retryAfterHeaderMs(error, nowMs);
    if (status === 429 || (status === 503 && serverWait !== undefined)) {
      const delayMs = serverWait ?? backoff;
      return { retry: canRetry && delayMs <= policy.maxDelayMs, delayMs };
    }
    return { retry: canRetry && isTransientStatus(status), delayMs: backoff };
  }
  if (isRestError(error) || error instanceof Error) {
    const code = networkCode(error);
    return { retry: canRetry && code !== undefined && NETWORK_CODES.has(code), delayMs: backoff };
  }
  return { retry: false, delayMs: backoff };
}
