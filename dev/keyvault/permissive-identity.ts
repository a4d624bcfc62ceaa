import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdentityService, Principal } from './contracts.ts';

/**
 * A stand-in identity service that lets everyone in: any bearer token is accepted and names a
 * principal derived from it (the `oid`/`appid`/`tid` claims of a JWT, else a GUID hashed from
 * the token), every permission is granted, and the IMDS endpoint hands out opaque tokens. Used
 * when the emulator is started without a real `IdentityService` (unit tests, quick local use).
 */

/** Tenant the stand-in names in challenges. */
export const PERMISSIVE_TENANT_ID = '00000000-0000-4000-8000-0000000c0ffe';

function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function claim(claims: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = claims?.[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** The principal a token names under the stand-in. */
export function principalFromToken(token: string, tenantId: string): Principal {
  const claims = jwtClaims(token);
  const objectId = claim(claims, 'oid') ?? guidFrom(`oid:${token}`);
  return {
    objectId,
    clientId: claim(claims, 'appid') ?? claim(claims, 'azp') ?? objectId,
    tenantId: claim(claims, 'tid') ?? tenantId,
    kind: 'service-principal',
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Options of {@link createPermissiveIdentity}. */
export interface PermissiveIdentityOptions {
  /** Default {@link PERMISSIVE_TENANT_ID}. */
  tenantId?: string;
  /** Lifetime of IMDS tokens; default 3600 s. */
  tokenLifetimeSeconds?: number;
}

/** Creates the stand-in. It keeps no state; every instance behaves the same. */
export function createPermissiveIdentity(options: PermissiveIdentityOptions = {}): IdentityService {
  const tenantId = options.tenantId ?? PERMISSIVE_TENANT_ID;
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  return {
    tenantId,
    verifyAccessToken(token) {
      if (!token) return { error: 'AKV10000: Request is missing a Bearer or PoP token.' };
      return { principal: principalFromToken(token, tenantId) };
    },
    authorize: () => ({ allowed: true }),
    handleAuthority: async () => false,
    async handleImds(request: IncomingMessage, response: ServerResponse, url: URL) {
      if (request.headers.metadata !== 'true')
        return sendJson(response, 400, {
          error: 'invalid_request',
          error_description: 'Required metadata header not specified',
        });
      const resource = url.searchParams.get('resource');
      if (!url.pathname.startsWith('/metadata/identity/oauth2/token') || !resource)
        return sendJson(response, 400, {
          error: 'invalid_request',
          error_description: 'Required query variable resource is missing',
        });
      const clientId = url.searchParams.get('client_id') ?? guidFrom('system-assigned');
      const expiresOn = Math.floor(Date.now() / 1000) + lifetime;
      sendJson(response, 200, {
        access_token: `kvsync-emulator-imds.${clientId}.${expiresOn}`,
        expires_on: String(expiresOn),
        expires_in: String(lifetime),
        resource,
        token_type: 'Bearer',
        client_id: clientId,
      });
    },
  };
}
