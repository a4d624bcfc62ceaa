import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests run against the real Key Vault emulator; only the product code must stay out of dev/.

import { startKeyVaultEmulator, type KeyVaultEmulator } from '../../../dev/keyvault/index.ts';

import { createIdentityService, type EmulatedIdentityService } from '../../../dev/keyvault/identity/index.ts';

import { createTestIssuer, type TestIssuer } from '../../../dev/keyvault/identity/test-support.ts';

import { createCertificateAuthority, issueServerCertificate } from '../../../dev/tls/index.ts';
import { KvsyncError } from '../../../src/errors.ts';
import { isProviderError, type ProviderError } from '../../../src/providers/errors.ts';
import { createProviderRegistry } from '../../../src/providers/registry.ts';
import { createFakeKube, type FakeKube } from '../../../src/providers/test-support.ts';
import {
  createAzureKeyVaultConnector,
  createAzureProviderCache,
} from '../../../src/providers/azure-keyvault/cache.ts';
import type {
  AzureKeyVaultStoreConfig,
  AzureKVProvider,
} from '../../../src/providers/azure-keyvault/config.ts';
import {
  CLIENT_ID_ANNOTATION,
  TENANT_ID_ANNOTATION,
} from '../../../src/providers/azure-keyvault/credentials.ts';
import {
  createAzureKeyVaultProvider,
  type AzureProviderOptions,
} from '../../../src/providers/azure-keyvault/provider.ts';

// Each auth type through the real @azure/identity credentials against the emulator's
// authority (RBAC mode, principals registered per test), and the provider cache: one token
// for many reads, a rebuild when a credential Secret changes. The emulator's identity service
// is wrapped to count token requests.

const SEED_CLIENT = '1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7a80';
const SP_CLIENT = '2c3d4e5f-6071-4829-8b3c-4d5e6f7a8b91';
const CERT_CLIENT = '3d4e5f60-7182-493a-9c4d-5e6f7a8b9ca2';
const WI_CLIENT = '4e5f6071-8293-4a4b-8d5e-6f7a8b9cadb3';
const MOUNTED_CLIENT = '5f607182-93a4-4b5c-9e6f-7a8b9cadbec4';

let emulator: KeyVaultEmulator;
let service: EmulatedIdentityService;
let tokenRequests = 0;
let vaultUrl: string;
let options: AzureProviderOptions;
let issuer: TestIssuer;
let dir: string;

function countingIdentity(authorityHost: string) {
  service = createIdentityService({ authorityHost });
  return {
    get tenantId() {
      return service.tenantId;
    },
    verifyAccessToken: service.verifyAccessToken,
    authorize: service.authorize,
    handleImds: service.handleImds,
    handleAuthority: (...args: Parameters<EmulatedIdentityService['handleAuthority']>) => {
      if (/\/oauth2\/(v2\.0\/)?token\/?$/.test(args[2].pathname)) tokenRequests++;
      return service.handleAuthority(...args);
    },
  };
}

function grantReader(objectId: string): void {
  service.principals.grantRole('our-vault', objectId, 'Key Vault Secrets User');
}

