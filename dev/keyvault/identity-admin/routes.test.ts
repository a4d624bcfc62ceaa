import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../contracts.ts';
import { startDevKeyVault, type DevKeyVault } from '../dev-emulator.ts';
import { createTestIssuer } from '../identity/test-support.ts';

// The admin API's principal, grant, issuer and open-mode routes, driven with plain fetch, and
// checked through the identity service's own decisions.

const SP_CLIENT_ID = '0f0e0d0c-0000-4000-8000-000000000a01';
const MI_CLIENT_ID = '0f0e0d0c-0000-4000-8000-000000000a02';
const CLIENT_SECRET = 'route-test-client-secret';

let emulator: DevKeyVault;
let jwksServer: Server;
let jwksUrl: string;
const issuer = createTestIssuer();

beforeAll(async () => {
  emulator = await startDevKeyVault({ vaults: ['routes-vault', 'policy-vault'], open: false });
  jwksServer = createServer((request, response) => {
    response.writeHead(request.url === '/jwks' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(request.url === '/jwks' ? JSON.stringify(issuer.jwks) : '{}');
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
});

afterAll(async () => {
  jwksServer.close();
  await emulator.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  text: string;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${emulator.adminUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, text };
}

function principal(clientId: string, objectId: string): Principal {
  return { clientId, objectId, tenantId: emulator.tenantId, kind: 'service-principal' };
}

describe('principals', () => {
  it('adds a service principal with a secret and a federated credential, never showing the secret', async () => {
    const created = await call('POST', '/principals', {
      kind: 'service-principal',
      clientId: SP_CLIENT_ID,
      secret: CLIENT_SECRET,
      displayName: 'payments-app',
      federatedCredentials: [
        {
          issuer: issuer.issuer,
          subject: 'repo:org/app:ref:refs/heads/main',
          audience: 'api://AzureADTokenExchange',
        },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'service-principal',
      clientId: SP_CLIENT_ID,
      displayName: 'payments-app',
      secrets: 1,
      federatedCredentials: [
        {
          issuer: issuer.issuer,
          subject: 'repo:org/app:ref:refs/heads/main',
          audiences: ['api://AzureADTokenExchange'],
        },
      ],
    });
    const listed = await call('GET', '/principals');
    expect(listed.text).not.toContain(CLIENT_SECRET);
    const kinds = (listed.body.principals as Array<{ kind: string; clientId: string }>).map((p) => [
      p.kind,
      p.clientId,
    ]);
    expect(kinds[0]![0]).toBe('system-assigned');
    expect(kinds).toContainEqual(['service-principal', SP_CLIENT_ID]);
    expect(emulator.identity.principals.servicePrincipalSecretMatches(SP_CLIENT_ID, CLIENT_SECRET)).toBe(
      true,
    );
  });

  it('adds a managed identity, then a federated credential to it', async () => {
    const created = await call('POST', '/principals', {
      kind: 'managed-identity',
      clientId: MI_CLIENT_ID,
      name: 'web-identity',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { kind: 'managed-identity', displayName: 'web-identity' },
    });
    const fic = await call('POST', `/principals/${MI_CLIENT_ID}/federated-credentials`, {
      issuer: issuer.issuer,
      subject: 'system:serviceaccount:apps:web',
    });
    expect(fic.status).toBe(201);
    expect(fic.body.federatedCredentials).toEqual([
      {
        issuer: issuer.issuer,
        subject: 'system:serviceaccount:apps:web',
        audiences: ['api://AzureADTokenExchange'],
      },
    ]);
    expect(emulator.identity.principals.findManagedIdentity({ clientId: MI_CLIENT_ID })?.name).toBe(
      'web-identity',
    );
  });

  it('answers bad input with 400 InvalidRequest, unknown principals with 404, other methods with 405', async () => {
    for (const body of [
      { clientId: 'x' },
      { kind: 'user', clientId: 'x' },
      { kind: 'managed-identity' },
      '{"kind":',
    ])
      expect((await call('POST', '/principals', body)).body.error?.code).toBe('InvalidRequest');
    const fic = await call('POST', '/principals/00000000-0000-4000-8000-00000000dead/federated-credentials', {
      issuer: issuer.issuer,
      subject: 's',
    });
    expect(fic).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
    expect((await call('DELETE', '/principals/00000000-0000-4000-8000-00000000dead')).status).toBe(404);
    expect((await call('PATCH', '/principals')).status).toBe(405);
    expect((await call('GET', '/principals/x/nothing-here')).status).toBe(404);
  });
});

describe('role assignments', () => {
  it('grants a role by client id, which the vault then honours, and revokes it', async () => {
    const objectId = emulator.identity.principals.findServicePrincipal(SP_CLIENT_ID)!.objectId;
    const caller = principal(SP_CLIENT_ID, objectId);
    expect(emulator.identity.authorize('routes-vault', caller, 'secrets/get')).toMatchObject({
      allowed: false,
      innerCode: 'ForbiddenByRbac',
    });
    const granted = await call('POST', '/vaults/routes-vault/role-assignments', {
      clientId: SP_CLIENT_ID,
      role: 'Key Vault Secrets User',
    });
    expect(granted).toMatchObject({
      status: 201,
      body: {
        vault: 'routes-vault',
        principalObjectId: objectId,
        roleDefinitionId: '4633458b-17de-408a-b874-0445c86b69e6',
        roleName: 'Key Vault Secrets User',
      },
    });
    expect(emulator.identity.authorize('routes-vault', caller, 'secrets/get')).toEqual({ allowed: true });
    expect(emulator.identity.authorize('routes-vault', caller, 'secrets/set')).toMatchObject({
      allowed: false,
    });
    const access = await call('GET', '/vaults/routes-vault/access');
    expect(access.body).toMatchObject({
      vault: 'routes-vault',
      authorization: 'rbac',
      roleAssignments: [granted.body],
    });
    const revoke = `/vaults/routes-vault/role-assignments?clientId=${SP_CLIENT_ID}&role=${encodeURIComponent('Key Vault Secrets User')}`;
    expect((await call('DELETE', revoke)).status).toBe(204);
    expect((await call('DELETE', revoke)).body.error?.code).toBe('NotFound');
    expect(emulator.identity.authorize('routes-vault', caller, 'secrets/get')).toMatchObject({
      allowed: false,
    });
  });

  it('grants at every-vault scope (*) and to the system-assigned identity', async () => {
    const system = emulator.identity.principals.systemAssignedIdentity;
    const granted = await call('POST', '/vaults/*/role-assignments', {
      systemAssigned: true,
      role: 'Key Vault Reader',
    });
    expect(granted.body).toMatchObject({ vault: '*', principalObjectId: system.objectId });
    const caller = { ...principal(system.clientId, system.objectId), kind: 'managed-identity' as const };
    expect(emulator.identity.authorize('policy-vault', caller, 'secrets/list')).toEqual({ allowed: true });
    expect((await call('DELETE', '/vaults/*/role-assignments?systemAssigned=true')).status).toBe(204);
  });

  it('refuses unknown roles, unknown vaults and ambiguous principals', async () => {
    const unknownRole = await call('POST', '/vaults/routes-vault/role-assignments', {
      clientId: SP_CLIENT_ID,
      role: 'Owner',
    });
    expect(unknownRole).toMatchObject({ status: 400, body: { error: { code: 'UnknownRole' } } });
    const unknownVault = await call('POST', '/vaults/nowhere/role-assignments', {
      clientId: SP_CLIENT_ID,
      role: 'Key Vault Reader',
    });
    expect(unknownVault).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
    const both = await call('POST', '/vaults/routes-vault/role-assignments', {
      clientId: SP_CLIENT_ID,
      objectId: 'x',
      role: 'Key Vault Reader',
    });
    expect(both.body.error?.code).toBe('InvalidRequest');
    expect((await call('GET', '/vaults/nowhere/access')).status).toBe(404);
  });
});

describe('access policies', () => {
  it('switches a vault to access policies, sets a policy by object id, and removes it', async () => {
    const objectId = emulator.identity.principals.findServicePrincipal(SP_CLIENT_ID)!.objectId;
    const caller = principal(SP_CLIENT_ID, objectId);
    const model = await call('PUT', '/vaults/policy-vault/authorization', { model: 'access-policy' });
    expect(model.body).toMatchObject({ authorization: 'access-policy', accessPolicies: [] });
    const set = await call('PUT', '/vaults/policy-vault/access-policies', {
      objectId,
      permissions: { secrets: ['Get', 'list'] },
    });
    expect(set).toMatchObject({
      status: 200,
      body: { objectId, permissions: { secrets: ['get', 'list'], keys: [], certificates: [] } },
    });
    expect(emulator.identity.authorize('policy-vault', caller, 'secrets/get')).toEqual({ allowed: true });
    expect(emulator.identity.authorize('policy-vault', caller, 'secrets/set')).toMatchObject({
      innerCode: 'AccessDenied',
    });
    expect((await call('DELETE', `/vaults/policy-vault/access-policies?objectId=${objectId}`)).status).toBe(
      204,
    );
    expect(emulator.identity.authorize('policy-vault', caller, 'secrets/get')).toMatchObject({
      innerCode: 'AccessDenied',
    });
  });

  it('refuses unknown permissions and models', async () => {
    const bad = await call('PUT', '/vaults/policy-vault/access-policies', {
      clientId: SP_CLIENT_ID,
      permissions: { secrets: ['read'] },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequest' } } });
    const kind = await call('PUT', '/vaults/policy-vault/access-policies', {
      clientId: SP_CLIENT_ID,
      permissions: { storage: ['get'] },
    });
    expect(kind.status).toBe(400);
    expect((await call('PUT', '/vaults/policy-vault/authorization', { model: 'open' })).status).toBe(400);
  });
});

describe('trusted issuers and open mode', () => {
  it('trusts issuers inline and by JWKS URL, lists them, and forgets them', async () => {
    const inline = await call('POST', '/issuers', {
      issuer: 'https://inline.issuer.test',
      jwks: issuer.jwks,
    });
    expect(inline).toMatchObject({ status: 201, body: { source: 'inline', keys: 1 } });
    const byUrl = await call('POST', '/issuers', { issuer: issuer.issuer, jwksUrl });
    expect(byUrl).toMatchObject({ status: 201, body: { source: 'url', jwksUrl } });
    expect((await call('GET', '/issuers')).body.issuers).toEqual([
      { issuer: 'https://inline.issuer.test', source: 'inline', keys: 1 },
      { issuer: issuer.issuer, source: 'url', jwksUrl },
    ]);
    const forget = `/issuers?issuer=${encodeURIComponent('https://inline.issuer.test')}`;
    expect((await call('DELETE', forget)).status).toBe(204);
    expect((await call('DELETE', forget)).status).toBe(404);
  });

  it('refuses a JWKS URL that does not serve a JWKS, and bodies with both or neither source', async () => {
    const missing = await call('POST', '/issuers', {
      issuer: 'https://other.test',
      jwksUrl: jwksUrl.replace('/jwks', '/none'),
    });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'JwksUnavailable' } } });
    expect((await call('POST', '/issuers', { issuer: 'https://other.test' })).status).toBe(400);
    expect((await call('POST', '/issuers', { issuer: 'x', jwks: issuer.jwks, jwksUrl })).status).toBe(400);
    expect((await call('POST', '/issuers', { issuer: 'x', jwksUrl: 'file:///etc/passwd' })).status).toBe(400);
    expect((await call('GET', '/issuers')).text).not.toContain('other.test');
  });

  it('reads and sets open mode', async () => {
    expect((await call('GET', '/open-mode')).body).toEqual({ open: false });
    expect((await call('PUT', '/open-mode', { open: 'yes' })).status).toBe(400);
    expect((await call('PUT', '/open-mode', { open: true })).body).toEqual({ open: true });
    expect(emulator.isOpenMode()).toBe(true);
    await call('PUT', '/open-mode', { open: false });
  });
});

describe('persistence', () => {
  it('keeps principals, grants and URL-trusted issuers in dir across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kvsync-identity-admin-'));
    try {
      const first = await startDevKeyVault({ vaults: ['kept-vault'], dir, open: false });
      first.addServicePrincipal({ clientId: SP_CLIENT_ID, secret: CLIENT_SECRET });
      first.grantRole('kept-vault', { clientId: SP_CLIENT_ID }, 'Key Vault Secrets Officer');
      await first.trustIssuer({ issuer: issuer.issuer, jwksUrl });
      await first.close();
      const second = await startDevKeyVault({ vaults: ['kept-vault'], dir, open: false });
      try {
        expect(second.trustedIssuers()).toEqual([{ issuer: issuer.issuer, source: 'url', jwksUrl }]);
        expect(second.vaultAccess('kept-vault').roleAssignments).toHaveLength(1);
        expect(second.identity.principals.servicePrincipalSecretMatches(SP_CLIENT_ID, CLIENT_SECRET)).toBe(
          true,
        );
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
