import { ClientSecretCredential } from '@azure/identity';
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// Tests run against the real Key Vault emulator; only the product code must stay out of dev/.

import { startDevKeyVault, type DevKeyVault } from '../../../dev/keyvault/dev-emulator.ts';

import type { EmulatedIdentityService } from '../../../dev/keyvault/identity/index.ts';
import { isProviderError, type ProviderError } from '../../../src/providers/errors.ts';
import type { ProviderCallRecord, SecretsProvider } from '../../../src/providers/provider.ts';
import {
  createFakeClock,
  createFakeKube,
  type FakeClock,
  type FakeKube,
} from '../../../src/providers/test-support.ts';
import type {
  AzureKeyVaultStoreConfig,
  AzureKVProvider,
} from '../../../src/providers/azure-keyvault/config.ts';
import {
  createAzureKeyVaultProvider,
  type AzureProviderOptions,
} from '../../../src/providers/azure-keyvault/provider.ts';

// The provider with the real SDK against the composed emulator (open mode unless a test says
// otherwise): reads, properties, versions, keys and certificates, error translation with
// faults injected through the emulator's test controls, kvsync's own retries on a fake clock.

const SEED_CLIENT = '5d2f1c3b-0a9e-4b8d-8c7f-6e5d4c3b2a10';
const APP_CLIENT = '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c21';
const APP_SECRET = 'app-client-secret';

let emulator: DevKeyVault;
let identity: EmulatedIdentityService;
let vaultUrl: string;
let secrets: SecretClient;
let kube: FakeKube;
const providers: SecretsProvider[] = [];

