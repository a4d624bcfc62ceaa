/**
 * The Azure Key Vault provider (`spec.provider.azurekv`): ESO's semantics behind the
 * `SecretsProvider` interface, on the official Azure SDK.
 */
export {
  AZURE_AUTH_TYPES,
  AZURE_ENVIRONMENT_TYPES,
  parseAzureKVProvider,
  type AzureAuthType,
  type AzureCustomCloudConfig,
  type AzureEnvironmentType,
  type AzureKeyVaultStoreConfig,
  type AzureKVAuth,
  type AzureKVProvider,
  type SecretKeySelector,
  type ServiceAccountSelector,
} from './config.ts';
export { isReferentConfig } from './auth-plan.ts';
export { AZURE_PROVIDER_NAME, type AzureCallName } from './call.ts';
export {
  AZURE_PROVIDER_KEY,
  createAzureKeyVaultConnector,
  createAzureProviderCache,
  type AzureProviderCache,
} from './cache.ts';
export { CLIENT_ID_ANNOTATION, TENANT_ID_ANNOTATION } from './credentials.ts';
export { createAzureKeyVaultProvider, type AzureProviderOptions } from './provider.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
export { TOKEN_EXCHANGE_AUDIENCE } from './service-account-token.ts';
export type { VaultEndpointOverride } from './transport.ts';
