import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIdentityService, type EmulatedIdentityService } from './index.ts';
import { decodeJwt } from './jwt.ts';
import { IDENTITY_ENV_CLEARED, startHttpServer, withEnv, type TestServer } from './test-support.ts';

// ManagedIdentityCredential (MSAL's IMDS source) through AZURE_POD_IDENTITY_AUTHORITY_HOST.
// MSAL keeps the IMDS endpoint and its token cache in static fields, so this file uses one
// server for all tests (swapping the service behind it) and a fresh resource per test.

let server: TestServer;
let service: EmulatedIdentityService;
let resourceCounter = 0;
let resource = '';

beforeAll(async () => {
  server = await startHttpServer((request, response, url) => service.handleImds(request, response, url));
});
afterAll(() => server.close());

beforeEach(() => {
  service = createIdentityService({ authorityHost: 'https://127.0.0.1:1' });
  resource = `https://vault${++resourceCounter}.test.azure.net`;
});

type Identity = { clientId?: string; objectId?: string; resourceId?: string } | undefined;

async function getToken(identity: Identity): Promise<string> {
  return withEnv({ ...IDENTITY_ENV_CLEARED, AZURE_POD_IDENTITY_AUTHORITY_HOST: server.url }, async () => {
    const credential = identity
      ? new ManagedIdentityCredential(identity as { clientId: string })
      : new ManagedIdentityCredential();
    return (await credential.getToken(`${resource}/.default`)).token;
  });
}

describe('ManagedIdentityCredential against handleImds', () => {
  it('gets a system-assigned token when no identity is named', async () => {
    const token = await getToken(undefined);
    const system = service.principals.systemAssignedIdentity;
    expect(service.verifyAccessToken(token, resource)).toEqual({
      principal: { ...system, tenantId: service.tenantId, kind: 'managed-identity' },
    });
  });

  it('gets a user-assigned token by client id, object id or resource id', async () => {
    const mi = service.principals.addManagedIdentity({
      clientId: 'a8f3c2d1-0b9e-4f7a-8c6d-5e4f3a2b1c0d',
      name: 'kvsync',
    });
    const expected = {
      principal: {
        clientId: mi.clientId,
        objectId: mi.objectId,
        kind: 'managed-identity',
        displayName: 'kvsync',
      },
    };
    expect(service.verifyAccessToken(await getToken({ clientId: mi.clientId }), resource)).toMatchObject(
      expected,
    );
    resource += '/object';
    expect(service.verifyAccessToken(await getToken({ objectId: mi.objectId }), resource)).toMatchObject(
      expected,
    );
    resource += '/arm';
    const token = await getToken({ resourceId: mi.resourceId });
    expect(service.verifyAccessToken(token, resource)).toMatchObject(expected);
    expect(decodeJwt(token)?.claims.xms_mirid).toBe(mi.resourceId);
  });

  it('refuses an unknown user-assigned identity with IMDS "Identity not found"', async () => {
    await expect(getToken({ clientId: '00000000-1111-4222-8333-444444444444' })).rejects.toThrow(
      /Identity not found/,
    );
  });

  it('gives any client id a token in open mode', async () => {
    service.setOpenMode(true);
    const token = await getToken({ clientId: '00000000-1111-4222-8333-444444444444' });
    expect(service.verifyAccessToken(token, resource)).toMatchObject({
      principal: { clientId: '00000000-1111-4222-8333-444444444444', kind: 'managed-identity' },
    });
  });
});

describe('IMDS wire behaviour', () => {
  const path = '/metadata/identity/oauth2/token';

  async function imds(
    query: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${server.url}${query}`, {
      ...init,
      headers: { Metadata: 'true', ...init.headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers with and without a trailing slash, in the IMDS response shape', async () => {
    for (const p of [path, `${path}/`]) {
      const { status, body } = await imds(
        `${p}?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net`,
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({
        resource: 'https://vault.azure.net',
        token_type: 'Bearer',
        expires_in: '3599',
      });
      expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
      expect(body.client_id).toBe(service.principals.systemAssignedIdentity.clientId);
      expect(
        service.verifyAccessToken(body.access_token as string, 'https://vault.azure.net/'),
      ).toHaveProperty('principal');
    }
  });

  it('refuses requests without the Metadata header (the probe DefaultAzureCredential sends)', async () => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Required metadata header not specified',
    });
  });

  it('refuses missing api-version, missing resource, several identities, other methods and paths', async () => {
    expect(await imds(`${path}?resource=x`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    expect(await imds(`${path}?api-version=2018-02-01`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
    const both = `${path}?api-version=2018-02-01&resource=x&client_id=a&object_id=b`;
    expect(await imds(both)).toMatchObject({ status: 400 });
    expect((await imds(`${path}?api-version=2018-02-01&resource=x`, { method: 'POST' })).status).toBe(405);
    expect((await imds('/metadata/instance?api-version=2021-02-01')).status).toBe(404);
  });
});
