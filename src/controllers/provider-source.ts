import type { KubeClient } from '../kube/index.ts';
import {
  createAzureKeyVaultConnector,
  createProviderRegistry,
  type AzureProviderOptions,
  type ProviderRegistry,
} from '../providers/index.ts';
import { kubeAccessFor } from './secret-store/kube-access.ts';
import type { AnyStore, ProviderSource, StoreKind } from './secret-store/resolve.ts';

/**
 * The controllers' door to providers: a registry of the supported providers (Azure Key Vault)
 * whose connectors cache one provider per store, and the Kubernetes reads their credentials
 * need.
 */
export interface ProviderSourceWithClose extends ProviderSource {
  registry: ProviderRegistry;
  close(): void;
}

export function createProviderSource(kube: KubeClient, azure: AzureProviderOptions): ProviderSourceWithClose {
  const registry = createProviderRegistry([createAzureKeyVaultConnector(azure)]);
  const access = kubeAccessFor(kube);
  return {
    registry,
    providerFor(kind: StoreKind, store: AnyStore, consumerNamespace: string) {
      return registry.connect(
        {
          storeKind: kind,
          storeName: store.metadata.name!,
          ...(store.metadata.namespace ? { storeNamespace: store.metadata.namespace } : {}),
          ...(store.metadata.uid ? { storeUid: store.metadata.uid } : {}),
          ...(store.metadata.generation !== undefined ? { storeGeneration: store.metadata.generation } : {}),
          consumerNamespace,
          spec: store.spec.provider,
        },
        access,
      );
    },
    close: () => registry.close(),
  };
}