beforeAll(async () => {
  emulator = await startKeyVaultEmulator({
    vaults: ['our-vault'],
    identity: (endpoints) => countingIdentity(endpoints.authorityHost),
  });
  vaultUrl = emulator.vaults['our-vault']!;
  options = { authorityHost: emulator.authorityHost, caPem: emulator.caPem };
  const seeder = service.principals.addServicePrincipal({ clientId: SEED_CLIENT, secret: 'seed' });
  service.principals.grantRole('our-vault', seeder.objectId, 'Key Vault Secrets Officer');
  const credential = new ClientSecretCredential(emulator.tenantId, SEED_CLIENT, 'seed', {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
  await new SecretClient(vaultUrl, credential, { tlsOptions: { ca: emulator.caPem } }).setSecret(
    'db-password',
    's3cret',
  );
  grantReader(service.principals.addServicePrincipal({ clientId: SP_CLIENT, secret: 'sp-secret' }).objectId);
  issuer = createTestIssuer();
  service.principals.addTrustedIssuer(issuer.issuer, issuer.jwks);
  dir = await mkdtemp(join(tmpdir(), 'kvsync-provider-'));
});

afterAll(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

function config(
  spec: Partial<AzureKVProvider>,
  overrides: Partial<AzureKeyVaultStoreConfig> = {},
): AzureKeyVaultStoreConfig {
  return {
    storeKind: 'SecretStore',
    storeName: 'azure',
    storeNamespace: 'apps',
    consumerNamespace: 'apps',
    storeUid: 'uid-1',
    storeGeneration: 1,
    spec: { vaultUrl, ...spec },
    ...overrides,
  };
}

const servicePrincipal: Partial<AzureKVProvider> = {
  tenantId: '',
  authSecretRef: {
    clientId: { name: 'sp', key: 'client-id' },
    clientSecret: { name: 'sp', key: 'client-secret' },
  },
};

function spKube(): FakeKube {
  const kube = createFakeKube();
  kube.setSecret('apps', 'sp', { 'client-id': `${SP_CLIENT}\n`, 'client-secret': 'sp-secret' });
  return kube;
}

/** The KvsyncError `promise` rejects with (a ProviderError, or what the kube access threw). */
async function failure(promise: Promise<unknown>): Promise<KvsyncError & Partial<ProviderError>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KvsyncError)) throw new Error(`expected a KvsyncError, got ${String(error)}`);
  return error;
}

/** A projected ServiceAccount token signed by the issuer the emulator trusts. */
function serviceAccountToken(namespace: string, name: string, audiences: string[]): string {
  const iat = Math.floor(Date.now() / 1000);
  return issuer.sign({
    sub: `system:serviceaccount:${namespace}:${name}`,
    aud: audiences,
    iat,
    nbf: iat,
    exp: iat + 3600,
  });
}

describe('ServicePrincipal', () => {
  it('reads with a client secret from a Secret (identifiers trimmed)', async () => {
    const provider = await createAzureKeyVaultProvider(
      config({ ...servicePrincipal, tenantId: emulator.tenantId }),
      spKube(),
      options,
    );
    expect((await provider.getSecret({ key: 'db-password' })).value.toString()).toBe('s3cret');
    await provider.validate();
    provider.close();
  });

  it('reads with a PEM client certificate, tenant from authSecretRef.tenantId', async () => {
    const ca = createCertificateAuthority('sp CA');
    const certificate = issueServerCertificate(ca, { commonName: 'kvsync-sp', clientAuth: true });
    grantReader(
      service.principals.addServicePrincipal({ clientId: CERT_CLIENT, certificatePem: certificate.certPem })
        .objectId,
    );
    const kube = createFakeKube();
    kube.setSecret('apps', 'sp-cert', {
      'client-id': CERT_CLIENT,
      tenant: emulator.tenantId,
      'tls.pem': `${certificate.certPem}\n${certificate.keyPem}`,
      'cert-only.pem': certificate.certPem,
    });
    const auth = (pemKey: string) => ({
      authSecretRef: {
        clientId: { name: 'sp-cert', key: 'client-id' },
        tenantId: { name: 'sp-cert', key: 'tenant' },
        clientCertificate: { name: 'sp-cert', key: pemKey },
      },
    });
    const provider = await createAzureKeyVaultProvider(config(auth('tls.pem')), kube, options);
    expect((await provider.getSecret({ key: 'db-password' })).value.toString()).toBe('s3cret');
    provider.close();
    const withoutKey = await failure(
      createAzureKeyVaultProvider(config(auth('cert-only.pem')), kube, options),
    );
    expect(withoutKey.code).toBe('ERR_INVALID_PROVIDER_CONFIG');
    expect(withoutKey.message).toMatch(/must hold a PEM certificate and its private key/);
  });

  it('reports a missing credential Secret key as ERR_INVALID_PROVIDER_CONFIG before any request', async () => {
    const before = tokenRequests;
    const error = await failure(
      createAzureKeyVaultProvider(
        config({ ...servicePrincipal, tenantId: emulator.tenantId }),
        createFakeKube(),
        options,
      ),
    );
    expect(error.code).toBe('ERR_INVALID_PROVIDER_CONFIG');
    expect(tokenRequests).toBe(before);
  });
});

