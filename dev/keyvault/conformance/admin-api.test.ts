import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import { ClientSecretCredential, WorkloadIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../kube-apiserver/index.ts';
import { SERVICE_ACCOUNT_ISSUER } from '../../kube-apiserver/http/tokens.ts';
import { startDevKeyVault, type DevKeyVault } from '../dev-emulator.ts';
import { httpsJson } from '../identity/test-support.ts';
import { failureOf } from './harness.ts';

// End to end, as the sandbox will wire it: the composed emulator trusts the Kubernetes API
// emulator's ServiceAccount issuer by JWKS URL, and everything about who may do what is set up
// over the admin API with plain fetch. A ServiceAccount token from the kube emulator then reads
// a secret through WorkloadIdentityCredential and the unmodified SecretClient, while a service
// principal without `get` gets Azure's 403.

const VAULT = 'e2e-vault';
const READER_CLIENT_ID = 'e2e00000-0000-4000-8000-000000000001';
const LISTER_CLIENT_ID = 'e2e00000-0000-4000-8000-000000000002';
const WRITER_CLIENT_ID = 'e2e00000-0000-4000-8000-000000000003';
const SUBJECT = 'system:serviceaccount:default:payments';

let kube: KubeApiServer;
let emulator: DevKeyVault;
let dir: string;
let agent: Agent;

beforeAll(async () => {
  [kube, emulator] = await Promise.all([
    startKubeApiServer({ port: 0, controllers: false }),
    startDevKeyVault({ vaults: [VAULT], open: false }),
  ]);
  dir = await mkdtemp(join(tmpdir(), 'kvsync-admin-e2e-'));
  agent = new Agent({ ca: emulator.caPem, keepAlive: true });
});

afterAll(async () => {
  agent.destroy();
  await Promise.all([kube.close(), emulator.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function admin(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.adminUrl}${path}`, { method, body: JSON.stringify(body) });
  expect(response.status, `${method} ${path}`).toBeLessThan(300);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/** A projected ServiceAccount token for Entra token exchange, from the kube emulator's TokenRequest API. */
async function serviceAccountTokenFile(): Promise<string> {
  const kubeRequest = (path: string, body: unknown) =>
    httpsJson(`${kube.url}${path}`, kube.caPem, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { authorization: `Bearer ${kube.token}`, 'content-type': 'application/json' },
    });
  const namespace = '/api/v1/namespaces/default/serviceaccounts';
  expect((await kubeRequest(namespace, { metadata: { name: 'payments' } })).status).toBe(201);
  const request = await kubeRequest(`${namespace}/payments/token`, {
    spec: { audiences: ['api://AzureADTokenExchange'], expirationSeconds: 3600 },
  });
  const path = join(dir, 'token');
  await writeFile(path, (request.body as { status: { token: string } }).status.token);
  return path;
}

function client(credential: TokenCredential): SecretClient {
  return new SecretClient(emulator.vaults[VAULT]!, credential, { agent, retryOptions: { maxRetries: 0 } });
}

function clientSecret(clientId: string): ClientSecretCredential {
  return new ClientSecretCredential(emulator.tenantId, clientId, `${clientId}-secret`, {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
}

describe('principals and grants made over the admin API', () => {
  it('let a workload identity read a secret while a principal without get gets 403', async () => {
    await admin('POST', '/issuers', {
      issuer: SERVICE_ACCOUNT_ISSUER,
      jwksUrl: `${kube.url}/openid/v1/jwks`,
      ca: kube.caPem,
    });
    await admin('POST', '/principals', {
      kind: 'managed-identity',
      clientId: READER_CLIENT_ID,
      federatedCredentials: [{ issuer: SERVICE_ACCOUNT_ISSUER, subject: SUBJECT }],
    });
    for (const clientId of [LISTER_CLIENT_ID, WRITER_CLIENT_ID])
      await admin('POST', '/principals', {
        kind: 'service-principal',
        clientId,
        secret: `${clientId}-secret`,
      });
    const grants: Array<[string, string]> = [
      [READER_CLIENT_ID, 'Key Vault Secrets User'],
      [LISTER_CLIENT_ID, 'Key Vault Reader'],
      [WRITER_CLIENT_ID, 'Key Vault Secrets Officer'],
    ];
    for (const [clientId, role] of grants)
      await admin('POST', `/vaults/${VAULT}/role-assignments`, { clientId, role });

    await client(clientSecret(WRITER_CLIENT_ID)).setSecret('payments-db', 'pa55word');

    const reader = client(
      new WorkloadIdentityCredential({
        tenantId: emulator.tenantId,
        clientId: READER_CLIENT_ID,
        tokenFilePath: await serviceAccountTokenFile(),
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: emulator.caPem },
      }),
    );
    expect((await reader.getSecret('payments-db')).value).toBe('pa55word');

    const lister = client(clientSecret(LISTER_CLIENT_ID));
    const names: string[] = [];
    for await (const properties of lister.listPropertiesOfSecrets()) names.push(properties.name);
    expect(names).toEqual(['payments-db']);
    const denied = await failureOf(lister.getSecret('payments-db'));
    expect(denied).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(denied.details?.error?.innerError?.code).toBe('ForbiddenByRbac');
    expect(denied.message).toContain(`appid=${LISTER_CLIENT_ID}`);

    // Revoking takes effect on the next request, with the token the reader already holds.
    await admin('DELETE', `/vaults/${VAULT}/role-assignments?clientId=${READER_CLIENT_ID}`, undefined);
    expect((await failureOf(reader.getSecret('payments-db'))).statusCode).toBe(403);
  });
});
