import { generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Bearer tokens: a static admin token (what the kubeconfig carries) and ServiceAccount tokens
 * issued by the `token` subresource as RS256 JWTs, like a real cluster's projected tokens.
 * The public key is published as a JWKS so that an identity emulator can verify them.
 */

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
const DEFAULT_AUDIENCE = SERVICE_ACCOUNT_ISSUER;
/** The audience the API server accepts (`--api-audiences`, which defaults to the issuer). */
const API_AUDIENCE = SERVICE_ACCOUNT_ISSUER;

export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string } };
}

export interface ServiceAccountTokenRequest {
  namespace: string;
  name: string;
  uid: string;
  audiences?: string[];
  expirationSeconds?: number;
  nowMs: number;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export class TokenAuthority {
  readonly adminToken: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #keyId: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    this.#keyId = randomBytes(8).toString('hex');
    this.adminToken = `kvsync-admin-${randomBytes(16).toString('hex')}`;
  }

  /** Issues a ServiceAccount token; default audience is the issuer, default lifetime one hour. */
  issue(request: ServiceAccountTokenRequest): { token: string; expiresAtMs: number } {
    const iat = Math.floor(request.nowMs / 1000);
    const exp = iat + (request.expirationSeconds ?? 3600);
    const claims: TokenClaims = {
      iss: SERVICE_ACCOUNT_ISSUER,
      sub: `system:serviceaccount:${request.namespace}:${request.name}`,
      aud: request.audiences?.length ? request.audiences : [DEFAULT_AUDIENCE],
      exp,
      iat,
      nbf: iat,
      'kubernetes.io': {
        namespace: request.namespace,
        serviceaccount: { name: request.name, uid: request.uid },
      },
    };
    const header = base64url(JSON.stringify({ alg: 'RS256', kid: this.#keyId, typ: 'JWT' }));
    const payload = base64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.#privateKey);
    return { token: `${header}.${payload}.${base64url(signature)}`, expiresAtMs: exp * 1000 };
  }

  /** The claims of a valid, unexpired token this authority issued; undefined otherwise. */
  verify(token: string, nowMs: number): TokenClaims | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      this.#publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    return claims.exp * 1000 > nowMs ? claims : undefined;
  }

  /** `/openid/v1/jwks`: the public key that verifies ServiceAccount tokens. */
  jwks(): object {
    const jwk = this.#publicKey.export({ format: 'jwk' });
    return { keys: [{ ...jwk, kid: this.#keyId, alg: 'RS256', use: 'sig' }] };
  }

  /**
   * The ServiceAccount a bearer token names, when it is a token this authority issued, unexpired,
   * for the API server's audience (the issuer); undefined otherwise (the admin token included).
   */
  serviceAccountOf(
    token: string,
    nowMs: number,
  ): { namespace: string; name: string; uid: string } | undefined {
    const claims = this.verify(token, nowMs);
    if (!claims?.aud.includes(API_AUDIENCE)) return undefined;
    const { namespace, serviceaccount } = claims['kubernetes.io'];
    return { namespace, name: serviceaccount.name, uid: serviceaccount.uid };
  }
}