describe('WorkloadIdentity with serviceAccountRef', () => {
  beforeAll(() => {
    grantReader(
      service.principals.addManagedIdentity({ clientId: WI_CLIENT, name: 'web-identity' }).objectId,
    );
    service.principals.addFederatedCredential({
      clientId: WI_CLIENT,
      issuer: issuer.issuer,
      subject: 'system:serviceaccount:apps:web',
    });
  });

  const workload = (audiences?: string[]): Partial<AzureKVProvider> => ({
    authType: 'WorkloadIdentity',
    serviceAccountRef: { name: 'web', ...(audiences ? { audiences } : {}) },
  });

  it("exchanges the ServiceAccount's token (client and tenant from its annotations), once for many reads", async () => {
    const kube = createFakeKube({ issueToken: serviceAccountToken });
    kube.setServiceAccount('apps', 'web', {
      [CLIENT_ID_ANNOTATION]: WI_CLIENT,
      [TENANT_ID_ANNOTATION]: emulator.tenantId,
    });
    const provider = await createAzureKeyVaultProvider(
      config(workload(['extra-audience']), { storeKind: 'ClusterSecretStore', storeNamespace: undefined }),
      kube,
      options,
    );
    for (let i = 0; i < 3; i++)
      expect((await provider.getSecret({ key: 'db-password' })).value.toString()).toBe('s3cret');
    expect(kube.calls.filter((call) => call.startsWith('createServiceAccountToken'))).toEqual([
      'createServiceAccountToken apps/web api://AzureADTokenExchange,extra-audience',
    ]);
    provider.close();
  });

  it('takes spec.tenantId over the annotation and fails clearly without a client id', async () => {
    const kube = createFakeKube({ issueToken: serviceAccountToken });
    kube.setServiceAccount('apps', 'web', {
      [CLIENT_ID_ANNOTATION]: WI_CLIENT,
      [TENANT_ID_ANNOTATION]: 'wrong-tenant',
    });
    const provider = await createAzureKeyVaultProvider(
      config({ ...workload(), tenantId: emulator.tenantId }),
      kube,
      options,
    );
    expect((await provider.getSecret({ key: 'db-password' })).value.toString()).toBe('s3cret');
    provider.close();
    kube.setServiceAccount('apps', 'web', {});
    const error = await failure(createAzureKeyVaultProvider(config(workload()), kube, options));
    expect(error.code).toBe('ERR_INVALID_PROVIDER_CONFIG');
    expect(error.message).toContain(`annotate ServiceAccount apps/web with ${CLIENT_ID_ANNOTATION}`);
  });

  it('a ServiceAccount without a federated credential → ERR_PROVIDER_UNAUTHENTICATED', async () => {
    const kube = createFakeKube({ issueToken: serviceAccountToken });
    kube.setServiceAccount('apps', 'intruder', { [CLIENT_ID_ANNOTATION]: WI_CLIENT });
    const provider = await createAzureKeyVaultProvider(
      config({
        authType: 'WorkloadIdentity',
        tenantId: emulator.tenantId,
        serviceAccountRef: { name: 'intruder' },
      }),
      kube,
      options,
    );
    const error = await failure(provider.getSecret({ key: 'db-password' }));
    expect(error.code).toBe('ERR_PROVIDER_UNAUTHENTICATED');
    expect(error.message).toContain(`workload identity ${WI_CLIENT} (ServiceAccount apps/intruder`);
    expect(error.message).not.toMatch(/eyJ/);
    provider.close();
  });
});

describe('WorkloadIdentity without serviceAccountRef (the pod environment)', () => {
  it('uses AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE as the SDK reads them', async () => {
    grantReader(service.principals.addManagedIdentity({ clientId: MOUNTED_CLIENT }).objectId);
    service.principals.addFederatedCredential({
      clientId: MOUNTED_CLIENT,
      issuer: issuer.issuer,
      subject: 'system:serviceaccount:kvsync:kvsync',
    });
    const tokenFile = join(dir, 'azure-identity-token');
    await writeFile(tokenFile, serviceAccountToken('kvsync', 'kvsync', ['api://AzureADTokenExchange']));
    const variables = {
      AZURE_CLIENT_ID: MOUNTED_CLIENT,
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    };
    // The environment is the pod's here: the test plays the workload-identity webhook.

    const env = process.env;
    Object.assign(env, variables);
    try {
      const provider = await createAzureKeyVaultProvider(
        config({ authType: 'WorkloadIdentity' }),
        createFakeKube(),
        options,
      );
      expect((await provider.getSecret({ key: 'db-password' })).value.toString()).toBe('s3cret');
      provider.close();
    } finally {
      for (const name of Object.keys(variables)) delete env[name];
    }
  });
});

