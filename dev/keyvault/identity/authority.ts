import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessTokenIssuer } from './access-tokens.ts';
import { authenticateClient, type ClientAuthContext } from './client-auth.ts';
import { ENTRA_ERRORS, sendEntraError, type EntraError } from './entra-errors.ts';
import { BodyTooLargeError, formField, headerValue, readBody, sendJson } from './http.ts';
import { isGuid, TENANT_ALIASES } from './ids.ts';

/**
 * The Entra ID authority surface MSAL uses for confidential clients: instance discovery,
 * OpenID configuration (v1 and v2), JWKS and the token endpoint (v2 `scope`, v1 `resource`),
 * under `/{tenant}/…`. Paths whose first segment cannot be a tenant are left to the caller.
 * The emulator's tenant, `common` and `organizations` are served; open mode serves any GUID
 * tenant too (tokens still name the emulator's tenant).
 */

export interface AuthorityContext extends Omit<ClientAuthContext, 'tokenEndpointAudiences'> {
  /** Base URL used when a request has no Host header. */
  authorityHost: string;
  tokens: AccessTokenIssuer;
}

type Route =
  | { kind: 'instance-discovery' }
  | { kind: 'openid-configuration'; version: 1 | 2 }
  | { kind: 'keys' }
  | { kind: 'token'; version: 1 | 2 };

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function matchRoute(rest: string): Route | undefined {
  switch (rest) {
    case 'discovery/instance':
      return { kind: 'instance-discovery' };
    case 'v2.0/.well-known/openid-configuration':
      return { kind: 'openid-configuration', version: 2 };
    case '.well-known/openid-configuration':
      return { kind: 'openid-configuration', version: 1 };
    case 'discovery/v2.0/keys':
    case 'discovery/keys':
      return { kind: 'keys' };
    case 'oauth2/v2.0/token':
      return { kind: 'token', version: 2 };
    case 'oauth2/token':
      return { kind: 'token', version: 1 };
    default:
      return undefined;
  }
}

function looksLikeTenant(segment: string): boolean {
  return isGuid(segment) || TENANT_ALIASES.includes(segment.toLowerCase()) || segment.includes('.');
}

function baseUrl(request: IncomingMessage, context: AuthorityContext): string {
  const host = headerValue(request, 'host');
  return host ? `https://${host}` : context.authorityHost.replace(/\/+$/, '');
}

function correlationId(request: IncomingMessage, url: URL): string | undefined {
  return url.searchParams.get('client-request-id') ?? headerValue(request, 'client-request-id');
}

/**
 * Serves the authority paths; false when `url` is not one of them (nothing is written then).
 * Errors use Entra's status codes and body shape.
 */
export async function handleAuthorityRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: AuthorityContext,
): Promise<boolean> {
  const match = /^\/([^/]+)\/(.+?)\/?$/.exec(url.pathname);
  if (!match || !looksLikeTenant(match[1]!)) return false;
  const route = matchRoute(match[2]!);
  if (!route) return false;
  const tenant = match[1]!;
  const base = baseUrl(request, context);
  const fail = (error: EntraError) =>
    sendEntraError(response, error, context.now(), correlationId(request, url));
  const known =
    tenant.toLowerCase() === context.tenantId.toLowerCase() ||
    TENANT_ALIASES.includes(tenant.toLowerCase()) ||
    (context.open && isGuid(tenant));
  if (route.kind === 'instance-discovery') sendJson(response, 200, instanceDiscovery(base, url, context));
  else if (!known) fail(ENTRA_ERRORS.tenantNotFound(tenant));
  else if (route.kind === 'openid-configuration')
    sendJson(response, 200, openIdConfiguration(base, tenant, route.version, context));
  else if (route.kind === 'keys') sendJson(response, 200, context.tokens.jwks());
  else await handleToken(request, response, { base, tenant, version: route.version, fail }, context);
  return true;
}

