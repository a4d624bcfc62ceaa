import { WorkloadIdentityCredential } from '@azure/identity';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE_ACCOUNT_ISSUER } from '../../kube-apiserver/http/tokens.ts';
import { createIdentityService, TOKEN_EXCHANGE_AUDIENCE, type EmulatedIdentityService } from './index.ts';
import {
  createTestIssuer,
  type TestIssuer,
  IDENTITY_ENV_CLEARED,
  notFound,
  startHttpsServer,
  withEnv,
  type TestServer,
} from './test-support.ts';

// WorkloadIdentityCredential with projected ServiceAccount tokens shaped as the Kubernetes
// emulator issues them (issuer, `system:serviceaccount:` subject, `kubernetes.io` claims).
// TokenAuthority itself is not used: its jwks() throws on Node 24 (createPublicKey of a public
// KeyObject), reported to the kube emulator's owners.

const execFileAsync = promisify(execFile);
const VAULT = 'https://vault.azure.net';
const SCOPE = `${VAULT}/.default`;
const APP_CLIENT_ID = '3a0e4f1c-8b2d-4e6f-a1c3-5d7e9f0b2c4d';
const SUBJECT = 'system:serviceaccount:apps:web';

let server: TestServer;
let service: EmulatedIdentityService;
let kube: TestIssuer;
let dir: string;
let fileCounter = 0;

