import {
  AZURE_AUTH_TYPES,
  AZURE_ENVIRONMENT_TYPES,
  type AzureCustomCloudConfig,
  type AzureKVAuth,
  type AzureKVProvider,
  type SecretKeySelector,
  type ServiceAccountSelector,
} from '../../api/index.ts';
import { invalidProviderConfig } from '../errors.ts';
import type { StoreConfig } from '../registry.ts';

/**
 * Checks `spec.provider.azurekv` (typed in `src/api/`) at the provider's edge: what reaches the
 * provider may come from a store the API server never validated against our schema.
 */

export type {
  AzureAuthType,
  AzureCustomCloudConfig,
  AzureEnvironmentType,
  AzureKVAuth,
  AzureKVProvider,
  SecretKeySelector,
  ServiceAccountSelector,
} from '../../api/index.ts';
export { AZURE_AUTH_TYPES, AZURE_ENVIRONMENT_TYPES };

export type AzureKeyVaultStoreConfig = StoreConfig<AzureKVProvider>;

const FIELD = 'spec.provider.azurekv';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(object: Json, name: string, path: string): string | undefined {
  const value = object[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidProviderConfig(`${path}.${name} must be a string`);
  return value;
}

function requiredString(object: Json, name: string, path: string): string {
  const value = optionalString(object, name, path);
  if (!value) throw invalidProviderConfig(`${path}.${name} is required`);
  return value;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  path: string,
): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw invalidProviderConfig(`${path} '${value}' is not one of ${allowed.join(', ')}`);
}

function secretKeySelector(value: unknown, path: string): SecretKeySelector | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidProviderConfig(`${path} must be an object with name and key`);
  const namespace = optionalString(value, 'namespace', path);
  return {
    name: requiredString(value, 'name', path),
    key: requiredString(value, 'key', path),
    ...(namespace ? { namespace } : {}),
  };
}

function authSecretRef(value: unknown, path: string): AzureKVAuth | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidProviderConfig(`${path} must be an object`);
  const auth: AzureKVAuth = {};
  for (const name of ['clientId', 'tenantId', 'clientSecret', 'clientCertificate'] as const) {
    const selector = secretKeySelector(value[name], `${path}.${name}`);
    if (selector) auth[name] = selector;
  }
  return auth;
}

function serviceAccountRef(value: unknown, path: string): ServiceAccountSelector | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidProviderConfig(`${path} must be an object with a name`);
  const audiences = value.audiences ?? [];
  if (!Array.isArray(audiences) || audiences.some((audience) => typeof audience !== 'string'))
    throw invalidProviderConfig(`${path}.audiences must be a list of strings`);
  const namespace = optionalString(value, 'namespace', path);
  return {
    name: requiredString(value, 'name', path),
    ...(namespace ? { namespace } : {}),
    ...(audiences.length ? { audiences: audiences as string[] } : {}),
  };
}

function customCloudConfig(value: unknown, path: string): AzureCustomCloudConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidProviderConfig(`${path} must be an object`);
  const config: AzureCustomCloudConfig = {
    activeDirectoryEndpoint: requiredString(value, 'activeDirectoryEndpoint', path),
  };
  for (const name of ['keyVaultEndpoint', 'keyVaultDNSSuffix', 'resourceManagerEndpoint'] as const) {
    const field = optionalString(value, name, path);
    if (field) config[name] = field;
  }
  return config;
}

function vaultUrl(object: Json): string {
  const url = requiredString(object, 'vaultUrl', FIELD);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidProviderConfig(`${FIELD}.vaultUrl '${url}' is not a URL`);
  }
  if (parsed.protocol !== 'https:')
    throw invalidProviderConfig(`${FIELD}.vaultUrl '${url}' must use https (Key Vault serves nothing else)`);
  return url;
}

/**
 * Checks the shape of `spec.provider.azurekv` (types, enums, required fields) and returns it
 * typed, with ESO's defaults applied. Throws ERR_INVALID_PROVIDER_CONFIG naming the field.
 * Whether the fields fit together for the auth type is `planAuth`'s job.
 */
export function parseAzureKVProvider(raw: unknown): AzureKVProvider {
  if (!isObject(raw)) throw invalidProviderConfig(`${FIELD} must be an object`);
  const spec: AzureKVProvider = {
    authType:
      oneOf(optionalString(raw, 'authType', FIELD), AZURE_AUTH_TYPES, `${FIELD}.authType`) ??
      'ServicePrincipal',
    vaultUrl: vaultUrl(raw),
    environmentType:
      oneOf(
        optionalString(raw, 'environmentType', FIELD),
        AZURE_ENVIRONMENT_TYPES,
        `${FIELD}.environmentType`,
      ) ?? 'PublicCloud',
  };
  const tenantId = optionalString(raw, 'tenantId', FIELD);
  const identityId = optionalString(raw, 'identityId', FIELD);
  const auth = authSecretRef(raw.authSecretRef, `${FIELD}.authSecretRef`);
  const serviceAccount = serviceAccountRef(raw.serviceAccountRef, `${FIELD}.serviceAccountRef`);
  const cloud = customCloudConfig(raw.customCloudConfig, `${FIELD}.customCloudConfig`);
  if (tenantId) spec.tenantId = tenantId;
  if (identityId) spec.identityId = identityId;
  if (auth) spec.authSecretRef = auth;
  if (serviceAccount) spec.serviceAccountRef = serviceAccount;
  if (cloud) spec.customCloudConfig = cloud;
  if (raw.useAzureSDK === true) spec.useAzureSDK = true;
  return spec;
}
