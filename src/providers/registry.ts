import { KvsyncError } from '../errors.ts';
import { invalidProviderConfig } from './errors.ts';
import type { ProviderKubeAccess, SecretsProvider } from './provider.ts';

/**
 * Providers by the key a store names under `spec.provider` (`azurekv`, …). The composition
 * root registers one connector per supported provider; controllers ask the registry for the
 * provider of a store and never see a vendor SDK.
 */

/** A store as a provider needs it: who it is, whom it serves now, and its provider spec. */
export interface StoreConfig<Spec> {
  storeKind: 'SecretStore' | 'ClusterSecretStore';
  storeName: string;
  /** The SecretStore's namespace; absent for a ClusterSecretStore. */
  storeNamespace?: string;
  /** `metadata.uid`; part of the cache fingerprint when known. */
  storeUid?: string;
  /** `metadata.generation`; part of the cache fingerprint when known. */
  storeGeneration?: number;
  /**
   * Namespace of the ExternalSecret being served. A ClusterSecretStore's credential references
   * without a namespace resolve here (ESO's referent authentication).
   */
  consumerNamespace: string;
  /** The object under the provider key, e.g. `spec.provider.azurekv`; checked by the connector. */
  spec: Spec;
}

/** One provider kind: builds and caches the providers of its stores. */
export interface ProviderConnector {
  /** The key under `spec.provider`, e.g. `azurekv`. */
  readonly providerKey: string;
  /** The provider's name in metrics, e.g. `Azure/KeyVault`. */
  readonly providerName: string;
  /**
   * The provider serving `store` for its consumer namespace: cached, rebuilt when the store or
   * its credential objects change. Rejects with ERR_INVALID_PROVIDER_CONFIG when the spec cannot
   * work, or with what reading the credential objects threw.
   */
  connect(store: StoreConfig<unknown>, kube: ProviderKubeAccess): Promise<SecretsProvider>;
  /**
   * True when the store's credentials resolve in the consumer's namespace (a ClusterSecretStore
   * with references without a namespace): it can only be validated per consumer, and a store
   * check should report the validation as unknown, as ESO does.
   */
  isReferent(store: StoreConfig<unknown>): boolean;
  /** Drops the cached providers of a deleted store. */
  forget(store: StoreConfig<unknown>): void;
  /** Closes every provider and connection pool. */
  close(): void;
}

export interface ProviderRegistry {
  /** The registered provider keys. */
  keys(): string[];
  /**
   * Picks the connector from a store's `spec.provider` object (exactly one key) and returns it
   * with the spec under that key. Throws ERR_INVALID_PROVIDER_CONFIG for zero or several keys,
   * ERR_UNSUPPORTED for a provider kvsync does not have.
   */
  resolve(providerSpec: unknown): { connector: ProviderConnector; spec: unknown };
  /** `resolve` then `connector.connect`, with `store.spec` being the whole `spec.provider` object. */
  connect(store: StoreConfig<unknown>, kube: ProviderKubeAccess): Promise<SecretsProvider>;
  /** Closes every connector. Idempotent. */
  close(): void;
}

/** A registry of `connectors`; the registry owns them from now on (its `close` closes them). */
export function createProviderRegistry(connectors: readonly ProviderConnector[]): ProviderRegistry {
  const byKey = new Map<string, ProviderConnector>();
  for (const connector of connectors) {
    if (byKey.has(connector.providerKey))
      throw new Error(`provider '${connector.providerKey}' registered twice`);
    byKey.set(connector.providerKey, connector);
  }
  let closed = false;

  const resolve = (providerSpec: unknown) => {
    if (typeof providerSpec !== 'object' || providerSpec === null || Array.isArray(providerSpec))
      throw invalidProviderConfig('spec.provider must be an object with one provider key');
    const keys = Object.keys(providerSpec);
    if (keys.length !== 1)
      throw invalidProviderConfig(`spec.provider must name exactly one provider, found ${keys.length}`);
    const key = keys[0]!;
    const connector = byKey.get(key);
    if (!connector)
      throw new KvsyncError(
        'ERR_UNSUPPORTED',
        `provider '${key}' is not supported by kvsync (supported: ${[...byKey.keys()].join(', ')})`,
      );
    return { connector, spec: (providerSpec as Record<string, unknown>)[key] };
  };

  return {
    keys: () => [...byKey.keys()],
    resolve,
    async connect(store, kube) {
      const { connector, spec } = resolve(store.spec);
      return connector.connect({ ...store, spec }, kube);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const connector of byKey.values()) connector.close();
    },
  };
}
