/**
 * Verifying the Microsoft Entra ID bearer token Event Grid sends on delivery (reference §7.6):
 * an RS256 JWT whose key comes from the tenant's JWKS, with `iss`, `aud`, `exp`/`nbf`, the
 * client (`appid` for v1 tokens, `azp` for v2) and optionally a role checked. The token itself
 * is never logged or kept.
 */
import { verify, type KeyObject } from 'node:crypto';
import { EVENT_GRID_CLIENT_IDS } from './event-types.ts';
import type { EntraAuthentication } from './types.ts';

/** Why a token was refused; safe to log. */
export type TokenRejection =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'tenant'
  | 'expired'
  | 'not-yet-valid'
  | 'client'
  | 'role';

export type TokenResult = { ok: true; claims: TokenClaims } | { ok: false; reason: TokenRejection };

/** The claims the receiver reads; others are ignored. */
export interface TokenClaims {
  iss?: unknown;
  aud?: unknown;
  exp?: unknown;
  nbf?: unknown;
  tid?: unknown;
  appid?: unknown;
  azp?: unknown;
  roles?: unknown;
}

const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000;

/** `iss` values of a tenant's v1 and v2 tokens (public cloud). */
export function tenantIssuers(tenantId: string): string[] {
  return [`https://sts.windows.net/${tenantId}/`, `https://login.microsoftonline.com/${tenantId}/v2.0`];
}

/** The bearer token of an `Authorization` header; undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

interface DecodedToken {
  kid: string;
  alg: unknown;
  claims: TokenClaims;
  signedPart: Buffer;
  signature: Buffer;
}

function decode(token: string): DecodedToken | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return undefined;
  const header = decodeJson(parts[0]!);
  const claims = decodeJson(parts[1]!);
  const kid = header?.kid ?? header?.x5t;
  if (header === undefined || claims === undefined || typeof kid !== 'string') return undefined;
  return {
    kid,
    alg: header.alg,
    claims,
    signedPart: Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'),
    signature: Buffer.from(parts[2]!, 'base64url'),
  };
}

function checkSignature(decoded: DecodedToken, key: KeyObject): boolean {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'rsa') return false;
  try {
    return verify('RSA-SHA256', decoded.signedPart, key, decoded.signature);
  } catch {
    return false;
  }
}

function checkLifetime(claims: TokenClaims, nowMs: number, skewMs: number): TokenRejection | undefined {
  if (typeof claims.exp !== 'number' || nowMs >= claims.exp * 1000 + skewMs) return 'expired';
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || nowMs < claims.nbf * 1000 - skewMs)) {
    return 'not-yet-valid';
  }
  return undefined;
}

function includesAny(claim: unknown, accepted: readonly string[]): boolean {
  const values = Array.isArray(claim) ? claim : [claim];
  return values.some((value) => typeof value === 'string' && accepted.includes(value));
}

function checkClaims(claims: TokenClaims, options: EntraAuthentication): TokenRejection | undefined {
  const issuers = options.issuers ?? (options.tenantId ? tenantIssuers(options.tenantId) : []);
  if (!includesAny(claims.iss, issuers)) return 'issuer';
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!includesAny(claims.aud, audiences)) return 'audience';
  if (options.tenantId !== undefined && claims.tid !== undefined && claims.tid !== options.tenantId) {
    return 'tenant';
  }
  const clientIds = options.clientIds ?? EVENT_GRID_CLIENT_IDS;
  if (clientIds !== 'any' && !includesAny(claims.appid ?? claims.azp, clientIds)) return 'client';
  if (options.requiredRole !== undefined && !includesAny(claims.roles, [options.requiredRole])) return 'role';
  return undefined;
}

/**
 * Verifies `token`. Resolves `{ok: false, reason}` for any refusal; rejects only when
 * `options.jwks` rejects (keys unavailable), so that the caller can answer "retry later".
 * Only RS256 is accepted (no `none`, no HMAC).
 */
export async function verifyEntraToken(
  token: string | undefined,
  options: EntraAuthentication,
  nowMs: number,
): Promise<TokenResult> {
  if (token === undefined) return { ok: false, reason: 'missing' };
  const decoded = decode(token);
  if (decoded === undefined) return { ok: false, reason: 'malformed' };
  if (decoded.alg !== 'RS256') return { ok: false, reason: 'algorithm' };
  const key = await options.jwks(decoded.kid);
  if (key === undefined) return { ok: false, reason: 'unknown-key' };
  if (!checkSignature(decoded, key)) return { ok: false, reason: 'signature' };
  const refusal =
    checkLifetime(decoded.claims, nowMs, options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS) ??
    checkClaims(decoded.claims, options);
  return refusal === undefined ? { ok: true, claims: decoded.claims } : { ok: false, reason: refusal };
}
