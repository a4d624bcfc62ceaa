import { describe, expect, it } from 'vitest';
import type { RestErrorLike } from './azure-errors.ts';
import { backoffMs, DEFAULT_RETRY_POLICY, retryAfterHeaderMs, retryDecision } from './retry.ts';

// The retry rules on their own (the emulator tests drive them through the SDK). Errors are
// built in the shape of the SDK's RestError, which is what the rules read.

function restError(
  statusCode: number | undefined,
  headers: Record<string, string> = {},
  code?: string,
): RestErrorLike {
  const error = Object.assign(new Error('failed'), {
    name: 'RestError' as const,
    statusCode,
    code,
    response: { headers: { get: (name: string) => headers[name] } },
  });
  return error as RestErrorLike;
}

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('retryAfterHeaderMs', () => {
  it('reads milliseconds headers, Retry-After seconds and HTTP dates', () => {
    expect(retryAfterHeaderMs(restError(429, { 'retry-after-ms': '250' }), NOW)).toBe(250);
    expect(retryAfterHeaderMs(restError(429, { 'x-ms-retry-after-ms': '40' }), NOW)).toBe(40);
    expect(retryAfterHeaderMs(restError(429, { 'retry-after': '7' }), NOW)).toBe(7000);
    expect(
      retryAfterHeaderMs(restError(429, { 'retry-after': new Date(NOW + 3000).toUTCString() }), NOW),
    ).toBe(3000);
    expect(retryAfterHeaderMs(restError(429, { 'retry-after': 'soon' }), NOW)).toBeUndefined();
    expect(retryAfterHeaderMs(restError(429), NOW)).toBeUndefined();
  });
});

describe('retryDecision', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('retries 429, 408, 5xx and network errors until maxRetries', () => {
    for (const error of [restError(429), restError(408), restError(500), restError(503), restError(504)]) {
      expect(retryDecision(error, 0, policy, NOW).retry).toBe(true);
      expect(retryDecision(error, policy.maxRetries, policy, NOW).retry).toBe(false);
    }
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(retryDecision(reset, 0, policy, NOW).retry).toBe(true);
    expect(retryDecision(restError(undefined, {}, 'ECONNREFUSED'), 0, policy, NOW).retry).toBe(true);
  });

  it('does not retry other answers or other errors', () => {
    for (const status of [400, 401, 403, 404, 409, 501, 505])
      expect(retryDecision(restError(status), 0, policy, NOW).retry, String(status)).toBe(false);
    const credential = Object.assign(new Error('nope'), { name: 'CredentialUnavailableError' });
    expect(retryDecision(credential, 0, policy, NOW).retry).toBe(false);
  });

  it("waits the server's Retry-After on 429 and 503, but not longer than maxDelayMs", () => {
    expect(retryDecision(restError(429, { 'retry-after': '5' }), 0, policy, NOW)).toEqual({
      retry: true,
      delayMs: 5000,
    });
    expect(retryDecision(restError(503, { 'retry-after': '2' }), 0, policy, NOW)).toEqual({
      retry: true,
      delayMs: 2000,
    });
    expect(retryDecision(restError(429, { 'retry-after': '60' }), 0, policy, NOW)).toEqual({
      retry: false,
      delayMs: 60_000,
    });
  });

  it('backs off exponentially with jitter in [d/2, d], capped', () => {
    expect(backoffMs(0, policy, () => 0)).toBe(500);
    expect(backoffMs(0, policy, () => 1)).toBe(1000);
    expect(backoffMs(3, policy, () => 1)).toBe(8000);
    expect(backoffMs(10, policy, () => 1)).toBe(16_000);
  });
});