beforeAll(async () => {
  emulator = await startDevKeyVault({ vaults: ['our-vault'] });
  identity = emulator.identity as EmulatedIdentityService;
  vaultUrl = emulator.vaults['our-vault']!;
  const seedCredential = new ClientSecretCredential(emulator.tenantId, SEED_CLIENT, 'seed', {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
  const clientOptions = { tlsOptions: { ca: emulator.caPem }, retryOptions: { maxRetries: 0 } };
  secrets = new SecretClient(vaultUrl, seedCredential, clientOptions);
  await seed(seedCredential, clientOptions);
  kube = createFakeKube();
  kube.setSecret('apps', 'sp', { 'client-id': APP_CLIENT, 'client-secret': APP_SECRET });
});

afterEach(() => emulator.controls.clearFaults());

afterAll(async () => {
  for (const provider of providers) provider.close();
  await emulator.close();
});

let certificateDer: Buffer;
let rsaKey: { n: string; e: string };
let firstVersion: string;

async function seed(credential: ClientSecretCredential, options: object): Promise<void> {
  firstVersion = (await secrets.setSecret('db-password', 'first')).properties.version!;
  await secrets.setSecret('db-password', 'second', { tags: { owner: 'db-team', rotation: '{"days":"30"}' } });
  await secrets.setSecret(
    'db-credentials',
    '{"username":"app","port":5432,"tls":{"mode":"verify"},"a.b":"dotted","hosts":["pg-0","pg-1"]}',
  );
  await secrets.setSecret('plain-text', 'not json');
  await secrets.setSecret('throttled', 'eventually');
  const disabled = await secrets.setSecret('disabled-one', 'off');
  await secrets.updateSecretProperties('disabled-one', disabled.properties.version!, { enabled: false });
  const keys = new KeyClient(vaultUrl, credential, options);
  const key = await keys.createRsaKey('signing-key');
  rsaKey = {
    n: Buffer.from(key.key!.n!).toString('base64url'),
    e: Buffer.from(key.key!.e!).toString('base64url'),
  };
  const certificates = new CertificateClient(vaultUrl, credential, options);
  const poller = await certificates.beginCreateCertificate(
    'tls-cert',
    { issuerName: 'Self', subject: 'CN=app.example' },
    { intervalInMs: 10 },
  );
  await poller.pollUntilDone();
  certificateDer = Buffer.from((await certificates.getCertificate('tls-cert')).cer!);
}

interface Harness {
  provider: SecretsProvider;
  clock: FakeClock;
  calls: ProviderCallRecord[];
}

async function connect(
  spec: Partial<AzureKVProvider> = {},
  options: AzureProviderOptions = {},
  secretName = 'sp',
): Promise<Harness> {
  const clock = createFakeClock();
  const calls: ProviderCallRecord[] = [];
  const config: AzureKeyVaultStoreConfig = {
    storeKind: 'SecretStore',
    storeName: 'azure',
    storeNamespace: 'apps',
    consumerNamespace: 'apps',
    spec: {
      vaultUrl,
      tenantId: emulator.tenantId,
      authSecretRef: {
        clientId: { name: secretName, key: 'client-id' },
        clientSecret: { name: secretName, key: 'client-secret' },
      },
      ...spec,
    },
  };
  const provider = await createAzureKeyVaultProvider(config, kube, {
    authorityHost: emulator.authorityHost,
    caPem: emulator.caPem,
    clock,
    onCall: (record) => calls.push(record),
    ...options,
  });
  providers.push(provider);
  return { provider, clock, calls };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isProviderError(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

const text = (value: { value: Buffer }) => value.value.toString('utf8');

describe('getSecret', () => {
  it('reads the latest version and says which version and when it changed', async () => {
    const { provider, calls } = await connect();
    const result = await provider.getSecret({ key: 'db-password' });
    expect(text(result)).toBe('second');
    expect(result.source).toMatchObject({ key: 'db-password', name: 'db-password', objectType: 'secret' });
    expect(result.source.version).toMatch(/^[0-9a-f]{32}$/);
    expect(result.source.version).not.toBe(firstVersion);
    expect(result.source.updatedOn).toBeInstanceOf(Date);
    expect(calls).toEqual([
      { provider: 'Azure/KeyVault', call: 'GetSecret', status: 'success', durationMs: 0 },
    ]);
  });

  it('reads a pinned version and accepts the secret/ prefix', async () => {
    const { provider } = await connect();
    const pinned = await provider.getSecret({ key: 'secret/db-password', version: firstVersion });
    expect(text(pinned)).toBe('first');
    expect(pinned.source).toMatchObject({
      key: 'secret/db-password',
      name: 'db-password',
      version: firstVersion,
    });
  });

  it('extracts properties: paths, array indexes, literal dotted keys, JSON for non-strings', async () => {
    const { provider } = await connect();
    const read = async (property: string) =>
      text(await provider.getSecret({ key: 'db-credentials', property }));
    expect(await read('username')).toBe('app');
    expect(await read('port')).toBe('5432');
    expect(await read('tls')).toBe('{"mode":"verify"}');
    expect(await read('tls.mode')).toBe('verify');
    expect(await read('hosts.1')).toBe('pg-1');
    expect(await read('a.b')).toBe('dotted');
  });

  it('fails with ERR_PROPERTY_NOT_FOUND naming the property and the secret, and ERR_DECODING for non-JSON', async () => {
    const { provider } = await connect();
    const missing = await failure(provider.getSecret({ key: 'db-credentials', property: 'password' }));
    expect(missing.code).toBe('ERR_PROPERTY_NOT_FOUND');
    expect(missing.message).toContain("'password'");
    expect(missing.message).toContain("secret 'db-credentials'");
    expect(missing.message).not.toContain('app');
    expect((await failure(provider.getSecret({ key: 'plain-text', property: 'x' }))).code).toBe(
      'ERR_DECODING',
    );
  });

  it('returns tags with metadataPolicy Fetch: all as JSON, one, or a path into a JSON tag', async () => {
    const { provider } = await connect();
    const all = await provider.getSecret({ key: 'db-password', metadataPolicy: 'Fetch' });
    expect(JSON.parse(text(all))).toEqual({ owner: 'db-team', rotation: '{"days":"30"}' });
    expect(
      text(await provider.getSecret({ key: 'db-password', metadataPolicy: 'Fetch', property: 'owner' })),
    ).toBe('db-team');
    const path = await provider.getSecret({
      key: 'db-password',
      metadataPolicy: 'Fetch',
      property: 'rotation.days',
    });
    expect(text(path)).toBe('30');
  });

  it('reads key/ objects as the public JWK in JSON, with properties', async () => {
    const { provider, calls } = await connect();
    const key = await provider.getSecret({ key: 'key/signing-key' });
    const jwk = JSON.parse(text(key)) as Record<string, unknown>;
    expect(jwk).toMatchObject({ kty: 'RSA', n: rsaKey.n, e: rsaKey.e });
    expect(jwk).not.toHaveProperty('d');
    expect(Object.keys(jwk)).toEqual([...Object.keys(jwk)].sort());
    expect(key.source).toMatchObject({ objectType: 'key', name: 'signing-key' });
    expect(text(await provider.getSecret({ key: 'key/signing-key', property: 'kty' }))).toBe('RSA');
    expect(calls.map((call) => call.call)).toEqual(['GetKey', 'GetKey']);
  });

  it('reads cert/ objects as the DER certificate and ignores property', async () => {
    const { provider, calls } = await connect();
    const certificate = await provider.getSecret({ key: 'cert/tls-cert', property: 'ignored' });
    expect(certificate.value.equals(certificateDer)).toBe(true);
    expect(certificate.source).toMatchObject({ objectType: 'cert', name: 'tls-cert' });
    const pinned = await provider.getSecret({ key: 'cert/tls-cert', version: certificate.source.version });
    expect(pinned.value.equals(certificateDer)).toBe(true);
    expect(calls.map((call) => call.call)).toEqual(['GetCertificate', 'GetCertificate']);
  });

  it('refuses an unknown object type prefix', async () => {
    const { provider } = await connect();
    expect((await failure(provider.getSecret({ key: 'blob/x' }))).code).toBe('ERR_INVALID_RESOURCE');
  });
});

describe('getSecretMap (dataFrom.extract)', () => {
  it('expands a JSON object: strings unquoted, other values as written', async () => {
    const { provider } = await connect();
    const map = await provider.getSecretMap({ key: 'db-credentials' });
    expect(Object.fromEntries([...map.values].map(([k, v]) => [k, v.toString()]))).toEqual({
      username: 'app',
      port: '5432',
      tls: '{"mode":"verify"}',
      'a.b': 'dotted',
      hosts: '["pg-0","pg-1"]',
    });
    expect(map.source).toMatchObject({ name: 'db-credentials', objectType: 'secret' });
    const nested = await provider.getSecretMap({ key: 'db-credentials', property: 'tls' });
    expect(Object.fromEntries([...nested.values].map(([k, v]) => [k, v.toString()]))).toEqual({
      mode: 'verify',
    });
  });

  it('expands tags with metadataPolicy Fetch', async () => {
    const { provider } = await connect();
    const map = await provider.getSecretMap({ key: 'db-password', metadataPolicy: 'Fetch' });
    expect(Object.fromEntries([...map.values].map(([k, v]) => [k, v.toString()]))).toEqual({
      'db-password_owner': 'db-team',
      'db-password_rotation_days': '30',
    });
  });

  it('refuses values that are not JSON objects, and keys or certificates', async () => {
    const { provider } = await connect();
    expect((await failure(provider.getSecretMap({ key: 'plain-text' }))).code).toBe('ERR_DECODING');
    expect((await failure(provider.getSecretMap({ key: 'db-credentials', property: 'port' }))).code).toBe(
      'ERR_DECODING',
    );
    expect((await failure(provider.getSecretMap({ key: 'cert/tls-cert' }))).code).toBe('ERR_UNSUPPORTED');
    expect((await failure(provider.getSecretMap({ key: 'key/signing-key' }))).code).toBe('ERR_UNSUPPORTED');
  });
});

describe('listSecretProperties', () => {
  it('lists every page without values, one GetSecrets call per page', async () => {
    for (let i = 0; i < 26; i++) await secrets.setSecret(`bulk-${String(i).padStart(2, '0')}`, `v${i}`);
    const acquired: string[] = [];
    const gate = {
      acquire: async (endpoint: string) => void acquired.push(endpoint),
      pausedForMs: () => 0,
      throttled: () => {},
    };
    const { provider, calls } = await connect({}, { gate });
    const listed = await provider.listSecretProperties!();
    const bulk = listed.filter((item) => item.name.startsWith('bulk-'));
    expect(bulk).toHaveLength(26);
    expect(listed.find((item) => item.name === 'db-password')).toMatchObject({
      enabled: true,
      tags: { owner: 'db-team' },
      managed: false,
    });
    expect(listed.find((item) => item.name === 'disabled-one')).toMatchObject({ enabled: false });
    expect(listed.find((item) => item.name === 'tls-cert')).toMatchObject({ managed: true });
    expect(JSON.stringify(listed)).not.toContain('second');
    const pages = Math.ceil(listed.length / 25);
    expect(calls.filter((call) => call.call === 'GetSecrets' && call.status === 'success')).toHaveLength(
      pages,
    );
    // Every page waited for the vault's budget, not only the first (and the end-of-list check).
    expect(acquired).toEqual(Array(pages + 1).fill(vaultUrl));
  });
});

describe('errors translated at the boundary', () => {
  it('404 → ERR_PROVIDER_NOT_FOUND, for secrets, keys and certificates', async () => {
    const { provider, calls } = await connect();
    const missing = await failure(provider.getSecret({ key: 'postgresql-password' }));
    expect(missing).toMatchObject({
      code: 'ERR_PROVIDER_NOT_FOUND',
      statusCode: 404,
      providerCode: 'SecretNotFound',
    });
    expect(missing.message).toMatch(
      new RegExp(`^get secret 'postgresql-password' from ${vaultUrl}: 404 SecretNotFound — `),
    );
    expect((await failure(provider.getSecret({ key: 'key/nope' }))).code).toBe('ERR_PROVIDER_NOT_FOUND');
    expect((await failure(provider.getSecret({ key: 'cert/nope' }))).code).toBe('ERR_PROVIDER_NOT_FOUND');
    expect(calls.map((call) => `${call.call}:${call.status}`)).toEqual([
      'GetSecret:error',
      'GetKey:error',
      'GetCertificate:error',
    ]);
  });

  it('a disabled secret → ERR_PROVIDER_DISABLED', async () => {
    const { provider } = await connect();
    const disabled = await failure(provider.getSecret({ key: 'disabled-one' }));
    expect(disabled).toMatchObject({
      code: 'ERR_PROVIDER_DISABLED',
      statusCode: 403,
      providerCode: 'SecretDisabled',
    });
  });

  it('403 firewall codes name the network problem', async () => {
    const { provider } = await connect();
    emulator.controls.addFault({
      kind: 'status',
      status: 403,
      innerCode: 'ForbiddenByFirewall',
      operation: 'getSecret',
    });
    const blocked = await failure(provider.getSecret({ key: 'db-password' }));
    expect(blocked).toMatchObject({ code: 'ERR_PROVIDER_FORBIDDEN', providerCode: 'ForbiddenByFirewall' });
    expect(blocked.message).toMatch(/firewall/);
  });

  it('429 without Retry-After: kvsync retries with its own backoff on the injected clock', async () => {
    const { provider, clock, calls } = await connect();
    emulator.controls.addFault({
      kind: 'status',
      status: 429,
      operation: 'getSecret',
      objectName: 'throttled',
      count: 2,
    });
    expect(text(await provider.getSecret({ key: 'throttled' }))).toBe('eventually');
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(1000);
    expect(clock.sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(clock.sleeps[1]).toBeLessThanOrEqual(2000);
    expect(calls.map((call) => call.status)).toEqual(['error', 'error', 'success']);
  });

  it('429 that outlasts the retries → ERR_PROVIDER_THROTTLED with a wait', async () => {
    const { provider, clock, calls } = await connect({}, { retry: { maxRetries: 2 } });
    emulator.controls.addFault({
      kind: 'status',
      status: 429,
      operation: 'getSecret',
      objectName: 'throttled',
    });
    const throttled = await failure(provider.getSecret({ key: 'throttled' }));
    expect(throttled).toMatchObject({
      code: 'ERR_PROVIDER_THROTTLED',
      statusCode: 429,
      providerCode: 'Throttled',
    });
    expect(throttled.retryAfterMs).toBeGreaterThanOrEqual(2000);
    expect(throttled.retryAfterMs).toBeLessThanOrEqual(4000);
    expect(clock.sleeps).toHaveLength(2);
    expect(calls).toHaveLength(3);
  });

  it('429 with Retry-After: waits what the vault says, and reports a wait too long to take inline', async () => {
    const short = await connect();
    emulator.controls.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 7,
      operation: 'getSecret',
      objectName: 'throttled',
      count: 1,
    });
    expect(text(await short.provider.getSecret({ key: 'throttled' }))).toBe('eventually');
    expect(short.clock.sleeps).toEqual([7000]);

    const long = await connect();
    emulator.controls.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 30,
      operation: 'getSecret',
    });
    const throttled = await failure(long.provider.getSecret({ key: 'throttled' }));
    expect(throttled).toMatchObject({ code: 'ERR_PROVIDER_THROTTLED', retryAfterMs: 30_000 });
    expect(long.clock.sleeps).toEqual([]);
    expect(long.calls).toHaveLength(1);
  });

  it('5xx and dropped connections are retried, then → ERR_PROVIDER_UNAVAILABLE', async () => {
    const { provider, clock } = await connect();
    emulator.controls.addFault({ kind: 'status', status: 503, operation: 'getSecret', count: 1 });
    emulator.controls.addFault({ kind: 'reset', operation: 'getSecret', count: 1 });
    expect(text(await provider.getSecret({ key: 'db-password' }))).toBe('second');
    expect(clock.sleeps).toHaveLength(2);

    emulator.controls.addFault({ kind: 'status', status: 500, operation: 'getSecret' });
    const down = await failure(provider.getSecret({ key: 'db-password' }));
    expect(down).toMatchObject({ code: 'ERR_PROVIDER_UNAVAILABLE', statusCode: 500 });
    emulator.controls.clearFaults();
    emulator.controls.addFault({ kind: 'reset', operation: 'getSecret' });
    const reset = await failure(provider.getSecret({ key: 'db-password' }));
    expect(reset).toMatchObject({ code: 'ERR_PROVIDER_UNAVAILABLE', providerCode: 'ECONNRESET' });
  });

  it('a 400 is neither retried nor called unavailable', async () => {
    const { provider, calls } = await connect();
    emulator.controls.addFault({ kind: 'status', status: 400, operation: 'getSecret' });
    expect((await failure(provider.getSecret({ key: 'db-password' }))).code).toBe('ERR_PROVIDER_BAD_REQUEST');
    expect(calls).toHaveLength(1);
  });
});

describe('access control (RBAC and access policies, open mode off)', () => {
  let objectId: string;

  beforeAll(() => {
    identity.setOpenMode(false);
    objectId = identity.principals.addServicePrincipal({ clientId: APP_CLIENT, secret: APP_SECRET }).objectId;
  });
  afterAll(() => {
    identity.principals.setVaultAuthorization('our-vault', 'rbac');
    identity.setOpenMode(true);
  });

  it("403 ForbiddenByRbac → ERR_PROVIDER_FORBIDDEN naming the 'Key Vault Secrets User' role", async () => {
    const { provider } = await connect();
    const denied = await failure(provider.getSecret({ key: 'db-password' }));
    expect(denied).toMatchObject({
      code: 'ERR_PROVIDER_FORBIDDEN',
      statusCode: 403,
      providerCode: 'ForbiddenByRbac',
    });
    expect(denied.message).toMatch(
      new RegExp(
        `^get secret 'db-password' from ${vaultUrl}: 403 ForbiddenByRbac — the identity \\(service principal ${APP_CLIENT}`,
      ),
    );
    expect(denied.message).toContain("needs the 'Key Vault Secrets User' role on vault");
    expect((await failure(provider.getSecret({ key: 'key/signing-key' }))).message).toContain(
      "'Key Vault Crypto User'",
    );
    expect((await failure(provider.getSecret({ key: 'cert/tls-cert' }))).message).toContain(
      "'Key Vault Certificate User'",
    );
  });

  it('reads once the role is granted', async () => {
    identity.principals.grantRole('our-vault', objectId, 'Key Vault Secrets User');
    const { provider } = await connect();
    expect(text(await provider.getSecret({ key: 'db-password' }))).toBe('second');
    identity.principals.revokeRole('our-vault', objectId);
  });

  it("403 AccessDenied → names the access policy's 'get' and 'list' permissions", async () => {
    identity.principals.setVaultAuthorization('our-vault', 'access-policy');
    const { provider } = await connect();
    const denied = await failure(provider.getSecret({ key: 'db-password' }));
    expect(denied).toMatchObject({ code: 'ERR_PROVIDER_FORBIDDEN', providerCode: 'AccessDenied' });
    expect(denied.message).toContain("needs the 'get' secret permission in the vault's access policy");
    identity.principals.setAccessPolicy('our-vault', objectId, { secrets: ['get'] });
    expect(text(await provider.getSecret({ key: 'db-password' }))).toBe('second');
    const listDenied = await failure(provider.listSecretProperties!());
    expect(listDenied.code).toBe('ERR_PROVIDER_FORBIDDEN');
    expect(listDenied.message).toMatch(
      /^list secrets of .*: 403 Forbidden — .*needs .* the 'list' secret permission/,
    );
  });

  it('a rejected client secret → ERR_PROVIDER_UNAUTHENTICATED naming the identity, from validate() too', async () => {
    kube.setSecret('apps', 'wrong-sp', { 'client-id': APP_CLIENT, 'client-secret': 'not-the-secret' });
    const { provider, calls } = await connect({}, {}, 'wrong-sp');
    const rejected = await failure(provider.getSecret({ key: 'db-password' }));
    expect(rejected.code).toBe('ERR_PROVIDER_UNAUTHENTICATED');
    expect(rejected.message).toContain(`service principal ${APP_CLIENT}`);
    expect(rejected.message).not.toContain('not-the-secret');
    expect(calls).toHaveLength(1);
    const invalid = await failure(provider.validate());
    expect(invalid.code).toBe('ERR_PROVIDER_UNAUTHENTICATED');
    expect(invalid.message).toMatch(/AADSTS7000215/);
  });
});

describe('shared reads', () => {
  it('sends one GET for concurrent reads of the same object, whatever property each wants', async () => {
    const { provider, calls } = await connect();
    const reads = [
      provider.getSecret({ key: 'db-credentials', property: 'username' }),
      provider.getSecret({ key: 'secret/db-credentials', property: 'port' }),
      provider.getSecretMap({ key: 'db-credentials' }),
      provider.getSecret({ key: 'db-credentials', property: 'username' }),
    ];
    const [username, port, map, again] = await Promise.all(reads);
    expect(calls.filter((call) => call.call === 'GetSecret')).toHaveLength(1);
    expect(text(username as { value: Buffer })).toBe('app');
    expect(text(port as { value: Buffer })).toBe('5432');
    expect((map as { values: Map<string, Buffer> }).values.get('username')?.toString()).toBe('app');
    expect(text(again as { value: Buffer })).toBe('app');
    // Each caller sees the key it asked for.
    expect((port as { source: { key: string } }).source.key).toBe('secret/db-credentials');
    // Sequential reads are not cached: a later read asks Key Vault again.
    await provider.getSecret({ key: 'db-credentials' });
    expect(calls.filter((call) => call.call === 'GetSecret')).toHaveLength(2);
  });
});

describe('validate, vault endpoint override, close', () => {
  it('validate() obtains a token and reads no secret', async () => {
    const { provider, calls } = await connect();
    emulator.controls.resetCounters();
    await provider.validate();
    expect(calls).toEqual([]);
    expect(emulator.controls.counters().total).toBe(0);
  });

  it('reaches https://our-vault.vault.azure.net on the emulator main port, keeping the host name', async () => {
    const main = new URL(emulator.hostUrl);
    const { provider } = await connect(
      { vaultUrl: 'https://our-vault.vault.azure.net' },
      {
        vaultEndpointOverride: {
          hostSuffix: '.vault.azure.net',
          connectTo: { host: '127.0.0.1', port: Number(main.port) },
        },
      },
    );
    emulator.controls.resetCounters();
    expect(text(await provider.getSecret({ key: 'db-password' }))).toBe('second');
    const missing = await failure(provider.getSecret({ key: 'absent' }));
    expect(missing.message).toMatch(/^get secret 'absent' from https:\/\/our-vault\.vault\.azure\.net: 404/);
    expect(emulator.controls.counters().byVault['our-vault']).toBeGreaterThanOrEqual(2);
  });

  it('stops at once when the caller aborts', async () => {
    const { provider, calls } = await connect();
    const controller = new AbortController();
    controller.abort();
    const aborted = await provider
      .getSecret({ key: 'db-password' }, { abortSignal: controller.signal })
      .catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
    // An already aborted caller sends nothing.
    expect(calls).toEqual([]);
  });

  it('fails later calls after close()', async () => {
    const { provider } = await connect();
    await provider.getSecret({ key: 'db-password' });
    provider.close();
    expect((await failure(provider.getSecret({ key: 'db-password' }))).code).toBe('ERR_PROVIDER_UNAVAILABLE');
  });
});
