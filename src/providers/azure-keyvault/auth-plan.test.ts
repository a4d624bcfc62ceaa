import { describe, expect, it } from 'vitest';
import { isProviderError } from '../errors.ts';
import { credentialObjects, isReferentConfig, planAuth } from './auth-plan.ts';
import { cloudEndpoints } from './clouds.ts';
import { parseAzureKVProvider, type AzureKeyVaultStoreConfig, type AzureKVProvider } from './config.ts';

const VAULT = 'https://our-vault.vault.azure.net';
const sel = (name: string, key: string, namespace?: string) => ({
  name,
  key,
  ...(namespace ? { namespace } : {}),
});

function store(
  spec: Partial<AzureKVProvider>,
  kind: 'SecretStore' | 'ClusterSecretStore' = 'SecretStore',
): AzureKeyVaultStoreConfig {
  return {
    storeKind: kind,
    storeName: 'azure',
    ...(kind === 'SecretStore' ? { storeNamespace: 'apps' } : {}),
    consumerNamespace: 'apps',
    spec: parseAzureKVProvider({ vaultUrl: VAULT, ...spec }),
  };
}

function failure(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return { ...(isProviderError(error) ? { code: error.code } : {}), message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

describe('parseAzureKVProvider', () => {
  it("applies ESO's defaults", () => {
    expect(parseAzureKVProvider({ vaultUrl: VAULT })).toEqual({
      authType: 'ServicePrincipal',
      vaultUrl: VAULT,
      environmentType: 'PublicCloud',
    });
  });

  it('refuses missing or non-https vault URLs, unknown enums and malformed selectors', () => {
    const invalid = [
      {},
      { vaultUrl: 'http://our-vault.vault.azure.net' },
      { vaultUrl: 'not a url' },
      { vaultUrl: VAULT, authType: 'Password' },
      { vaultUrl: VAULT, environmentType: 'Mars' },
      { vaultUrl: VAULT, authSecretRef: { clientId: { name: 'sp' } } },
      { vaultUrl: VAULT, serviceAccountRef: { name: 'web', audiences: [1] } },
      'azurekv',
    ];
    for (const spec of invalid)
      expect(failure(() => parseAzureKVProvider(spec)).code, JSON.stringify(spec)).toBe(
        'ERR_INVALID_PROVIDER_CONFIG',
      );
    expect(failure(() => parseAzureKVProvider({ vaultUrl: VAULT, authType: 'Password' })).message).toContain(
      'spec.provider.azurekv.authType',
    );
  });
});

describe('planAuth: ServicePrincipal', () => {
  const auth = { clientId: sel('sp', 'client-id'), clientSecret: sel('sp', 'client-secret') };

  it('plans a client secret with the tenant from the spec', () => {
    expect(planAuth(store({ tenantId: 't1', authSecretRef: auth }))).toEqual({
      kind: 'ServicePrincipal',
      tenant: { from: 'spec', tenantId: 't1' },
      clientId: {
        namespace: 'apps',
        name: 'sp',
        key: 'client-id',
        field: 'spec.provider.azurekv.authSecretRef.clientId',
      },
      proof: {
        type: 'clientSecret',
        ref: {
          namespace: 'apps',
          name: 'sp',
          key: 'client-secret',
          field: 'spec.provider.azurekv.authSecretRef.clientSecret',
        },
      },
    });
  });

  it('takes the tenant from authSecretRef.tenantId when the spec has none', () => {
    const plan = planAuth(store({ authSecretRef: { ...auth, tenantId: sel('sp', 'tenant') } }));
    expect(plan).toMatchObject({ tenant: { from: 'secret', ref: { name: 'sp', key: 'tenant' } } });
  });

  it('says what is missing or contradictory', () => {
    const cases: Array<[Partial<AzureKVProvider>, RegExp]> = [
      [{ tenantId: 't' }, /needs spec\.provider\.azurekv\.authSecretRef/],
      [
        { authSecretRef: auth },
        /needs a tenant: set spec\.provider\.azurekv\.tenantId or .*authSecretRef\.tenantId/,
      ],
      [{ tenantId: 't', authSecretRef: { clientSecret: sel('sp', 's') } }, /needs .*authSecretRef\.clientId/],
      [
        { tenantId: 't', authSecretRef: { clientId: sel('sp', 'id') } },
        /needs .*clientSecret or .*clientCertificate/,
      ],
      [
        { tenantId: 't', authSecretRef: { ...auth, clientCertificate: sel('sp', 'pem') } },
        /takes one of .*clientSecret and .*clientCertificate, not both/,
      ],
    ];
    for (const [spec, message] of cases) {
      const { code, message: text } = failure(() => planAuth(store(spec)));
      expect(code).toBe('ERR_INVALID_PROVIDER_CONFIG');
      expect(text).toMatch(message);
    }
  });
});

describe('planAuth: referent rules', () => {
  const auth = { clientId: sel('sp', 'id'), clientSecret: sel('sp', 'secret', 'vault-creds') };

  it("lets a ClusterSecretStore name a namespace and resolves the others in the consumer's", () => {
    const plan = planAuth(store({ tenantId: 't', authSecretRef: auth }, 'ClusterSecretStore'));
    expect(plan).toMatchObject({
      clientId: { namespace: 'apps' },
      proof: { ref: { namespace: 'vault-creds' } },
    });
  });

  it('refuses another namespace in a SecretStore, but accepts its own', () => {
    expect(failure(() => planAuth(store({ tenantId: 't', authSecretRef: auth }))).message).toMatch(
      /namespace 'vault-creds' is not allowed: SecretStore apps\/azure/,
    );
    const own = { clientId: sel('sp', 'id', 'apps'), clientSecret: sel('sp', 'secret', 'apps') };
    expect(planAuth(store({ tenantId: 't', authSecretRef: own }))).toMatchObject({
      kind: 'ServicePrincipal',
    });
  });

  it('calls a ClusterSecretStore referent when a used reference has no namespace', () => {
    expect(isReferentConfig(store({ tenantId: 't', authSecretRef: auth }, 'ClusterSecretStore'))).toBe(true);
    const pinned = { clientId: sel('sp', 'id', 'ops'), clientSecret: sel('sp', 'secret', 'ops') };
    expect(isReferentConfig(store({ tenantId: 't', authSecretRef: pinned }, 'ClusterSecretStore'))).toBe(
      false,
    );
    expect(isReferentConfig(store({ authType: 'ManagedIdentity' }, 'ClusterSecretStore'))).toBe(false);
    expect(isReferentConfig(store({ tenantId: 't', authSecretRef: auth }))).toBe(false);
    const wi = { authType: 'WorkloadIdentity' as const, serviceAccountRef: { name: 'web' } };
    expect(isReferentConfig(store(wi, 'ClusterSecretStore'))).toBe(true);
  });
});

describe('planAuth: managed and workload identity', () => {
  it('plans system- and user-assigned managed identities', () => {
    expect(planAuth(store({ authType: 'ManagedIdentity' }))).toEqual({ kind: 'ManagedIdentity' });
    expect(planAuth(store({ authType: 'ManagedIdentity', identityId: 'c1' }))).toEqual({
      kind: 'ManagedIdentity',
      identityId: 'c1',
    });
  });

  it('plans workload identity with a ServiceAccount, or mounted without one', () => {
    const plan = planAuth(
      store(
        { authType: 'WorkloadIdentity', serviceAccountRef: { name: 'web', audiences: ['extra'] } },
        'ClusterSecretStore',
      ),
    );
    expect(plan).toEqual({
      kind: 'WorkloadIdentity',
      serviceAccount: { namespace: 'apps', name: 'web', audiences: ['extra'] },
    });
    expect(credentialObjects(plan)).toEqual([{ kind: 'ServiceAccount', namespace: 'apps', name: 'web' }]);
    expect(planAuth(store({ authType: 'WorkloadIdentity' }))).toEqual({ kind: 'WorkloadIdentityMounted' });
  });

  it('lists each credential Secret once', () => {
    const plan = planAuth(
      store({
        authSecretRef: {
          tenantId: sel('sp', 't'),
          clientId: sel('sp', 'id'),
          clientSecret: sel('other', 's'),
        },
      }),
    );
    expect(credentialObjects(plan)).toEqual([
      { kind: 'Secret', namespace: 'apps', name: 'sp' },
      { kind: 'Secret', namespace: 'apps', name: 'other' },
    ]);
  });
});

describe('cloudEndpoints', () => {
  const spec = (extra: Partial<AzureKVProvider>) => parseAzureKVProvider({ vaultUrl: VAULT, ...extra });

  it('knows the public, US government and China clouds', () => {
    expect(cloudEndpoints(spec({}))).toEqual({
      authorityHost: 'https://login.microsoftonline.com',
      keyVaultResource: 'https://vault.azure.net',
      knownAuthority: true,
    });
    expect(cloudEndpoints(spec({ environmentType: 'USGovernmentCloud' }))).toMatchObject({
      authorityHost: 'https://login.microsoftonline.us',
      keyVaultResource: 'https://vault.usgovcloudapi.net',
    });
    expect(cloudEndpoints(spec({ environmentType: 'ChinaCloud' }))).toMatchObject({
      keyVaultResource: 'https://vault.azure.cn',
    });
  });

  it('refuses GermanCloud, and AzureStackCloud without customCloudConfig', () => {
    expect(failure(() => cloudEndpoints(spec({ environmentType: 'GermanCloud' }))).message).toMatch(
      /discontinued/,
    );
    expect(failure(() => cloudEndpoints(spec({ environmentType: 'AzureStackCloud' }))).code).toBe(
      'ERR_INVALID_PROVIDER_CONFIG',
    );
  });

  it('uses customCloudConfig and an authority override, which MSAL does not know', () => {
    const stack = spec({
      environmentType: 'AzureStackCloud',
      customCloudConfig: {
        activeDirectoryEndpoint: 'https://login.stack.local/',
        keyVaultDNSSuffix: '.vault.stack.local',
      },
    });
    expect(cloudEndpoints(stack)).toEqual({
      authorityHost: 'https://login.stack.local',
      keyVaultResource: 'https://vault.stack.local',
      knownAuthority: false,
    });
    expect(cloudEndpoints(spec({}), 'https://127.0.0.1:8443/')).toMatchObject({
      authorityHost: 'https://127.0.0.1:8443',
      knownAuthority: false,
    });
  });
});
