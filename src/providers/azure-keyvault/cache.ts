import { createHash } from 'node:crypto';
import { createProviderCache, type ProviderCache } from '../provider-cache.ts';
import type { ProviderKubeAccess } from '../provider.ts';
import type { ProviderConnector, StoreConfig } from '../registry.ts';
import { credentialObjects, isReferentConfig, planAuth, secretKeyRefs, type AuthPlan } from './auth-plan.ts';
import { AZURE_PROVIDER_NAME } from './call.ts';
import { parseAzureKVProvider, type AzureKeyVaultStoreConfig } from './config.ts';
import { buildAzureProvider, type AzureProviderOptions } from './provider.ts';
import { createVaultAgent } from './transport.ts';

/**
 * One Azure provider per store (per store and consumer namespace for referent
 * ClusterSecretStores), sharing one keep-alive agent: credentials, tokens and connections
 * survive reconciles (ESO #6912). A provider is rebuilt when the store's uid, generation or
 * spec changes, or a credential Secret or ServiceAccount changes (`resourceVersion`).
 */

/** The key under `spec.provider`. */
export const AZURE_PROVIDER_KEY = 'azurekv';

function storeOf(config: AzureKeyVaultStoreConfig): string {
  return `${config.storeKind}/${config.storeNamespace ?? ''}/${config.storeName}`;
}

function parsed(config: StoreConfig<unknown>): AzureKeyVaultStoreConfig {
  return { ...config, spec: parseAzureKVProvider(config.spec) };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What the credential objects look like now: their resourceVersions, or, when the kube access
 * cannot tell them, a hash of what the credential reads (values never leave this function).
 */
async function credentialState(plan: AuthPlan, kube: ProviderKubeAccess): Promise<string[]> {
  if (kube.resourceVersion) {
    const versionOf = kube.resourceVersion.bind(kube);
    return Promise.all(
      credentialObjects(plan).map(
        async (object) =>
          `${object.kind}:${object.namespace}/${object.name}@${(await versionOf(object.kind, object.namespace, object.name)) ?? '-'}`,
      ),
    );
  }
  const parts = await Promise.all(
    secretKeyRefs(plan).map(async (ref) => sha256((await kube.readSecretKey(ref)).toString('base64'))),
  );
  if (plan.kind === 'WorkloadIdentity') {
    const { namespace, name } = plan.serviceAccount;
    parts.push(sha256(JSON.stringify(await kube.serviceAccountAnnotations(namespace, name))));
  }
  return parts;
}

async function fingerprint(config: AzureKeyVaultStoreConfig, kube: ProviderKubeAccess): Promise<string> {
  const spec = parseAzureKVProvider(config.spec);
  const plan = planAuth({ ...config, spec });
  const identity = [
    config.storeUid ?? '',
    String(config.storeGeneration ?? ''),
    sha256(JSON.stringify(spec)),
  ];
  return [...identity, ...(await credentialState(plan, kube))].join('|');
}

export type AzureProviderCache = ProviderCache<AzureKeyVaultStoreConfig>;

/**
 * An empty cache. `get` rejects with ERR_INVALID_PROVIDER_CONFIG for a spec that cannot work
 * (nothing is cached then). The caller owns `close()`, which also frees the shared agent.
 */
export function createAzureProviderCache(options: AzureProviderOptions = {}): AzureProviderCache {
  const agent = createVaultAgent(options);
  return createProviderCache<AzureKeyVaultStoreConfig>({
    storeOf,
    slotOf: (config) =>
      isReferentConfig(parsed(config)) ? `${storeOf(config)}@${config.consumerNamespace}` : storeOf(config),
    fingerprint,
    build: (config, kube) => buildAzureProvider(config, kube, options, agent),
    onClose: () => agent.destroy(),
  });
}

/** The registry entry for `azurekv` stores, backed by one `createAzureProviderCache`. */
export function createAzureKeyVaultConnector(options: AzureProviderOptions = {}): ProviderConnector {
  const cache = createAzureProviderCache(options);
  return {
    providerKey: AZURE_PROVIDER_KEY,
    providerName: AZURE_PROVIDER_NAME,
    connect: async (store, kube) => cache.get(parsed(store), kube),
    isReferent: (store) => isReferentConfig(parsed(store)),
    forget: (store) => cache.forget(store as AzureKeyVaultStoreConfig),
    close: () => cache.close(),
  };
}
