import { invalidProviderConfig } from '../errors.ts';
import type { AzureKVProvider } from './config.ts';

/**
 * Where the identity authority and Key Vault are in each Azure cloud (`environmentType`), as
 * ESO's new SDK path selects them; `customCloudConfig` (or the provider's `authorityHost`
 * option) overrides the authority.
 */

export interface AzureCloudEndpoints {
  /** The Entra ID authority, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** The token audience of Key Vault in this cloud, e.g. `https://vault.azure.net`. */
  keyVaultResource: string;
  /**
   * False for an authority MSAL does not know (a custom cloud, a test authority): credentials
   * then need `disableInstanceDiscovery`, or MSAL asks login.microsoftonline.com first.
   */
  knownAuthority: boolean;
}

const KNOWN_CLOUDS = {
  PublicCloud: {
    authorityHost: 'https://login.microsoftonline.com',
    keyVaultResource: 'https://vault.azure.net',
  },
  USGovernmentCloud: {
    authorityHost: 'https://login.microsoftonline.us',
    keyVaultResource: 'https://vault.usgovcloudapi.net',
  },
  ChinaCloud: { authorityHost: 'https://login.chinacloudapi.cn', keyVaultResource: 'https://vault.azure.cn' },
} as const;

const KNOWN_AUTHORITY_HOSTS = new Set<string>(
  Object.values(KNOWN_CLOUDS).map((cloud) => cloud.authorityHost),
);

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `https://vault.<suffix>` from a vault URL `https://<name>.<suffix>`. */
function resourceFromVaultUrl(vaultUrl: string): string {
  const host = new URL(vaultUrl).hostname;
  return `https://${host.slice(host.indexOf('.') + 1)}`;
}

function customCloud(spec: AzureKVProvider): { authorityHost: string; keyVaultResource: string } {
  const custom = spec.customCloudConfig;
  if (!custom)
    throw invalidProviderConfig(
      'spec.provider.azurekv.environmentType AzureStackCloud needs customCloudConfig.activeDirectoryEndpoint',
    );
  const suffix = custom.keyVaultDNSSuffix?.replace(/^\.+/, '');
  return {
    authorityHost: trimSlash(custom.activeDirectoryEndpoint),
    keyVaultResource: trimSlash(
      custom.keyVaultEndpoint ?? (suffix ? `https://${suffix}` : resourceFromVaultUrl(spec.vaultUrl)),
    ),
  };
}

/**
 * The endpoints for `spec`. `authorityHostOverride` (tests, the sandbox) wins over everything.
 * Throws ERR_INVALID_PROVIDER_CONFIG for GermanCloud (closed in 2021) and for AzureStackCloud
 * without `customCloudConfig`.
 */
export function cloudEndpoints(spec: AzureKVProvider, authorityHostOverride?: string): AzureCloudEndpoints {
  const environment = spec.environmentType ?? 'PublicCloud';
  if (environment === 'GermanCloud')
    throw invalidProviderConfig(
      "spec.provider.azurekv.environmentType GermanCloud is discontinued; use 'PublicCloud' for Germany's regions",
    );
  const base = environment === 'AzureStackCloud' ? customCloud(spec) : { ...KNOWN_CLOUDS[environment] };
  if (environment !== 'AzureStackCloud' && spec.customCloudConfig) {
    base.authorityHost = trimSlash(spec.customCloudConfig.activeDirectoryEndpoint);
    if (spec.customCloudConfig.keyVaultEndpoint)
      base.keyVaultResource = trimSlash(spec.customCloudConfig.keyVaultEndpoint);
  }
  const authorityHost = trimSlash(authorityHostOverride ?? base.authorityHost);
  return { ...base, authorityHost, knownAuthority: KNOWN_AUTHORITY_HOSTS.has(authorityHost) };
}
