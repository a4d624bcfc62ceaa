import type { ProviderClock } from '../clock.ts';
import type { ProviderKubeAccess } from '../provider.ts';
import type { ServiceAccountTarget } from './auth-plan.ts';

/** The audience Entra ID expects on a federated ServiceAccount token. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** Used when a token's lifetime cannot be read from it. */
const FALLBACK_REUSE_MS = 5 * 60_000;

function claims(jwt: string): { exp?: number; iat?: number } {
  try {
    return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number;
      iat?: number;
    };
  } catch {
    return {};
  }
}

/** When to stop reusing `jwt`: after 80% of its lifetime (or 5 minutes before `exp`). */
function refreshAtMs(jwt: string, nowMs: number): number {
  const { exp, iat } = claims(jwt);
  if (typeof exp !== 'number') return nowMs + FALLBACK_REUSE_MS;
  const expMs = exp * 1000;
  const issuedMs = typeof iat === 'number' ? iat * 1000 : nowMs;
  return Math.min(issuedMs + 0.8 * (expMs - issuedMs), expMs - 60_000);
}

/**
 * The client-assertion callback of a workload-identity credential: a TokenRequest for the
 * ServiceAccount with audience `api://AzureADTokenExchange` (plus the spec's `audiences`),
 * reused until near its expiry. Concurrent callers share one request. Errors of the request
 * reach the caller unchanged and nothing is cached.
 */
export function serviceAccountAssertion(
  kube: ProviderKubeAccess,
  account: ServiceAccountTarget,
  clock: ProviderClock,
): () => Promise<string> {
  let cached: { token: string; refreshAtMs: number } | undefined;
  let pending: Promise<string> | undefined;
  const audiences = [
    TOKEN_EXCHANGE_AUDIENCE,
    ...account.audiences.filter((a) => a !== TOKEN_EXCHANGE_AUDIENCE),
  ];
  return () => {
    if (cached && clock.now() < cached.refreshAtMs) return Promise.resolve(cached.token);
    pending ??= kube
      .createServiceAccountToken(account.namespace, account.name, audiences)
      .then((token) => {
        cached = { token, refreshAtMs: refreshAtMs(token, clock.now()) };
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
