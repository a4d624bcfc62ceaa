/**
 * The Azure Key Vault emulator: `startKeyVaultEmulator` (the data plane), `startDevKeyVault` (all
 * parts composed, with the functions that manage principals and grants), and what tests need
 * around them. Identity lives in `identity/`, faults/counters/Event Grid in `admin/`; they plug
 * in through the seams of `contracts.ts`.
 */
export {
  startKeyVaultEmulator,
  type IdentityEndpoints,
  type KeyVaultEmulator,
  type KeyVaultEmulatorOptions,
} from './server.ts';
export { startDevKeyVault, type DevKeyVault, type DevKeyVaultOptions } from './dev-emulator.ts';
export type {
  FederatedCredentialSpec,
  IdentityAdmin,
  ManagedIdentitySpec,
  PrincipalRef,
  PrincipalView,
  ServicePrincipalSpec,
  TrustedIssuerView,
  TrustIssuerSpec,
  VaultAccessView,
} from './identity-admin/index.ts';
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
