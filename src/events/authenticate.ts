/**
 * Authenticating a delivery with every configured method (shared secret, Entra bearer token).
 * A refusal is 401, which Event Grid does not retry; a check that cannot be made now (secret
 * not loaded yet, signing keys unreachable) is 503, which it retries.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { KvsyncError } from '../errors.ts';
import { bearerToken, verifyEntraToken } from './entra-token.ts';
import { checkSharedSecret, presentedSecrets } from './shared-secret.ts';
import type { WebhookAuthentication } from './types.ts';

export type AuthenticationResult =
  | { ok: true }
  /** `reason` is safe to log: it never holds a presented value. */
  | { ok: false; status: 401 | 503; reason: string };

/** Throws `ERR_INVALID_CONFIG` unless exactly one of "none" or at least one method is configured. */
export function checkAuthenticationOptions(authentication: WebhookAuthentication): void {
  const invalid = (message: string): never => {
    throw new KvsyncError('ERR_INVALID_CONFIG', `event grid webhook authentication: ${message}`);
  };
  if (authentication.none === true) {
    const { sharedSecret, entra } = authentication as { sharedSecret?: unknown; entra?: unknown };
    if (sharedSecret !== undefined || entra !== undefined) invalid("'none' cannot be combined with a method");
    return;
  }
  if (authentication.sharedSecret === undefined && authentication.entra === undefined) {
    invalid("configure 'sharedSecret', 'entra', or explicitly 'none: true'");
  }
  const entra = authentication.entra;
  if (entra !== undefined) {
    if (entra.issuers === undefined && entra.tenantId === undefined)
      invalid("entra needs 'tenantId' or 'issuers'");
    const audiences = typeof entra.audience === 'string' ? [entra.audience] : entra.audience;
    if (audiences.length === 0 || audiences.some((audience) => audience === ''))
      invalid('entra needs an audience');
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Checks a request against `authentication` (already validated by {@link checkAuthenticationOptions}). */
export async function authenticate(
  authentication: WebhookAuthentication,
  url: URL,
  headers: IncomingHttpHeaders,
  nowMs: number,
): Promise<AuthenticationResult> {
  if (authentication.none === true) return { ok: true };
  if (authentication.sharedSecret !== undefined) {
    const result = checkSharedSecret(authentication.sharedSecret, presentedSecrets(url, headers));
    if (result === 'not-loaded') return { ok: false, status: 503, reason: 'shared secret not loaded' };
    if (result !== 'ok') return { ok: false, status: 401, reason: `shared secret ${result}` };
  }
  if (authentication.entra !== undefined) {
    const token = bearerToken(headerValue(headers, 'authorization'));
    try {
      const result = await verifyEntraToken(token, authentication.entra, nowMs);
      if (!result.ok) return { ok: false, status: 401, reason: `bearer token ${result.reason}` };
    } catch {
      return { ok: false, status: 503, reason: 'signing keys unavailable' };
    }
  }
  return { ok: true };
}
