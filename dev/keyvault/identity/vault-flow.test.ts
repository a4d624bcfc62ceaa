import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityService, type EmulatedIdentityService } from './index.ts';
import {
  IDENTITY_ENV_CLEARED,
  notFound,
  startHttpsServer,
  withEnv,
  type TestServer,
} from './test-support.ts';

// The whole challenge flow with the real SecretClient: 401 challenge naming the authority,
// ClientSecretCredential token (with the CAE claims the Key Vault policy asks for), then
// verifyAccessToken and authorize as the vault server will call them. The "vault" here is a
// stand-in that serves one secret; the real data plane lives outside identity/.

const RESOURCE = 'https://vault.azure.net';
const VAULT_NAME = 'flow-vault';
const CLIENT_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const SECRET = 'client-secret-value';

let server: TestServer;
let service: EmulatedIdentityService;

function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function serveSecret(request: IncomingMessage, response: ServerResponse, url: URL): void {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const challenge = `Bearer authorization="${server.url}/${service.tenantId}", resource="${RESOURCE}"`;
  if (!bearer)
    return json(
      response,
      401,
      { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } },
      { 'www-authenticate': challenge },
    );
  const verified = service.verifyAccessToken(bearer, RESOURCE);
  if ('error' in verified)
    return json(
      response,
      401,
      { error: { code: 'Unauthorized', message: verified.error } },
      { 'www-authenticate': challenge },
    );
  const decision = service.authorize(VAULT_NAME, verified.principal, 'secrets/get');
  if (!decision.allowed)
    return json(response, 403, {
      error: { code: 'Forbidden', message: decision.message, innererror: { code: decision.innerCode } },
    });
  const now = Math.floor(Date.now() / 1000);
  json(response, 200, {
    value: 's3cret',
    id: `${server.url}${url.pathname.replace(/\/$/, '')}/0123456789abcdef0123456789abcdef`,
    attributes: { enabled: true, created: now, updated: now, recoveryLevel: 'Recoverable+Purgeable' },
  });
}

beforeAll(async () => {
  server = await startHttpsServer(async (request, response, url) => {
    if (await service.handleAuthority(request, response, url)) return;
    if (url.pathname.startsWith('/secrets/')) return serveSecret(request, response, url);
    notFound(response);
  });
});
afterAll(() => server.close());

beforeEach(() => {
  service = createIdentityService({ authorityHost: server.url });
  service.principals.addServicePrincipal({ clientId: CLIENT_ID, secret: SECRET });
});

function client(): SecretClient {
  const credential = new ClientSecretCredential(service.tenantId, CLIENT_ID, SECRET, {
    authorityHost: server.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: server.caPem },
  });
  return new SecretClient(server.url, credential, {
    disableChallengeResourceVerification: true,
    tlsOptions: { ca: server.caPem },
  });
}

describe('SecretClient through the challenge', () => {
  it('reads a secret when the principal holds Key Vault Secrets User', async () => {
    const sp = service.principals.findServicePrincipal(CLIENT_ID)!;
    service.principals.grantRole(VAULT_NAME, sp.objectId, 'Key Vault Secrets User');
    const secret = await withEnv(IDENTITY_ENV_CLEARED, () => client().getSecret('db-password'));
    expect(secret.value).toBe('s3cret');
  });

  it('gets 403 ForbiddenByRbac without a role, as the SDK reports it', async () => {
    const error = await withEnv(IDENTITY_ENV_CLEARED, () => client().getSecret('db-password')).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      statusCode: 403,
      code: 'Forbidden',
      details: { error: { innerError: { code: 'ForbiddenByRbac' } } },
    });
    expect((error as Error).message).toMatch(/Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action/);
  });
});
