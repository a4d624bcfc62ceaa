/**
 * The Azure Key Vault emulator: `startKeyVaultEmulator` and what tests need around it. Identity
 * lives in `identity/`, faults/counters/Event Grid in `admin/`; they plug in through the seams of
 * `contracts.ts`.
 */
export {
  startKeyVaultEmulator,
  type IdentityEndpoints,
  type KeyVaultEmulator,
  type KeyVaultEmulatorOptions,
} from './server.ts';
export {
  createPermissiveIdentity,
  PERMISSIVE_TENANT_ID,
  type PermissiveIdentityOptions,
} from './permissive-identity.ts';
export { LOOPBACK_RESOURCE, VAULT_RESOURCE, resourceForHost } from './http/auth.ts';
export { KNOWN_API_VERSIONS, isSupportedApiVersion } from './http/api-version.ts';
export { MAX_SECRET_VALUE_BYTES } from './vault/secrets.ts';
export { KeyVaultStore, type StoreSnapshot } from './vault/store.ts';
export type * from './contracts.ts';
