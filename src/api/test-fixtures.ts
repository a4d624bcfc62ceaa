import type { ExternalSecret } from './external-secret-types.ts';
import type { ClusterSecretStore, SecretStore } from './secret-store-types.ts';

/**
 * Resources for tests: the incident's manifests exactly as published (`incident-report.md`),
 * and "maximal" objects that set every field the schemas declare, so that tests can check the
 * TypeScript types and the schemas against each other. Imported by tests only.
 */

/** The incident's SecretStore, verbatim. */
export const INCIDENT_SECRET_STORE_YAML = `apiVersion: external-secrets.io/v1beta1
kind: SecretStore
metadata:
  name: azure-backend
  namespace: default
spec:
  provider:
    azurekv:
      authType: ManagedIdentity
      vaultUrl: https://our-vault.vault.azure.net
      identityId: <managed-identity-client-id>
`;

/** The incident's ExternalSecret, verbatim. */
export const INCIDENT_EXTERNAL_SECRET_YAML = `apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: database-credentials
  namespace: default
spec:
  refreshInterval: 1h  # this was the problem
  secretStoreRef:
    name: azure-backend
    kind: SecretStore
  target:
    name: database-credentials
  data:
  - secretKey: password
    remoteRef:
      key: postgresql-password
`;

/** The incident's SecretStore as an object. */
export function incidentSecretStore(): SecretStore {
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'SecretStore',
    metadata: { name: 'azure-backend', namespace: 'default' },
    spec: {
      provider: {
        azurekv: {
          authType: 'ManagedIdentity',
          vaultUrl: 'https://our-vault.vault.azure.net',
          identityId: '<managed-identity-client-id>',
        },
      },
    },
  };
}

/** The incident's ExternalSecret as an object. */
export function incidentExternalSecret(): ExternalSecret {
  return {
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: 'database-credentials', namespace: 'default' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'azure-backend', kind: 'SecretStore' },
      target: { name: 'database-credentials' },
      data: [{ secretKey: 'password', remoteRef: { key: 'postgresql-password' } }],
    },
  };
}

const TEMPLATE_REF = { name: 'templates', items: [{ key: 'config.yaml', templateAs: 'Values' as const }] };

/** A v1 ExternalSecret that sets every spec and status field (and passes validateExternalSecret). */
export function fullExternalSecret(): ExternalSecret {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'full', namespace: 'team-a', labels: { app: 'web' }, annotations: { note: 'x' } },
    spec: {
      secretStoreRef: { name: 'azure-backend', kind: 'SecretStore' },
      refreshInterval: '15m',
      refreshPolicy: 'Periodic',
      syncWindows: { kind: 'deny', windows: [{ schedule: '0 9 * * 1-5', duration: '8h' }] },
      target: {
        name: 'full-secret',
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        immutable: false,
        manifest: { apiVersion: 'v1', kind: 'ConfigMap' },
        template: {
          type: 'Opaque',
          engineVersion: 'v2',
          mergePolicy: 'Replace',
          metadata: {
            labels: { tier: 'db' },
            annotations: { owner: 'payments' },
            finalizers: ['example.com/keep'],
          },
          data: { dsn: 'postgres://app:{{ .password }}@db/app' },
          templateFrom: [
            { configMap: TEMPLATE_REF, target: 'Data' },
            { secret: TEMPLATE_REF, target: 'Annotations' },
            { literal: '{{ .password }}', target: 'Labels' },
          ],
        },
      },
      data: [
        {
          secretKey: 'password',
          remoteRef: {
            key: 'secret/postgresql-password',
            property: 'password',
            version: '0123456789abcdef0123456789abcdef',
            conversionStrategy: 'Default',
            decodingStrategy: 'None',
            metadataPolicy: 'None',
            nullBytePolicy: 'Fail',
          },
          sourceRef: { storeRef: { name: 'other-store', kind: 'ClusterSecretStore' } },
        },
        {
          secretKey: 'token',
          remoteRef: { key: 'token' },
          sourceRef: {
            generatorRef: {
              apiVersion: 'generators.external-secrets.io/v1alpha1',
              kind: 'Password',
              name: 'gen',
            },
          },
        },
      ],
      dataFrom: [
        {
          extract: {
            key: 'app-config',
            property: 'database',
            version: 'fedcba9876543210fedcba9876543210',
            conversionStrategy: 'Unicode',
            decodingStrategy: 'Auto',
            metadataPolicy: 'Fetch',
            nullBytePolicy: 'Ignore',
          },
          sourceRef: { storeRef: { name: 'azure-backend', kind: 'SecretStore' } },
        },
        {
          find: {
            path: 'ignored',
            name: { regexp: '^app-' },
            tags: { env: 'prod' },
            conversionStrategy: 'Unicode',
            decodingStrategy: 'Base64',
            nullBytePolicy: 'Ignore',
          },
          rewrite: [
            { regexp: { source: '^app-', target: '' } },
            { transform: { template: '{{ .value | upper }}' } },
            {
              merge: {
                into: 'all',
                priority: ['a'],
                priorityPolicy: 'Strict',
                conflictPolicy: 'Error',
                strategy: 'JSON',
              },
            },
          ],
        },
        {
          sourceRef: {
            generatorRef: {
              apiVersion: 'generators.external-secrets.io/v1alpha1',
              kind: 'UUID',
              name: 'uuid',
            },
          },
        },
      ],
    },
    status: {
      refreshTime: '2026-03-01T12:00:00Z',
      syncedResourceVersion: '1-0123',
      binding: { name: 'full-secret' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'SecretSynced',
          message: 'secret synced',
          lastTransitionTime: '2026-03-01T12:00:00Z',
        },
      ],
      nextRefreshTime: '2026-03-01T12:15:00Z',
      syncedVersions: [
        {
          key: 'secret/postgresql-password',
          secretKey: 'password',
          version: '0123456789abcdef0123456789abcdef',
          updated: '2026-02-28T08:00:00Z',
        },
      ],
      rejectedVersions: [
        {
          key: 'secret/postgresql-password',
          secretKey: 'password',
          version: 'fedcba9876543210fedcba9876543210',
          workload: 'Deployment/app',
          rejectedAt: '2026-03-01T08:00:00Z',
          reason: 'pod app-7d9-x: container app is in CrashLoopBackOff',
        },
      ],
      stalePods: { count: 2, workloads: ['Deployment/app'], dataChangedAt: '2026-02-28T08:00:05Z' },
    },
  };
}

