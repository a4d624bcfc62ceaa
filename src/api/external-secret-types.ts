import type { Condition, ObjectMeta } from './meta.ts';

/**
 * TypeScript types of `ExternalSecret` (`external-secrets.io/v1`, and `v1beta1`, its subset),
 * written by hand next to their schema in `external-secret-schema.ts`; `schemas.test.ts` checks
 * that a maximal object of these types validates against the schema and covers every field it
 * declares. Optional fields are absent (never `null`) unless the schema says nullable. Enum
 * values are listed once, here, and the schema reads them from these arrays.
 */

export const STORE_KINDS = ['SecretStore', 'ClusterSecretStore'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const REFRESH_POLICIES = ['CreatedOnce', 'Periodic', 'OnChange'] as const;
export type RefreshPolicy = (typeof REFRESH_POLICIES)[number];

/** `CreateOrMerge` exists in v1 only. */
export const CREATION_POLICIES = ['Owner', 'Orphan', 'Merge', 'None', 'CreateOrMerge'] as const;
export type CreationPolicy = (typeof CREATION_POLICIES)[number];

export const DELETION_POLICIES = ['Delete', 'Merge', 'Retain'] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number];

export const CONVERSION_STRATEGIES = ['Default', 'Unicode'] as const;
export type ConversionStrategy = (typeof CONVERSION_STRATEGIES)[number];

export const DECODING_STRATEGIES = ['Auto', 'Base64', 'Base64URL', 'None'] as const;
export type DecodingStrategy = (typeof DECODING_STRATEGIES)[number];

export const METADATA_POLICIES = ['None', 'Fetch'] as const;
export type MetadataPolicy = (typeof METADATA_POLICIES)[number];

/** v1 only. */
export const NULL_BYTE_POLICIES = ['Ignore', 'Fail'] as const;
export type NullBytePolicy = (typeof NULL_BYTE_POLICIES)[number];

export const TEMPLATE_ENGINE_VERSIONS = ['v2'] as const;
export const TEMPLATE_MERGE_POLICIES = ['Replace', 'Merge'] as const;
export type TemplateMergePolicy = (typeof TEMPLATE_MERGE_POLICIES)[number];
export const TEMPLATE_TARGETS = ['Data', 'Annotations', 'Labels'] as const;
export type TemplateTarget = (typeof TEMPLATE_TARGETS)[number];
export const TEMPLATE_SCOPES = ['Values', 'KeysAndValues'] as const;
export type TemplateScope = (typeof TEMPLATE_SCOPES)[number];

export const MERGE_CONFLICT_POLICIES = ['Ignore', 'Error'] as const;
export const MERGE_PRIORITY_POLICIES = ['IgnoreNotFound', 'Strict'] as const;
export const MERGE_STRATEGIES = ['Extract', 'JSON'] as const;

/** Generator kinds `v1beta1` accepts in `generatorRef.kind`. */
export const GENERATOR_KINDS_V1BETA1 = [
  'ACRAccessToken',
  'ClusterGenerator',
  'ECRAuthorizationToken',
  'Fake',
  'GCRAccessToken',
  'GithubAccessToken',
  'QuayAccessToken',
  'Password',
  'SSHKey',
  'STSSessionToken',
  'UUID',
  'VaultDynamicSecret',
  'Webhook',
  'Grafana',
] as const;
/** Generator kinds `v1` accepts: v1beta1's plus four newer ones. */
export const GENERATOR_KINDS = [
  ...GENERATOR_KINDS_V1BETA1,
  'CloudsmithAccessToken',
  'GitlabDeployToken',
  'MFA',
  'BeyondtrustWorkloadCredentialsDynamicSecret',
] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];
export const DEFAULT_GENERATOR_API_VERSION = 'generators.external-secrets.io/v1alpha1';

export interface SecretStoreRef {
  name?: string;
  /** Empty means `SecretStore`. */
  kind?: StoreKind;
}

export interface GeneratorRef {
  /** CRD default `generators.external-secrets.io/v1alpha1`. */
  apiVersion?: string;
  kind: GeneratorKind;
  name: string;
}

/** Per-entry source override: exactly one of the two (the schema enforces it). */
export interface StoreSourceRef {
  storeRef?: SecretStoreRef;
  generatorRef?: GeneratorRef;
}

/** `ExternalSecretDataRemoteRef`: where a value lives at the provider. */
export interface RemoteRefSpec {
  /** For Azure: `name`, or `secret/name`, `key/name`, `cert/name`. */
  key: string;
  property?: string;
  version?: string;
  conversionStrategy?: ConversionStrategy;
  decodingStrategy?: DecodingStrategy;
  metadataPolicy?: MetadataPolicy;
  nullBytePolicy?: NullBytePolicy;
}

export interface ExternalSecretData {
  secretKey: string;
  remoteRef: RemoteRefSpec;
  sourceRef?: StoreSourceRef;
}

export interface FindName {
  regexp?: string;
}

/** `dataFrom[].find`: accepted and stored; not implemented yet. */
export interface FindSpec {
  path?: string;
  name?: FindName;
  tags?: Record<string, string>;
  conversionStrategy?: ConversionStrategy;
  decodingStrategy?: DecodingStrategy;
  nullBytePolicy?: NullBytePolicy;
}

