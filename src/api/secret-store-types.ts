import type { StoreKind } from './external-secret-types.ts';
import type {
  Condition,
  LabelSelector,
  ObjectMeta,
  SecretKeySelector,
  ServiceAccountSelector,
} from './meta.ts';

/**
 * TypeScript types of `SecretStore` and `ClusterSecretStore` (`external-secrets.io/v1` and
 * `v1beta1`, the same shape), written by hand next to their schema in `secret-store-schema.ts`.
 * Only the Azure Key Vault provider is typed; a store for another provider is accepted and
 * stored (the schema preserves the other provider keys) and reported unsupported in status.
 */

export const AZURE_AUTH_TYPES = ['ServicePrincipal', 'ManagedIdentity', 'WorkloadIdentity'] as const;
export type AzureAuthType = (typeof AZURE_AUTH_TYPES)[number];

export const AZURE_ENVIRONMENT_TYPES = [
  'PublicCloud',
  'USGovernmentCloud',
  'ChinaCloud',
  'GermanCloud',
  'AzureStackCloud',
] as const;
export type AzureEnvironmentType = (typeof AZURE_ENVIRONMENT_TYPES)[number];

export const STORE_CAPABILITIES = ['ReadOnly', 'WriteOnly', 'ReadWrite'] as const;
export type StoreCapabilities = (typeof STORE_CAPABILITIES)[number];

/** `spec.provider.azurekv.authSecretRef`. */
export interface AzureKVAuth {
  clientId?: SecretKeySelector;
  tenantId?: SecretKeySelector;
  clientSecret?: SecretKeySelector;
  /** PEM certificate and key. */
  clientCertificate?: SecretKeySelector;
}

/** Endpoints of a private Azure cloud; requires `useAzureSDK: true` in ESO. */
export interface AzureCustomCloudConfig {
  activeDirectoryEndpoint: string;
  keyVaultEndpoint?: string;
  keyVaultDNSSuffix?: string;
  resourceManagerEndpoint?: string;
  /** Audience of the federated token for workload identity. */
  audience?: string;
}

/** `spec.provider.azurekv` (ESO's `AzureKVProvider`). */
export interface AzureKVProvider {
  /** CRD default `ServicePrincipal`. */
  authType?: AzureAuthType;
  /** `https://<name>.vault.azure.net`. */
  vaultUrl: string;
  tenantId?: string;
  /** CRD default `PublicCloud`. */
  environmentType?: AzureEnvironmentType;
  authSecretRef?: AzureKVAuth;
  serviceAccountRef?: ServiceAccountSelector;
  /** Client id of a user-assigned managed identity. */
  identityId?: string;
  /** CRD default `false`; kvsync always uses the JavaScript Azure SDK and ignores it. */
  useAzureSDK?: boolean;
  customCloudConfig?: AzureCustomCloudConfig;
}

/**
 * `spec.provider`: exactly one key. `azurekv` is typed; other ESO providers are kept as they
 * are (`unknown`) so that kvsync can name them in its "not supported" status.
 */
export interface SecretStoreProvider {
  azurekv?: AzureKVProvider;
  [otherProvider: string]: unknown;
}

/** Used by some of ESO's providers only; Azure ignores it (its SDK retries). */
export interface SecretStoreRetrySettings {
  maxRetries?: number;
  /** A Go duration. */
  retryInterval?: string;
}

/** ClusterSecretStore only: namespaces allowed to use it (OR across all fields and entries). */
export interface ClusterSecretStoreCondition {
  namespaceSelector?: LabelSelector;
  namespaces?: string[];
  namespaceRegexes?: string[];
}

export interface SecretStoreSpec {
  /** Controller class; empty means any controller. */
  controller?: string;
  provider: SecretStoreProvider;
  retrySettings?: SecretStoreRetrySettings;
  /** Re-validation interval: seconds (number) or a Go duration; 0 or unset means the operator's default. */
  refreshInterval?: number | string;
  conditions?: ClusterSecretStoreCondition[];
}

export interface SecretStoreStatus {
  conditions?: Condition[];
  capabilities?: StoreCapabilities;
}

export interface SecretStore {
  apiVersion?: string;
  kind?: 'SecretStore';
  metadata: ObjectMeta;
  spec: SecretStoreSpec;
  status?: SecretStoreStatus;
}

export interface ClusterSecretStore {
  apiVersion?: string;
  kind?: 'ClusterSecretStore';
  metadata: ObjectMeta;
  spec: SecretStoreSpec;
  status?: SecretStoreStatus;
}

/** Either kind of store; `StoreKind` says which when `kind` is absent. */
export type AnySecretStore = SecretStore | ClusterSecretStore;
export type { StoreKind };
