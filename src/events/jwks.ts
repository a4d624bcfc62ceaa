/**
 * A JWKS-backed key source for {@link verifyEntraToken}: fetches the tenant's signing keys
 * (`https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`; v1 tokens use the same
 * keys), keeps them, and fetches again when they are old or a token names a key id not seen
 * yet (at most once per `minRefreshIntervalMs`, so forged key ids cannot hammer Entra).
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { errorMessage, KvsyncError } from '../errors.ts';

export interface JwksKeySourceOptions {
  /** The JWKS document's URL. */
  url: string;
  /** Default: the global `fetch`. */
  fetch?: (url: string, init: { signal: AbortSignal }) => Promise<Response>;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: { now(): number };
  /** An unknown key id fetches again at most this often. Default 300,000 (5 min). */
  minRefreshIntervalMs?: number;
  /** Keys older than this are fetched again; on failure the old ones stay in use. Default 86,400,000 (24 h). */
  maxAgeMs?: number;
  /** Gives up on one fetch after this long. Default 10,000. */
  timeoutMs?: number;
}

/** The JWKS URL of an Entra tenant; `authorityHost` differs in sovereign clouds. */
export function entraJwksUrl(tenantId: string, authorityHost = 'https://login.microsoftonline.com'): string {
  return `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`;
}

/** RSA signing keys by key id; other and unreadable keys are skipped. */
function readKeys(document: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error("the document has no 'keys' array");
  for (const jwk of list as Array<Record<string, unknown>>) {
    if (jwk?.kty !== 'RSA' || typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig'))
      continue;
    try {
      keys.set(jwk.kid, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
    } catch {
      // A key Node cannot read is one no token of ours can use.
    }
  }
  return keys;
}

/**
 * Returns `jwks(kid)` for `EntraAuthentication`: resolves the key, or undefined when the key id
 * is unknown after a (rate-limited) fetch; rejects with `ERR_WEBHOOK_AUTH` when the keys cannot
 * be fetched and none are known for `kid`. Concurrent calls share one fetch.
 */
export function createJwksKeySource(
  options: JwksKeySourceOptions,
): (kid: string) => Promise<KeyObject | undefined> {
  const fetchDocument = options.fetch ?? ((url, init) => fetch(url, init));
  const clock = options.clock ?? { now: () => Date.now() };
  const minRefreshMs = options.minRefreshIntervalMs ?? 300_000;
  const maxAgeMs = options.maxAgeMs ?? 86_400_000;
  const where = new URL(options.url);
  let keys = new Map<string, KeyObject>();
  let fetchedAtMs: number | undefined;
  let inflight: Promise<void> | undefined;

  const load = async (): Promise<void> => {
    try {
      const response = await fetchDocument(options.url, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      keys = readKeys(await response.json());
      fetchedAtMs = clock.now();
    } catch (error) {
      throw new KvsyncError(
        'ERR_WEBHOOK_AUTH',
        `fetch signing keys from ${where.origin}${where.pathname}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  };
  const refresh = (): Promise<void> => (inflight ??= load().finally(() => (inflight = undefined)));

  return async (kid) => {
    const ageMs = fetchedAtMs === undefined ? Infinity : clock.now() - fetchedAtMs;
    const known = keys.get(kid);
    if (known !== undefined) {
      if (ageMs < maxAgeMs) return known;
      try {
        await refresh();
        return keys.get(kid);
      } catch {
        return known;
      }
    }
    if (ageMs < minRefreshMs) return undefined;
    await refresh();
    return keys.get(kid);
  };
}