const STORE_SPEC = {
  controller: 'default',
  refreshInterval: '10m',
  retrySettings: { maxRetries: 3, retryInterval: '10s' },
  provider: {
    azurekv: {
      authType: 'ServicePrincipal' as const,
      vaultUrl: 'https://our-vault.vault.azure.net',
      tenantId: '00000000-0000-0000-0000-000000000001',
      environmentType: 'AzureStackCloud' as const,
      authSecretRef: {
        clientId: { name: 'azure-sp', key: 'client-id', namespace: 'kvsync' },
        clientSecret: { name: 'azure-sp', key: 'client-secret', namespace: 'kvsync' },
        clientCertificate: { name: 'azure-sp', key: 'tls.pem', namespace: 'kvsync' },
        tenantId: { name: 'azure-sp', key: 'tenant-id', namespace: 'kvsync' },
      },
      serviceAccountRef: { name: 'workload', namespace: 'kvsync', audiences: ['api://extra'] },
      identityId: '00000000-0000-0000-0000-000000000002',
      useAzureSDK: true,
      customCloudConfig: {
        activeDirectoryEndpoint: 'https://login.example.net/',
        keyVaultEndpoint: 'https://vault.example.net/',
        keyVaultDNSSuffix: '.vault.example.net',
        resourceManagerEndpoint: 'https://management.example.net/',
        audience: 'api://AzureADTokenExchange',
      },
    },
  },
  conditions: [
    {
      namespaceSelector: {
        matchLabels: { team: 'a' },
        matchExpressions: [{ key: 'env', operator: 'In' as const, values: ['prod'] }],
      },
      namespaces: ['team-a'],
      namespaceRegexes: ['^team-'],
    },
  ],
};

const STORE_STATUS = {
  capabilities: 'ReadWrite' as const,
  conditions: [
    {
      type: 'Ready',
      status: 'True' as const,
      reason: 'Valid',
      message: 'store validated',
      lastTransitionTime: '2026-03-01T12:00:00Z',
    },
  ],
};

/** A ClusterSecretStore that sets every field (and passes validateSecretStore). */
export function fullClusterSecretStore(): ClusterSecretStore {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'full' },
    spec: structuredClone(STORE_SPEC),
    status: structuredClone(STORE_STATUS),
  };
}

/** A SecretStore that sets every field; its selectors name its own namespace. */
export function fullSecretStore(): SecretStore {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'full', namespace: 'kvsync' },
    spec: structuredClone(STORE_SPEC),
    status: structuredClone(STORE_STATUS),
  };
}
