/**
 * The provider boundary: the interface controllers use, the registry that picks a provider by
 * the store's `spec.provider` key, the provider errors, and the providers themselves.
 */
export type * from './provider.ts';
export { systemClock, type ProviderClock } from './clock.ts';
export {
  decodingError,
  invalidProviderConfig,
  isProviderError,
  propertyNotFound,
  ProviderError,
  type ProviderErrorCode,
  type ProviderErrorDetails,
} from './errors.ts';
export { createProviderCache, type ProviderCache, type ProviderCacheOptions } from './provider-cache.ts';
export {
  createProviderRegistry,
  type ProviderConnector,
  type ProviderRegistry,
  type StoreConfig,
} from './registry.ts';
export * from './azure-keyvault/index.ts';
