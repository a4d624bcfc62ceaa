import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../contracts.ts';
import type { AccessTokenIssuer } from './access-tokens.ts';
import { headerValue, sendJson } from './http.ts';
import { guidFromName } from './ids.ts';
import { derivedObjectId, type ManagedIdentitySelector } from './principals.ts';
import type { PrincipalRegistry } from './registry.ts';

/**
 * The Azure Instance Metadata Service token endpoint (`GET /metadata/identity/oauth2/token`),
 * as MSAL's IMDS source calls it through `AZURE_POD_IDENTITY_AUTHORITY_HOST`: `Metadata: true`,
 * `api-version`, `resource`, and `client_id` / `object_id` / `msi_res_id` for a user-assigned
 * identity (none: the host's system-assigned identity). Errors are IMDS's 400 bodies, never a
 * 404 for a known path (the SDK retries 404 and 410 for half a minute).
 */

export interface ImdsContext {
  registry: PrincipalRegistry;
  open: boolean;
  tenantId: string;
  tokens: AccessTokenIssuer;
}

const TOKEN_PATH = '/metadata/identity/oauth2/token';
const IMDS_SERVER_HEADER = 'IMDS/150.870.65.1854';
const IDENTITY_PARAMETERS = ['client_id', 'object_id', 'msi_res_id', 'mi_res_id'] as const;

function imdsError(response: ServerResponse, status: number, error: string, description: string): void {
  sendJson(response, status, { error, error_description: description }, { server: IMDS_SERVER_HEADER });
}

interface ResolvedIdentity {
  principal: Principal;
  resourceId?: string;
}

function selectorFrom(url: URL): ManagedIdentitySelector | 'none' | 'ambiguous' {
  const given = IDENTITY_PARAMETERS.filter((name) => url.searchParams.get(name));
  if (given.length === 0) return 'none';
  if (given.length > 1) return 'ambiguous';
  const value = url.searchParams.get(given[0]!)!;
  if (given[0] === 'client_id') return { clientId: value };
  if (given[0] === 'object_id') return { objectId: value };
  return { resourceId: value };
}

function managedPrincipal(
  context: ImdsContext,
  clientId: string,
  objectId: string,
  name?: string,
): Principal {
  const principal: Principal = { clientId, objectId, tenantId: context.tenantId, kind: 'managed-identity' };
  if (name) principal.displayName = name;
  return principal;
}

/** The identity a request names; undefined when it names an unknown one outside open mode. */
function resolveIdentity(
  context: ImdsContext,
  selector: ManagedIdentitySelector | 'none',
): ResolvedIdentity | undefined {
  if (selector === 'none') {
    const system = context.registry.systemAssignedIdentity;
    return { principal: managedPrincipal(context, system.clientId, system.objectId) };
  }
  const record = context.registry.findManagedIdentity(selector);
  if (record)
    return {
      principal: managedPrincipal(context, record.clientId, record.objectId, record.name),
      resourceId: record.resourceId,
    };
  if (!context.open) return undefined;
  const clientId = (
    selector.clientId ?? guidFromName('kvsync-imds-client', selector.objectId ?? selector.resourceId ?? '')
  ).toLowerCase();
  const objectId = (selector.objectId ?? derivedObjectId(clientId)).toLowerCase();
  const resolved: ResolvedIdentity = { principal: managedPrincipal(context, clientId, objectId) };
  if (selector.resourceId) resolved.resourceId = selector.resourceId;
  return resolved;
}

interface ImdsError {
  status: number;
  error: string;
  description: string;
}

interface ImdsTokenRequest {
  resource: string;
  selector: ManagedIdentitySelector | 'none';
}

function invalid(description: string, status = 400): ImdsError {
  return { status, error: 'invalid_request', description };
}

/** Checks header, path, method and query the way IMDS does, in its order. */
function parseTokenRequest(request: IncomingMessage, url: URL): ImdsTokenRequest | ImdsError {
  if (headerValue(request, 'metadata')?.toLowerCase() !== 'true')
    return invalid('Required metadata header not specified');
  if (url.pathname.replace(/\/+$/, '') !== TOKEN_PATH)
    return {
      status: 404,
      error: 'not_found',
      description: 'The requested path is not served by this endpoint',
    };
  if (request.method !== 'GET') return invalid('Method not allowed', 405);
  const apiVersion = url.searchParams.get('api-version');
  if (!apiVersion) return invalid("Required query variable 'api-version' is missing");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(apiVersion)) return invalid('Invalid api-version');
  const resource = url.searchParams.get('resource')?.trim();
  if (!resource) return invalid("Required query variable 'resource' is missing");
  const selector = selectorFrom(url);
  if (selector === 'ambiguous')
    return invalid('Only one of client_id, object_id and msi_res_id may be given');
  return { resource, selector };
}

/** Serves one IMDS request; answers every path (unknown ones with 404). */
export function handleImdsRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: ImdsContext,
): void {
  const parsed = parseTokenRequest(request, url);
  if ('status' in parsed) return imdsError(response, parsed.status, parsed.error, parsed.description);
  const identity = resolveIdentity(context, parsed.selector);
  if (!identity) return imdsError(response, 400, 'invalid_request', 'Identity not found');
  const issued = context.tokens.issue(
    identity.principal,
    parsed.resource,
    identity.resourceId ? { managedIdentityResourceId: identity.resourceId } : {},
  );
  const body = {
    access_token: issued.accessToken,
    client_id: identity.principal.clientId,
    expires_in: String(issued.expiresInSeconds),
    expires_on: String(issued.expiresOnSeconds),
    ext_expires_in: String(issued.expiresInSeconds),
    not_before: String(issued.notBeforeSeconds),
    resource: parsed.resource,
    token_type: 'Bearer',
  };
  sendJson(response, 200, body, { server: IMDS_SERVER_HEADER });
}
