import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { EmulatorClock, Principal } from '../contracts.ts';
import { newGuid, stsIssuer } from './ids.ts';
import {
  audienceClaim,
  decodeJwt,
  numericClaim,
  publicJwk,
  signJwt,
  verifyJwtSignature,
  type Jwks,
} from './jwt.ts';

/**
 * Access tokens the emulator's Entra and IMDS endpoints hand out: v1-style RS256 JWTs
 * (`iss` `https://sts.windows.net/{tenant}/`, `appid`, `oid`, `tid`, `idtyp: app`) signed with
 * one RSA key that a snapshot can carry across restarts.
 */

/** The signing key as JSON (PKCS#8 PEM); part of the identity snapshot. */
export interface SigningKeySnapshot {
  kid: string;
  privateKeyPem: string;
}

export interface AccessTokenIssuerOptions {
  tenantId: string;
  clock: EmulatorClock;
  /** Lifetime of issued tokens; Entra's are about an hour. */
  lifetimeSeconds: number;
  /** Reuse a key (from a snapshot); a fresh 2048-bit key otherwise. */
  signingKey?: SigningKeySnapshot;
}

/** An issued token and its times, in Unix seconds by the emulator clock. */
export interface IssuedToken {
  accessToken: string;
  notBeforeSeconds: number;
  expiresOnSeconds: number;
  expiresInSeconds: number;
}

/** Extra facts for a token: the ARM id of a managed identity (`xms_mirid`). */
export interface IssueOptions {
  managedIdentityResourceId?: string;
}

/** Tolerance for `nbf` in the future (Entra and Key Vault allow about five minutes). */
const NOT_BEFORE_SKEW_SECONDS = 300;

const PRINCIPAL_KINDS: ReadonlySet<string> = new Set([
  'managed-identity',
  'service-principal',
  'workload-identity',
]);

function normalizeResource(resource: string): string {
  return resource.trim().replace(/\/+$/, '').toLowerCase();
}

function generateSigningKey(): SigningKeySnapshot {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid: randomBytes(20).toString('base64url'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function principalFromClaims(claims: Record<string, unknown>): Principal | undefined {
  const { oid, appid, tid, kvsync_kind: kind, app_displayname: displayName } = claims;
  if (typeof oid !== 'string' || typeof appid !== 'string' || typeof tid !== 'string') return undefined;
  const principal: Principal = {
    objectId: oid,
    clientId: appid,
    tenantId: tid,
    kind:
      typeof kind === 'string' && PRINCIPAL_KINDS.has(kind)
        ? (kind as Principal['kind'])
        : 'service-principal',
  };
  if (typeof displayName === 'string') principal.displayName = displayName;
  return principal;
}

/** Issues and checks the emulator's access tokens. */
export class AccessTokenIssuer {
  readonly #options: AccessTokenIssuerOptions;
  #key: SigningKeySnapshot;
  #privateKey: KeyObject;

  constructor(options: AccessTokenIssuerOptions) {
    this.#options = options;
    this.#key = options.signingKey ?? generateSigningKey();
    this.#privateKey = createPrivateKey(this.#key.privateKeyPem);
  }

  get issuer(): string {
    return stsIssuer(this.#options.tenantId);
  }

  /** A token for `principal` whose audience is `audience` (a resource such as `https://vault.azure.net`). */
  issue(principal: Principal, audience: string, options: IssueOptions = {}): IssuedToken {
    const now = Math.floor(this.#options.clock.now().getTime() / 1000);
    const exp = now + this.#options.lifetimeSeconds;
    const claims: Record<string, unknown> = {
      aud: audience,
      iss: this.issuer,
      iat: now,
      nbf: now,
      exp,
      appid: principal.clientId,
      appidacr: principal.kind === 'service-principal' ? '1' : '2',
      azp: principal.clientId,
      idp: this.issuer,
      idtyp: 'app',
      oid: principal.objectId,
      sub: principal.objectId,
      tid: principal.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      kvsync_kind: principal.kind,
      jti: newGuid(),
    };
    if (principal.displayName) claims.app_displayname = principal.displayName;
    if (options.managedIdentityResourceId) claims.xms_mirid = options.managedIdentityResourceId;
    return {
      accessToken: signJwt(claims, this.#privateKey, this.#key.kid),
      notBeforeSeconds: now,
      expiresOnSeconds: exp,
      expiresInSeconds: exp - now,
    };
  }

  /**
   * Checks a bearer token for `resource`: signature by this issuer's key, issuer, times by the
   * emulator clock, and audience (trailing slashes and case ignored). Returns the principal
   * or a message in the spirit of Key Vault's `AKV100xx` errors.
   */
  verify(token: string, resource: string): { principal: Principal } | { error: string } {
    const jwt = decodeJwt(token.trim());
    if (!jwt) return { error: 'AKV10000: Request is missing a Bearer or PoP token, or it is not a JWT.' };
    if (
      jwt.header.alg !== 'RS256' ||
      jwt.header.kid !== this.#key.kid ||
      !verifyJwtSignature(jwt, this.#privateKey)
    )
      return {
        error: 'AKV10012: Token signature validation failed: the token was not issued by this tenant.',
      };
    const { claims } = jwt;
    if (claims.iss !== this.issuer)
      return {
        error: `AKV10032: Invalid issuer. Expected one of ${this.issuer}, found ${String(claims.iss)}.`,
      };
    const now = this.#options.clock.now().getTime() / 1000;
    const exp = numericClaim(claims, 'exp');
    if (exp === undefined || exp <= now) return { error: 'AKV10013: The access token has expired.' };
    const nbf = numericClaim(claims, 'nbf');
    if (nbf !== undefined && nbf > now + NOT_BEFORE_SKEW_SECONDS)
      return { error: 'AKV10014: The access token is not yet valid.' };
    const audiences = audienceClaim(claims);
    if (!audiences.some((aud) => normalizeResource(aud) === normalizeResource(resource)))
      return { error: `AKV10022: Invalid audience. Expected ${resource}, found: ${audiences.join(', ')}.` };
    const principal = principalFromClaims(claims);
    return principal ? { principal } : { error: 'AKV10012: The token names no application or object id.' };
  }

  /** The public key as a JWKS (what the authority's `jwks_uri` serves). */
  jwks(): Jwks {
    return { keys: [publicJwk(this.#privateKey, this.#key.kid)] };
  }

  snapshot(): SigningKeySnapshot {
    return { ...this.#key };
  }

  /** Switches to a key from a snapshot: tokens signed with the replaced key stop verifying. */
  restore(key: SigningKeySnapshot): void {
    this.#privateKey = createPrivateKey(key.privateKeyPem);
    this.#key = { ...key };
  }
}
