import { describe, expect, it } from 'vitest';
import type { AzureKVProvider, SecretStore } from './secret-store-types.ts';
import { fullClusterSecretStore, fullSecretStore, incidentSecretStore } from './test-fixtures.ts';
import { validateSecretStore } from './validate-secret-store.ts';

function azureStore(azurekv: Partial<AzureKVProvider>, namespace = 'default'): SecretStore {
  const store = incidentSecretStore();
  store.metadata.namespace = namespace;
  store.spec.provider = { azurekv: { vaultUrl: 'https://our-vault.vault.azure.net', ...azurekv } };
  return store;
}

const paths = (store: unknown, kind?: 'SecretStore' | 'ClusterSecretStore') =>
  validateSecretStore(store, kind).map((p) => p.path);

describe('validateSecretStore', () => {
  it('accepts the incident store and the full fixtures', () => {
    expect(validateSecretStore(incidentSecretStore())).toEqual([]);
    expect(validateSecretStore(fullSecretStore())).toEqual([]);
    expect(validateSecretStore(fullClusterSecretStore())).toEqual([]);
  });

  it('accepts a store for another provider (the controller reports it unsupported)', () => {
    const store = incidentSecretStore();
    store.spec.provider = { vault: { server: 'https://vault.example.com' } };
    expect(validateSecretStore(store)).toEqual([]);
  });

  it('reports schema problems', () => {
    const store = azureStore({ authType: 'Certificate' as never });
    expect(paths(store)).toEqual(['spec.provider.azurekv.authType']);
    expect(paths({ ...store, spec: { provider: {} } })).toEqual(['spec.provider']);
    expect(paths([])).toEqual(['']);
  });

  it('allows selector namespaces in a SecretStore only when they name its own namespace', () => {
    const ref = (namespace?: string) => ({ name: 'sp', key: 'secret', ...(namespace ? { namespace } : {}) });
    expect(paths(azureStore({ authSecretRef: { clientSecret: ref() } }, 'team-a'))).toEqual([]);
    expect(paths(azureStore({ authSecretRef: { clientSecret: ref('team-a') } }, 'team-a'))).toEqual([]);
    const foreign = azureStore(
      {
        authSecretRef: { clientId: ref('kube-system'), clientSecret: ref('kube-system') },
        serviceAccountRef: { name: 'wi', namespace: 'kube-system' },
      },
      'team-a',
    );
    expect(paths(foreign)).toEqual([
      'spec.provider.azurekv.authSecretRef.clientId.namespace',
      'spec.provider.azurekv.authSecretRef.clientSecret.namespace',
      'spec.provider.azurekv.serviceAccountRef.namespace',
    ]);
    expect(paths({ ...foreign, kind: 'ClusterSecretStore' })).toEqual([]);
    expect(paths(foreign, 'ClusterSecretStore')).toEqual([]);
  });

  it('applies ESO’s custom-cloud rules', () => {
    const custom = { activeDirectoryEndpoint: 'https://login.example.net/' };
    expect(paths(azureStore({ customCloudConfig: custom }))).toEqual(['spec.provider.azurekv.useAzureSDK']);
    expect(paths(azureStore({ customCloudConfig: custom, useAzureSDK: true }))).toEqual([]);
    expect(
      paths(azureStore({ customCloudConfig: { activeDirectoryEndpoint: '' }, useAzureSDK: true })),
    ).toEqual(['spec.provider.azurekv.customCloudConfig.activeDirectoryEndpoint']);
    expect(paths(azureStore({ environmentType: 'AzureStackCloud' }))).toEqual([
      'spec.provider.azurekv.customCloudConfig',
    ]);
  });

  it('rejects a negative or unparseable refreshInterval', () => {
    for (const refreshInterval of [-5, 'soon', '-1m']) {
      const store = incidentSecretStore();
      store.spec.refreshInterval = refreshInterval;
      expect(paths(store)).toEqual(['spec.refreshInterval']);
    }
  });

  it('rejects namespace regexes that do not compile and unknown selector operators', () => {
    const store = fullClusterSecretStore();
    store.spec.conditions = [
      {
        namespaceRegexes: ['^ok$', '(unclosed'],
        namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'Equals' as never }] },
      },
    ];
    expect(paths(store)).toEqual([
      'spec.conditions[0].namespaceSelector.matchExpressions[0].operator',
      'spec.conditions[0].namespaceRegexes[1]',
    ]);
  });
});
