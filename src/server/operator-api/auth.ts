/**
 * The action token: reads are open, actions (sync now, restart stale) need the token the
 * operator is configured with (`--dashboard-token-file`). Without a configured token every
 * action is refused: the API is read-only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../runtime/index.ts';
import { TOKEN_HEADER } from './wire.ts';

/** The configured token now; undefined when none is configured (or it cannot be read). */
export type TokenSource = () => string | undefined;

export type TokenCheck = 'ok' | 'not-configured' | 'missing' | 'wrong';

export interface FileTokenOptions {
  clock: Pick<Clock, 'now'>;
  /** The file is read again when the last read is older than this; default 10 s (a mounted Secret rotates). */
  rereadAfterMs?: number;
  /** Told when the file cannot be read (the token then counts as not configured). */
  onError?: (error: unknown) => void;
}

/** A token read from `path` (trimmed), re-read every `rereadAfterMs`. An empty file means no token. */
export function tokenFromFile(path: string, options: FileTokenOptions): TokenSource {
  let readAtMs = -Infinity;
  let token: string | undefined;
  return () => {
    const now = options.clock.now();
    if (now - readAtMs < (options.rereadAfterMs ?? 10_000)) return token;
    readAtMs = now;
    try {
      token = readFileSync(path, 'utf8').trim() || undefined;
    } catch (error) {
      token = undefined;
      options.onError?.(error);
    }
    return token;
  };
}

/** The token a request presents: the `x-kvsync-token` header, else `Authorization: Bearer`. */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const own = headers[TOKEN_HEADER];
  if (typeof own === 'string' && own !== '') return own;
  const authorization = headers.authorization;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return match?.[1];
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares in constant time (over digests, so that lengths leak nothing either). */
export function checkToken(source: TokenSource | undefined, presented: string | undefined): TokenCheck {
  const expected = source?.();
  if (expected === undefined) return 'not-configured';
  if (presented === undefined) return 'missing';
  return timingSafeEqual(digest(expected), digest(presented)) ? 'ok' : 'wrong';
}
