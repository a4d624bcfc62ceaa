import {
  createPublicKey,
  constants as cryptoConstants,
  sign,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';

/**
 * Compact JWS (JWT) encoding, signing and signature checks with node:crypto only. Claims are
 * not judged here (expiry, audience, issuer): callers decide what a valid token means.
 */

/** A public JSON Web Key as published in a JWKS (`kid`, `alg`, `use` optional). */
export type Jwk = JsonWebKey & { kid?: string; alg?: string; use?: string };

/** A JSON Web Key Set: what `jwks_uri` serves. */
export interface Jwks {
  keys: Jwk[];
}

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
  x5t?: string;
  'x5t#S256'?: string;
  x5c?: string[];
}

/** Claims as decoded: anything JSON. Typed accessors live with the callers. */
export type JwtClaims = Record<string, unknown>;

/** A token split into its parts; `signingInput` is what the signature covers. */
export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

type Digest = 'sha256' | 'sha384' | 'sha512';

interface AlgorithmSpec {
  digest: Digest;
  padding?: number;
  dsaEncoding?: 'ieee-p1363';
}

const ALGORITHMS: Record<string, AlgorithmSpec> = {
  RS256: { digest: 'sha256' },
  RS384: { digest: 'sha384' },
  RS512: { digest: 'sha512' },
  PS256: { digest: 'sha256', padding: cryptoConstants.RSA_PKCS1_PSS_PADDING },
  PS384: { digest: 'sha384', padding: cryptoConstants.RSA_PKCS1_PSS_PADDING },
  PS512: { digest: 'sha512', padding: cryptoConstants.RSA_PKCS1_PSS_PADDING },
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363' },
  ES384: { digest: 'sha384', dsaEncoding: 'ieee-p1363' },
  ES512: { digest: 'sha512', dsaEncoding: 'ieee-p1363' },
};

function encodeSegment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Signs `claims` as an RS256 JWT with `privateKey`; `kid` names the key in the JWKS. */
export function signJwt(claims: JwtClaims, privateKey: KeyObject, kid: string): string {
  const header = encodeSegment({ typ: 'JWT', alg: 'RS256', kid });
  const payload = encodeSegment(claims);
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), privateKey);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/**
 * Splits a compact JWS into header, claims and signature. Returns undefined for anything that is
 * not three base64url segments with JSON-object header and claims and a string `alg`.
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  const header = decodeSegment(headerPart);
  const claims = decodeSegment(claimsPart);
  if (!isObject(header) || !isObject(claims) || typeof header.alg !== 'string') return undefined;
  if (!/^[A-Za-z0-9_-]*$/.test(signaturePart)) return undefined;
  return {
    header: header as unknown as JwtHeader,
    claims,
    signingInput: `${headerPart}.${claimsPart}`,
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

/** True when `jwt`'s signature verifies with `publicKey` under its own (supported) `alg`. */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const spec = ALGORITHMS[jwt.header.alg];
  if (!spec || jwt.signature.length === 0) return false;
  const key: Parameters<typeof verify>[2] = { key: publicKey };
  if (spec.padding !== undefined) Object.assign(key, { padding: spec.padding, saltLength: -2 });
  if (spec.dsaEncoding) Object.assign(key, { dsaEncoding: spec.dsaEncoding });
  try {
    return verify(spec.digest, Buffer.from(jwt.signingInput), key, jwt.signature);
  } catch {
    return false;
  }
}

function publicKeyFromJwk(jwk: Jwk): KeyObject | undefined {
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/**
 * True when some key of `jwks` verifies `jwt`: the key named by the header's `kid` when it has
 * one (no fallback to other keys, as OIDC verifiers do), otherwise any key.
 */
export function verifyWithJwks(jwt: DecodedJwt, jwks: Jwks): boolean {
  const kid = jwt.header.kid;
  const candidates = kid === undefined ? jwks.keys : jwks.keys.filter((key) => key.kid === kid);
  return candidates.some((jwk) => {
    const key = publicKeyFromJwk(jwk);
    return key !== undefined && verifyJwtSignature(jwt, key);
  });
}

/** The public half of `key` (private or public) as a JWK with `kid`, `alg: RS256` and `use: sig`. */
export function publicJwk(key: KeyObject, kid: string): Jwk {
  // createPublicKey() refuses a KeyObject that is already public (Node 24).
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const jwk = publicKey.export({ format: 'jwk' });
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

/** A numeric claim (`exp`, `nbf`, `iat`) or undefined when absent or not a finite number. */
export function numericClaim(claims: JwtClaims, name: string): number | undefined {
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The `aud` claim as a list (it may be a string or an array of strings). */
export function audienceClaim(claims: JwtClaims): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((value): value is string => typeof value === 'string');
  return [];
}