beforeAll(async () => {
  server = await startHttpsServer(async (request, response, url) => {
    if (!(await service.handleAuthority(request, response, url))) notFound(response);
  });
  dir = await mkdtemp(join(tmpdir(), 'kvsync-identity-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  kube = createTestIssuer(SERVICE_ACCOUNT_ISSUER);
  service = createIdentityService({ authorityHost: server.url });
  service.principals.addTrustedIssuer(SERVICE_ACCOUNT_ISSUER, kube.jwks);
});

interface ServiceAccountTokenOptions {
  audiences?: string[];
  nowMs?: number;
  name?: string;
  signer?: TestIssuer;
}

/** A projected ServiceAccount token as the kube emulator's TokenAuthority.issue() shapes it. */
function serviceAccountToken(options: ServiceAccountTokenOptions = {}): string {
  const iat = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const name = options.name ?? 'web';
  return (options.signer ?? kube).sign({
    sub: `system:serviceaccount:apps:${name}`,
    aud: options.audiences ?? [TOKEN_EXCHANGE_AUDIENCE],
    exp: iat + 3600,
    iat,
    nbf: iat,
    'kubernetes.io': {
      namespace: 'apps',
      serviceaccount: { name, uid: 'c5a1f7de-1111-4222-8333-944455556666' },
    },
  });
}

async function tokenFile(contents: string): Promise<string> {
  const path = join(dir, `token-${++fileCounter}`);
  await writeFile(path, contents);
  return path;
}

async function getToken(assertion: string, clientId = APP_CLIENT_ID): Promise<string> {
  const tokenFilePath = await tokenFile(assertion);
  const credential = new WorkloadIdentityCredential({
    tenantId: service.tenantId,
    clientId,
    tokenFilePath,
    authorityHost: server.url,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: server.caPem },
  });
  return withEnv(IDENTITY_ENV_CLEARED, async () => (await credential.getToken(SCOPE)).token);
}

function registerApp(): string {
  const mi = service.principals.addManagedIdentity({ clientId: APP_CLIENT_ID, name: 'web-identity' });
  service.principals.addFederatedCredential({
    clientId: APP_CLIENT_ID,
    issuer: SERVICE_ACCOUNT_ISSUER,
    subject: SUBJECT,
  });
  return mi.objectId;
}

describe('WorkloadIdentityCredential', () => {
  it('exchanges a ServiceAccount token for a vault token naming the federated app', async () => {
    const objectId = registerApp();
    const token = await getToken(serviceAccountToken());
    expect(service.verifyAccessToken(token, VAULT)).toEqual({
      principal: {
        objectId,
        clientId: APP_CLIENT_ID,
        tenantId: service.tenantId,
        kind: 'workload-identity',
        displayName: 'web-identity',
      },
    });
  });

  it('refuses an expired assertion with AADSTS700024', async () => {
    registerApp();
    const expired = serviceAccountToken({ nowMs: Date.now() - 2 * 3600_000 });
    await expect(getToken(expired)).rejects.toThrow(/AADSTS700024/);
  });

  it('refuses an assertion for another audience with AADSTS700212', async () => {
    registerApp();
    await expect(getToken(serviceAccountToken({ audiences: [SERVICE_ACCOUNT_ISSUER] }))).rejects.toThrow(
      /AADSTS700212/,
    );
  });

  it('refuses a subject without a federated credential with AADSTS70021', async () => {
    registerApp();
    await expect(getToken(serviceAccountToken({ name: 'intruder' }))).rejects.toThrow(/AADSTS70021/);
  });

  it('refuses an app that has no federated credential for the issuer with AADSTS700211', async () => {
    service.principals.addManagedIdentity({ clientId: APP_CLIENT_ID });
    await expect(getToken(serviceAccountToken())).rejects.toThrow(/AADSTS700211/);
  });

  it('refuses an assertion signed by a key the issuer does not publish with AADSTS700027', async () => {
    registerApp();
    const forged = serviceAccountToken({ signer: createTestIssuer(SERVICE_ACCOUNT_ISSUER) });
    await expect(getToken(forged)).rejects.toThrow(/AADSTS700027/);
  });

  it('refuses an unknown app with AADSTS700016', async () => {
    await expect(getToken(serviceAccountToken(), '9e8d7c6b-0000-4000-8000-000000000009')).rejects.toThrow(
      /AADSTS700016/,
    );
  });
});

describe('WorkloadIdentityCredential in open mode', () => {
  beforeEach(() => service.setOpenMode(true));

  it('skips the federated-credential mapping', async () => {
    const token = await getToken(
      serviceAccountToken({ name: 'anyone' }),
      '11111111-2222-4333-8444-555555555555',
    );
    expect(service.verifyAccessToken(token, VAULT)).toMatchObject({
      principal: { clientId: '11111111-2222-4333-8444-555555555555', kind: 'workload-identity' },
    });
  });

  it('still refuses expired, malformed and untrusted assertions', async () => {
    await expect(getToken(serviceAccountToken({ nowMs: Date.now() - 2 * 3600_000 }))).rejects.toThrow(
      /AADSTS700024/,
    );
    await expect(getToken('not.a.jwt')).rejects.toThrow(/AADSTS50027/);
    const stranger = createTestIssuer();
    const assertion = stranger.sign({
      sub: 'x',
      aud: TOKEN_EXCHANGE_AUDIENCE,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    await expect(getToken(assertion)).rejects.toThrow(/AADSTS700211/);
  });
});

describe('trusted issuers from options', () => {
  it('takes a JWKS provider function and a fetchJwks fallback', async () => {
    const viaOption = createTestIssuer();
    const viaFetch = createTestIssuer();
    const fetched: string[] = [];
    service = createIdentityService({
      authorityHost: server.url,
      federatedIssuers: { [viaOption.issuer]: async () => viaOption.jwks },
      fetchJwks: async (issuer) => {
        fetched.push(issuer);
        return issuer === viaFetch.issuer ? viaFetch.jwks : undefined;
      },
    });
    service.principals.addServicePrincipal({ clientId: APP_CLIENT_ID });
    for (const issuer of [viaOption, viaFetch])
      service.principals.addFederatedCredential({
        clientId: APP_CLIENT_ID,
        issuer: issuer.issuer,
        subject: 'repo:kvsync/kvsync:ref:refs/heads/main',
      });
    const claims = {
      sub: 'repo:kvsync/kvsync:ref:refs/heads/main',
      aud: [TOKEN_EXCHANGE_AUDIENCE],
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    for (const issuer of [viaOption, viaFetch]) {
      const token = await getToken(issuer.sign(claims));
      expect(service.verifyAccessToken(token, VAULT)).toMatchObject({
        principal: { clientId: APP_CLIENT_ID },
      });
    }
    expect(fetched).toEqual([viaFetch.issuer]);
  });
});

describe('ManagedIdentityCredential (token exchange through AZURE_FEDERATED_TOKEN_FILE)', () => {
  // This path builds its own WorkloadIdentityCredential without tlsOptions, so the CA can only
  // come from NODE_EXTRA_CA_CERTS, which Node reads at start: run the credential in a child.
  const CHILD = [
    "import { ManagedIdentityCredential } from '@azure/identity';",
    'const credential = new ManagedIdentityCredential(process.env.AZURE_CLIENT_ID);',
    "const token = await credential.getToken('https://vault.azure.net/.default');",
    'process.stdout.write(token.token);',
  ].join('\n');

  it('uses the federated token file and the authority from the environment', async () => {
    registerApp();
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, server.caPem);
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...IDENTITY_ENV_CLEARED,
      NODE_EXTRA_CA_CERTS: caFile,
      AZURE_AUTHORITY_HOST: server.url,
      AZURE_TENANT_ID: service.tenantId,
      AZURE_CLIENT_ID: APP_CLIENT_ID,
      AZURE_FEDERATED_TOKEN_FILE: await tokenFile(serviceAccountToken()),
    };
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', CHILD], {
      cwd: process.cwd(),
      env: Object.fromEntries(
        Object.entries(env).filter(([, value]) => value !== undefined),
      ) as NodeJS.ProcessEnv,
    });
    expect(service.verifyAccessToken(stdout, VAULT)).toMatchObject({
      principal: { clientId: APP_CLIENT_ID, kind: 'workload-identity' },
    });
  });
});
