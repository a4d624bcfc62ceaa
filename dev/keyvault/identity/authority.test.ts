import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resourceFromScope } from './authority.ts';
import { createIdentityService, type EmulatedIdentityService } from './index.ts';
import { decodeJwt, verifyWithJwks, type Jwks } from './jwt.ts';
import { httpsJson, notFound, startHttpsServer, type TestServer } from './test-support.ts';

// The authority on the wire: OpenID configuration, JWKS, instance discovery, token endpoint
// errors in Entra's shape, and the paths it leaves to the vault server.

const CLIENT_ID = '2b4d6f80-1a3c-4e5f-8a7b-9c0d1e2f3a4b';
const FORM = 'application/x-www-form-urlencoded;charset=utf-8';

let server: TestServer;
let service: EmulatedIdentityService;

beforeAll(async () => {
  server = await startHttpsServer(async (request, response, url) => {
    if (!(await service.handleAuthority(request, response, url))) notFound(response);
  });
  service = createIdentityService({ authorityHost: server.url });
});
afterAll(() => server.close());
beforeEach(() => service.setOpenMode(false));

function get(path: string) {
  return httpsJson(`${server.url}${path}`, server.caPem);
}

function postToken(fields: Record<string, string>, path = `/${service.tenantId}/oauth2/v2.0/token`) {
  return httpsJson(`${server.url}${path}`, server.caPem, {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('discovery documents', () => {
  it('serves the v2 OpenID configuration with endpoints on the authority host', async () => {
    const { status, body } = await get(`/${service.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_endpoint: `${server.url}/${service.tenantId}/oauth2/v2.0/token`,
      authorization_endpoint: `${server.url}/${service.tenantId}/oauth2/v2.0/authorize`,
      jwks_uri: `${server.url}/${service.tenantId}/discovery/v2.0/keys`,
      issuer: `${server.url}/${service.tenantId}/v2.0`,
    });
  });

  it('publishes the keys that verify issued tokens', async () => {
    service.setOpenMode(true);
    const token = await postToken({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: 's',
      scope: 'https://vault.azure.net/.default',
    });
    const keys = await get(`/${service.tenantId}/discovery/v2.0/keys`);
    const jwt = decodeJwt(token.body.access_token as string)!;
    expect(verifyWithJwks(jwt, keys.body as unknown as Jwks)).toBe(true);
    expect(jwt.claims).toMatchObject({
      aud: 'https://vault.azure.net',
      iss: `https://sts.windows.net/${service.tenantId}/`,
      idtyp: 'app',
      appid: CLIENT_ID,
    });
  });

  it('answers instance discovery harmlessly', async () => {
    const { status, body } = await get(
      `/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${server.url}/${service.tenantId}/oauth2/v2.0/authorize`)}`,
    );
    expect(status).toBe(200);
    expect(body.tenant_discovery_endpoint).toBe(
      `${server.url}/${service.tenantId}/v2.0/.well-known/openid-configuration`,
    );
  });

  it('refuses unknown tenants with AADSTS90002, except any GUID in open mode', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    const refused = await get(`/${other}/v2.0/.well-known/openid-configuration`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    expect(refused.body.error_description).toMatch(
      /^AADSTS90002: Tenant '11111111-.*' not found\..*Trace ID: .* Correlation ID: .* Timestamp: /,
    );
    expect(refused.body).toHaveProperty('trace_id');
    expect(refused.body).toHaveProperty('timestamp');
    service.setOpenMode(true);
    expect((await get(`/${other}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });

  it('leaves vault paths to the caller', async () => {
    for (const path of [
      '/secrets/db-password/',
      '/keys/discovery/keys',
      '/',
      '/secrets/oauth2/token',
      '/deletedsecrets/x',
    ])
      expect(
        await service.handleAuthority(
          {} as IncomingMessage,
          {} as ServerResponse,
          new URL(`https://h${path}`),
        ),
      ).toBe(false);
  });
});

describe('token endpoint errors', () => {
  it('wants POST, grant_type, a supported grant, a .default scope and a credential', async () => {
    const base = {
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      scope: 'https://vault.azure.net/.default',
    };
    const cases: [Record<string, string>, number, string, number][] = [
      [{ client_id: CLIENT_ID }, 400, 'invalid_request', 900144],
      [{ ...base, grant_type: 'password' }, 400, 'unsupported_grant_type', 70003],
      [{ ...base, scope: 'https://vault.azure.net/secrets.read' }, 400, 'invalid_scope', 1002012],
      [base, 401, 'invalid_client', 7000218],
      [{ ...base, client_assertion: 'a.b.c' }, 400, 'invalid_request', 900144],
    ];
    for (const [fields, status, error, code] of cases) {
      const response = await postToken(fields);
      expect({
        status: response.status,
        error: response.body.error,
        codes: response.body.error_codes,
      }).toEqual({ status, error, codes: [code] });
    }
    const getResponse = await get(`/${service.tenantId}/oauth2/v2.0/token`);
    expect(getResponse.body.error_codes).toEqual([900561]);
  });

  it('echoes client-request-id as the correlation id', async () => {
    const response = await postToken(
      { client_id: CLIENT_ID },
      `/${service.tenantId}/oauth2/v2.0/token?client-request-id=abc-123`,
    );
    expect(response.body.correlation_id).toBe('abc-123');
  });

  it('refuses bodies over 64 KB', async () => {
    const response = await postToken({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: 'x'.repeat(70_000),
    });
    expect(response.status).toBe(400);
  });
});

describe('v1 token endpoint', () => {
  it('takes `resource` and answers with string times and the resource', async () => {
    service.setOpenMode(true);
    const { status, body } = await postToken(
      {
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: 's',
        resource: 'https://vault.azure.net',
      },
      `/${service.tenantId}/oauth2/token`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      resource: 'https://vault.azure.net',
      expires_in: '3599',
    });
    expect(service.verifyAccessToken(body.access_token as string, 'https://vault.azure.net')).toHaveProperty(
      'principal',
    );
  });
});

describe('resourceFromScope', () => {
  it.each([
    ['https://vault.azure.net/.default', 'https://vault.azure.net'],
    ['https://vault.azure.net//.default', 'https://vault.azure.net/'],
    ['openid profile offline_access https://vault.azure.net/.default', 'https://vault.azure.net'],
    ['api://my-app/.default', 'api://my-app'],
    ['https://vault.azure.net/.default https://storage.azure.com/.default', undefined],
    ['https://vault.azure.net/user_impersonation', undefined],
    ['/.default', undefined],
  ])('%s → %s', (scope, resource) => {
    expect(resourceFromScope(scope)).toBe(resource);
  });
});
