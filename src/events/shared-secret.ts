/**
 * The shared-secret check (reference §7.6): the secret travels as `?code=` in the subscription
 * URL or as the `x-kvsync-secret` delivery header. Comparison is in constant time: both sides are
 * hashed to equal-length digests first, and every pair is compared without stopping early.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SHARED_SECRET_HEADER, SHARED_SECRET_QUERY_PARAMETER } from './event-types.ts';
import type { SharedSecretSource } from './types.ts';

/** `missing`: nothing presented; `wrong`: no presented value matches; `not-loaded`: the source has none yet. */
export type SharedSecretResult = 'ok' | 'missing' | 'wrong' | 'not-loaded';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The values a request presents: every `code` query parameter and every `x-kvsync-secret` header value. */
export function presentedSecrets(url: URL, headers: IncomingHttpHeaders): string[] {
  const header = headers[SHARED_SECRET_HEADER];
  const fromHeader = header === undefined ? [] : Array.isArray(header) ? header : [header];
  return [...url.searchParams.getAll(SHARED_SECRET_QUERY_PARAMETER), ...fromHeader].filter(
    (value) => value !== '',
  );
}

/** Checks the presented values against the accepted ones; any match passes. */
export function checkSharedSecret(
  source: SharedSecretSource,
  presented: readonly string[],
): SharedSecretResult {
  const current = source();
  const accepted = (typeof current === 'string' ? [current] : (current ?? [])).filter(
    (value) => value !== '',
  );
  if (accepted.length === 0) return 'not-loaded';
  if (presented.length === 0) return 'missing';
  let matched = false;
  for (const candidate of presented.map(digest)) {
    for (const secret of accepted.map(digest)) {
      // The comparison runs for every pair: no early exit.
      matched = timingSafeEqual(candidate, secret) || matched;
    }
  }
  return matched ? 'ok' : 'wrong';
}