function instanceDiscovery(base: string, url: URL, context: AuthorityContext): object {
  const authorize = url.searchParams.get('authorization_endpoint');
  const tenant = (authorize && /^https?:\/\/[^/]+\/([^/]+)/.exec(authorize)?.[1]) || context.tenantId;
  const host = new URL(base).host;
  return {
    tenant_discovery_endpoint: `${base}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}

function openIdConfiguration(
  base: string,
  tenant: string,
  version: 1 | 2,
  context: AuthorityContext,
): object {
  const alias = TENANT_ALIASES.includes(tenant.toLowerCase());
  const root = `${base}/${tenant}`;
  const v = version === 2 ? '/v2.0' : '';
  return {
    token_endpoint: `${root}/oauth2${v}/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${root}/discovery${v}/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: version === 2 ? `${base}/${alias ? '{tenantid}' : context.tenantId}/v2.0` : context.tokens.issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${root}/oauth2${v}/authorize`,
    device_authorization_endpoint: `${root}/oauth2${v}/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${root}/oauth2${v}/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid', 'azp', 'idtyp'],
    kerberos_endpoint: `${root}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  };
}

/** The resource a v2 `scope` names (`https://vault.azure.net/.default` → `https://vault.azure.net`). */
export function resourceFromScope(scope: string): string | undefined {
  const scopes = scope.split(/\s+/).filter((entry) => entry && !OIDC_SCOPES.has(entry.toLowerCase()));
  if (scopes.length !== 1 || !scopes[0]!.endsWith('/.default')) return undefined;
  const resource = scopes[0]!.slice(0, -'/.default'.length);
  return resource || undefined;
}

interface TokenRequest {
  base: string;
  tenant: string;
  version: 1 | 2;
  fail: (error: EntraError) => void;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams | EntraError> {
  try {
    return new URLSearchParams(await readBody(request));
  } catch (error) {
    return ENTRA_ERRORS.badRequestBody(error instanceof BodyTooLargeError ? 'too large' : 'read failed');
  }
}

function requestedResource(form: URLSearchParams, version: 1 | 2): string | EntraError {
  const scope = formField(form, 'scope');
  const resource = formField(form, 'resource');
  if (version === 1 && resource) return resource;
  if (!scope) return ENTRA_ERRORS.missingParameter(version === 1 ? 'resource' : 'scope');
  return resourceFromScope(scope) ?? ENTRA_ERRORS.invalidScope(scope);
}

function tokenEndpointAudiences(base: string, tenant: string, tenantId: string): string[] {
  return [...new Set([tenant, tenantId])].flatMap((t) => [
    `${base}/${t}/oauth2/v2.0/token`,
    `${base}/${t}/oauth2/token`,
    `${base}/${t}/v2.0`,
    `${base}/${t}`,
  ]);
}

async function handleToken(
  request: IncomingMessage,
  response: ServerResponse,
  token: TokenRequest,
  context: AuthorityContext,
): Promise<void> {
  if (request.method !== 'POST') return token.fail(ENTRA_ERRORS.postRequired(request.method ?? 'GET'));
  const form = await readForm(request);
  if (!(form instanceof URLSearchParams)) return token.fail(form);
  const grantType = formField(form, 'grant_type');
  if (!grantType) return token.fail(ENTRA_ERRORS.missingParameter('grant_type'));
  if (grantType !== 'client_credentials') return token.fail(ENTRA_ERRORS.unsupportedGrantType(grantType));
  const resource = requestedResource(form, token.version);
  if (typeof resource !== 'string') return token.fail(resource);
  const audiences = tokenEndpointAudiences(token.base, token.tenant, context.tenantId);
  const auth = await authenticateClient(form, { ...context, tokenEndpointAudiences: audiences });
  if ('error' in auth) return token.fail(auth.error);
  const issued = context.tokens.issue(auth.principal, resource);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    expires_in: issued.expiresInSeconds,
    ext_expires_in: issued.expiresInSeconds,
    access_token: issued.accessToken,
  };
  if (token.version === 1)
    Object.assign(body, {
      expires_in: String(issued.expiresInSeconds),
      ext_expires_in: String(issued.expiresInSeconds),
      expires_on: String(issued.expiresOnSeconds),
      not_before: String(issued.notBeforeSeconds),
      resource,
    });
  sendJson(response, 200, body);
}