export interface RewriteRegexp {
  source: string;
  target: string;
}

export interface RewriteTransform {
  template: string;
}

/** v1 only. */
export interface RewriteMerge {
  into?: string;
  priority?: string[];
  priorityPolicy?: (typeof MERGE_PRIORITY_POLICIES)[number];
  conflictPolicy?: (typeof MERGE_CONFLICT_POLICIES)[number];
  strategy?: (typeof MERGE_STRATEGIES)[number];
}

/** Exactly one member (the schema enforces it). Accepted and stored; not implemented yet. */
export interface RewriteSpec {
  regexp?: RewriteRegexp;
  transform?: RewriteTransform;
  merge?: RewriteMerge;
}

export interface ExternalSecretDataFrom {
  extract?: RemoteRefSpec;
  find?: FindSpec;
  rewrite?: RewriteSpec[];
  sourceRef?: StoreSourceRef;
}

export interface TemplateRefItem {
  key: string;
  templateAs?: TemplateScope;
}

export interface TemplateRef {
  name: string;
  items: TemplateRefItem[];
}

export interface TemplateFrom {
  configMap?: TemplateRef;
  secret?: TemplateRef;
  target?: TemplateTarget;
  literal?: string;
}

export interface TemplateMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** v1 only. */
  finalizers?: string[];
}

/** Accepted and stored; rendering comes with the template engine. */
export interface TargetTemplate {
  type?: string;
  engineVersion?: (typeof TEMPLATE_ENGINE_VERSIONS)[number];
  mergePolicy?: TemplateMergePolicy;
  metadata?: TemplateMetadata;
  data?: Record<string, string>;
  templateFrom?: TemplateFrom[];
}

/** v1 only, and only with ESO's `--unsafe-allow-generic-targets`: kvsync reports it unsupported. */
export interface TargetManifest {
  apiVersion: string;
  kind: string;
}

export interface ExternalSecretTarget {
  /** Defaults to the ExternalSecret's name. */
  name?: string;
  creationPolicy?: CreationPolicy;
  deletionPolicy?: DeletionPolicy;
  immutable?: boolean;
  template?: TargetTemplate;
  manifest?: TargetManifest;
}

export interface SyncWindow {
  /** A 5-field cron expression (UTC) or a descriptor such as `@daily`. */
  schedule?: string;
  /** A Go duration. */
  duration?: string;
}

/** v1 only; gates periodic refreshes. Accepted and stored; not implemented yet. */
export interface SyncWindows {
  /** `allow` or `deny`. */
  kind?: string;
  windows?: SyncWindow[];
}

export interface ExternalSecretSpec {
  secretStoreRef?: SecretStoreRef;
  target?: ExternalSecretTarget;
  refreshPolicy?: RefreshPolicy;
  /** A Go duration; CRD default `1h0m0s`; `0` = sync once. */
  refreshInterval?: string;
  syncWindows?: SyncWindows;
  data?: ExternalSecretData[];
  dataFrom?: ExternalSecretDataFrom[];
}

/**
 * What one successful sync read for one remote key: kvsync's addition to ESO's status, so that
 * `kubectl describe` shows which Key Vault version a Secret holds.
 */
export interface SyncedVersion {
  /** `remoteRef.key` (or `dataFrom[].extract.key`) as written in the spec. */
  key: string;
  /** The Secret key it was written to; absent for `dataFrom` entries (many keys). */
  secretKey?: string;
  /** The provider's version id of what was read. */
  version: string;
  /** When that version was last updated at the provider (RFC 3339), when the provider says. */
  updated?: string;
}

export interface ExternalSecretStatus {
  /** Start of the last successful sync (RFC 3339, seconds); not advanced on failure. */
  refreshTime?: string | null;
  /** `<generation>-<hashMeta>` of the last successful sync. */
  syncedResourceVersion?: string;
  /** servicebinding.io: the target Secret's name. */
  binding?: { name: string };
  conditions?: Condition[];
  /** kvsync: when the next periodic sync is due (RFC 3339); absent when none is scheduled. */
  nextRefreshTime?: string;
  /** kvsync: per remote key, the provider version the last successful sync wrote. */
  syncedVersions?: SyncedVersion[];
  /** kvsync: versions a failed rollout rejected (written by the reloader). */
  rejectedVersions?: RejectedVersion[];
  /** kvsync: pods still running with the Secret's previous data (written by the reloader). */
  stalePods?: StalePodsStatus;
}

/** A provider version a failed rollout rejected; not applied again until a newer one appears. */
export interface RejectedVersion {
  key: string;
  secretKey?: string;
  version: string;
  /** `Kind/name` of the workload whose rollout failed. */
  workload?: string;
  rejectedAt?: string;
  reason?: string;
}

export interface StalePodsStatus {
  count?: number;
  workloads?: string[];
  dataChangedAt?: string;
}

export interface ExternalSecret {
  apiVersion?: string;
  kind?: 'ExternalSecret';
  metadata: ObjectMeta;
  spec: ExternalSecretSpec;
  status?: ExternalSecretStatus;
}
