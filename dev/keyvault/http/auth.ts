import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody, sendJson } from './respond.ts';

/**
 * Challenge authentication as the Key Vault SDKs expect it (reference §4): every request without
 * a bearer token gets 401 with `WWW-Authenticate` before its body is read, because the SDK's
 * first request carries no body and is re-sent with one only after the challenge.
 */

/** The resource (token audience) of real vaults, named in challenges for `*.vault.azure.net`. */
export const VAULT_RESOURCE = 'https://vault.azure.net';

/**
 * The resource named in challenges for `https://127.0.0.1:PORT` vault URLs. The SDK requires the
 * request host name to end with "." + the resource's host name. No https URL can satisfy that
 * for an IP address (WHATWG URL parsing turns `https://0.0.1` into `0.0.0.1`), but a non-special
 * scheme keeps its host as written: `api://0.0.1` has host `0.0.1`, a suffix of `127.0.0.1`.
 * `api://…` is also the form of Entra application ID URIs, so token endpoints accept it.
 */
export const LOOPBACK_RESOURCE = 'api://0.0.1';

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The challenge resource for a request host name (no port). */
export function resourceForHost(hostname: string): string {
  const host = hostname.toLowerCase();
  if (host === '127.0.0.1') return LOOPBACK_RESOURCE;
  if (IPV4.test(host)) return `api://${host.split('.').slice(1).join('.')}`;
  return VAULT_RESOURCE;
}

/** The bearer token of a request, if any. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** The `WWW-Authenticate` value of a vault's challenge. */
export function challengeHeader(authorityHost: string, tenantId: string, resource: string): string {
  return `Bearer authorization="${authorityHost.replace(/\/+$/, '')}/${tenantId}", resource="${resource}"`;
}

/** Sends 401 `Unauthorized` with the challenge. `message` must not contain the token. */
export function sendChallenge(response: ServerResponse, challenge: string, message: string): void {
  sendJson(response, 401, errorBody('Unauthorized', message), { 'WWW-Authenticate': challenge });
}