describe('the provider cache', () => {
  const spec = () => ({ ...servicePrincipal, tenantId: emulator.tenantId });

  it('keeps one provider and one token across reads, and rebuilds when a credential Secret changes', async () => {
    const cache = createAzureProviderCache(options);
    const kube = spKube();
    const before = tokenRequests;
    const first = await cache.get(config(spec()), kube);
    for (let i = 0; i < 5; i++) {
      expect(await cache.get(config(spec()), kube)).toBe(first);
      await first.getSecret({ key: 'db-password' });
    }
    expect(tokenRequests - before).toBe(1);
    expect(cache.size).toBe(1);

    kube.setSecret('apps', 'sp', { 'client-id': SP_CLIENT, 'client-secret': 'sp-secret' });
    const second = await cache.get(config(spec()), kube);
    expect(second).not.toBe(first);
    await second.getSecret({ key: 'db-password' });
    expect(tokenRequests - before).toBe(2);
    expect(
      isProviderError(
        await first.getSecret({ key: 'db-password' }).catch((e: unknown) => e),
        'ERR_PROVIDER_UNAVAILABLE',
      ),
    ).toBe(true);

    expect(await cache.get(config(spec(), { storeGeneration: 2 }), kube)).not.toBe(second);
    cache.close();
    await expect(cache.get(config(spec()), kube)).rejects.toThrow(/closed/);
  });

  it('fingerprints credential contents when the kube access has no resourceVersion', async () => {
    const cache = createAzureProviderCache(options);
    const kube = createFakeKube({ withResourceVersions: false });
    kube.setSecret('apps', 'sp', { 'client-id': SP_CLIENT, 'client-secret': 'sp-secret' });
    const first = await cache.get(config(spec()), kube);
    kube.setSecret('apps', 'sp', { 'client-id': SP_CLIENT, 'client-secret': 'sp-secret' });
    expect(await cache.get(config(spec()), kube)).toBe(first);
    kube.setSecret('apps', 'sp', { 'client-id': SP_CLIENT, 'client-secret': 'rotated' });
    expect(await cache.get(config(spec()), kube)).not.toBe(first);
    cache.close();
  });

  it('keeps one provider per consumer namespace for a referent ClusterSecretStore, and forgets them together', async () => {
    const cache = createAzureProviderCache(options);
    const kube = spKube();
    kube.setSecret('team-b', 'sp', { 'client-id': SP_CLIENT, 'client-secret': 'sp-secret' });
    const cluster = { storeKind: 'ClusterSecretStore' as const, storeNamespace: undefined };
    const a = await cache.get(config(spec(), cluster), kube);
    const b = await cache.get(config(spec(), { ...cluster, consumerNamespace: 'team-b' }), kube);
    expect(a).not.toBe(b);
    expect(kube.calls).toContain('readSecretKey team-b/sp/client-secret');
    expect(cache.size).toBe(2);
    cache.forget(config(spec(), cluster));
    expect(cache.size).toBe(0);
    await expect(cache.get(config({ authType: 'ServicePrincipal' }), kube)).rejects.toMatchObject({
      code: 'ERR_INVALID_PROVIDER_CONFIG',
    });
    expect(cache.size).toBe(0);
    cache.close();
  });

  it('is reached through the registry by the azurekv key', async () => {
    const registry = createProviderRegistry([createAzureKeyVaultConnector(options)]);
    const store = config({});
    const provider = await registry.connect(
      { ...store, spec: { azurekv: { vaultUrl, ...spec() } } },
      spKube(),
    );
    expect((await provider.getSecret({ key: 'db-password' })).value.toString()).toBe('s3cret');
    await expect(registry.connect({ ...store, spec: { vault: {} } }, spKube())).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    expect(
      registry.resolve({ azurekv: { vaultUrl } }).connector.isReferent({ ...store, spec: { vaultUrl } }),
    ).toBe(false);
    registry.close();
  });
});
