/**
 * Condition types, condition reasons, condition messages and event reasons, as ESO writes them
 * (users' alerts and scripts match these strings). One place each; add new ones here.
 */

/** The one persisted condition type of every kind. */
export const CONDITION_READY = 'Ready';
/** ESO's ExternalSecret condition type used only for metrics; allowed by the schema, never written. */
export const CONDITION_DELETED = 'Deleted';
export const EXTERNAL_SECRET_CONDITION_TYPES = [CONDITION_READY, CONDITION_DELETED] as const;

/** Reasons of an ExternalSecret's `Ready` condition. */
export const EXTERNAL_SECRET_REASONS = {
  SecretSynced: 'SecretSynced',
  SecretSyncedError: 'SecretSyncedError',
  SecretDeleted: 'SecretDeleted',
  SecretMissing: 'SecretMissing',
} as const;
export type ExternalSecretReason = (typeof EXTERNAL_SECRET_REASONS)[keyof typeof EXTERNAL_SECRET_REASONS];

/** Messages of an ExternalSecret's `Ready` condition (ESO §2.6). */
export const EXTERNAL_SECRET_MESSAGES = {
  synced: 'secret synced',
  retained: 'secret retained due to DeletionPolicy=Retain',
  deleted: 'secret deleted due to DeletionPolicy=Delete',
  notCreatedByMergePolicy: 'secret will not be created due to CreationPolicy=Merge',
  providerFailed: 'could not get secret data from provider',
  updateFailed: 'could not update secret',
  targetImmutable: 'could not update secret, target is immutable',
  ownedByAnother: 'target is owned by another ExternalSecret',
} as const;

/** Event reasons on an ExternalSecret. `UpdateFailed` is a Warning and carries the error text. */
export const EXTERNAL_SECRET_EVENT_REASONS = {
  Created: 'Created',
  Updated: 'Updated',
  Deleted: 'Deleted',
  UpdateFailed: 'UpdateFailed',
  MissingProviderSecret: 'MissingProviderSecret',
  ParameterDeprecated: 'ParameterDeprecated',
  /** kvsync: a refresh read Key Vault and found nothing new (aggregated into one event with a count). */
  Synced: 'Synced',
  /** kvsync: Key Vault says a secret this ExternalSecret reads expires soon (Event Grid). */
  SecretNearExpiry: 'SecretNearExpiry',
  /** kvsync: Key Vault says a secret this ExternalSecret reads has expired (Event Grid). */
  SecretExpired: 'SecretExpired',
  /** kvsync: Key Vault holds a version a failed rollout rejected; the Secret keeps the last good value. */
  VersionRejected: 'VersionRejected',
} as const;

/** Reasons of a store's `Ready` condition. `ValidationUnknown` is shown with status True. */
export const SECRET_STORE_REASONS = {
  Valid: 'Valid',
  InvalidProviderConfig: 'InvalidProviderConfig',
  ValidationUnknown: 'ValidationUnknown',
  InvalidStoreConfiguration: 'InvalidStoreConfiguration',
  ValidationFailed: 'ValidationFailed',
} as const;
export type SecretStoreReason = (typeof SECRET_STORE_REASONS)[keyof typeof SECRET_STORE_REASONS];

/** Messages of a store's `Ready` condition; `unableToValidate` is followed by the error text. */
export const SECRET_STORE_MESSAGES = {
  validated: 'store validated',
  unableToCreateClient: 'unable to create client',
  unableToValidate: 'unable to validate store: ',
  notMaintained: "store isn't currently maintained. Please plan and prepare accordingly.",
} as const;

/** Event reasons on a store. */
export const SECRET_STORE_EVENT_REASONS = {
  Valid: 'Valid',
  InvalidProviderConfig: 'InvalidProviderConfig',
  ValidationFailed: 'ValidationFailed',
  StoreUnmaintained: 'StoreUnmaintained',
  StoreDeprecated: 'StoreDeprecated',
} as const;
