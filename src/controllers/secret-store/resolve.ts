import {
  CONDITION_READY,
  type ClusterSecretStore,
  type ExternalSecret,
  type SecretStore,
} from '../../api/index.ts';
import { KvsyncError } from '../../errors.ts';
import type { SecretsProvider } from '../../providers/provider.ts';
import type { Informer } from '../../runtime/index.ts';
import { matchesLabelSelector } from './label-selector.ts';

/**
 * Finds the store an ExternalSecret names and hands out its cached provider, enforcing ESO's
 * rules on the way: a SecretStore only serves its own namespace, a ClusterSecretStore only the
 * namespaces its `conditions` allow, a store of another controller class is not ours, and
 * (flood gate) a store that is not Ready is not used.
 */

export type AnyStore = SecretStore | ClusterSecretStore;
export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

/** Builds (or returns the cached) provider of a store for ExternalSecrets of `consumerNamespace`. */
export interface ProviderSource {
  providerFor(kind: StoreKind, store: AnyStore, consumerNamespace: string): Promise<SecretsProvider>;
}

export interface StoreResolverOptions {
  secretStores: Informer<SecretStore>;
  clusterSecretStores: Informer<ClusterSecretStore>;
  /** Labels of a namespace, or undefined when it does not exist. */
  namespaceLabels(name: string): Promise<Record<string, string> | undefined>;
  providers: ProviderSource;
  controllerClass: string;
  floodGate: boolean;
}

function notFound(kind: StoreKind, name: string, namespace: string, elsewhere: string[]): KvsyncError {
  if (kind === 'ClusterSecretStore')
    return new KvsyncError('ERR_STORE_NOT_FOUND', `ClusterSecretStore "${name}" not found`);
  const hint =
    elsewhere.length > 0
      ? ` (a SecretStore serves only its own namespace; one named "${name}" exists in ${elsewhere.join(', ')}` +
        ` — use a ClusterSecretStore to share it)`
      : '';
  return new KvsyncError(
    'ERR_STORE_NOT_FOUND',
    `SecretStore "${name}" not found in namespace "${namespace}"${hint}`,
  );
}

/** True when a ClusterSecretStore's `conditions` admit `namespace` (no conditions: every namespace). */
export async function clusterStoreAllows(
  store: ClusterSecretStore,
  namespace: string,
  namespaceLabels: (name: string) => Promise<Record<string, string> | undefined>,
): Promise<boolean> {
  const conditions = store.spec.conditions ?? [];
  if (conditions.length === 0) return true;
  let labels: Record<string, string> | undefined | null = null;
  for (const condition of conditions) {
    if (condition.namespaces?.includes(namespace)) return true;
    if (condition.namespaceRegexes?.some((pattern) => new RegExp(pattern).test(namespace))) return true;
    if (condition.namespaceSelector) {
      labels ??= (await namespaceLabels(namespace)) ?? {};
      if (matchesLabelSelector(condition.namespaceSelector, labels)) return true;
    }
  }
  return false;
}

function readiness(store: AnyStore): { ready: boolean | undefined; message: string } {
  const condition = store.status?.conditions?.find((c) => c.type === CONDITION_READY);
  return { ready: condition ? condition.status === 'True' : undefined, message: condition?.message ?? '' };
}

export class StoreResolver {
  readonly #options: StoreResolverOptions;

  constructor(options: StoreResolverOptions) {
    this.#options = options;
  }

  /** The store `es` names, or throws ERR_STORE_NOT_FOUND / ERR_STORE_NOT_ALLOWED. */
  async storeFor(es: ExternalSecret): Promise<{ kind: StoreKind; store: AnyStore }> {
    const namespace = es.metadata.namespace!;
    const kind: StoreKind =
      es.spec.secretStoreRef?.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
    const name = es.spec.secretStoreRef?.name ?? '';
    if (kind === 'SecretStore') {
      const store = this.#options.secretStores.get(`${namespace}/${name}`);
      if (store) return { kind, store };
      const elsewhere = this.#options.secretStores
        .list()
        .filter((candidate) => candidate.metadata.name === name)
        .map((candidate) => candidate.metadata.namespace!);
      throw notFound(kind, name, namespace, elsewhere);
    }
    const store = this.#options.clusterSecretStores.get(name);
    if (!store) throw notFound(kind, name, namespace, []);
    if (!(await clusterStoreAllows(store, namespace, this.#options.namespaceLabels)))
      throw new KvsyncError(
        'ERR_STORE_NOT_ALLOWED',
        `using cluster store "${name}" is not allowed from namespace "${namespace}": denied by spec.condition`,
      );
    return { kind, store };
  }

  /**
   * The provider for `es`; undefined when its store belongs to another controller class. With
   * the flood gate, throws ERR_STORE_NOT_VALIDATED while the store has no Ready condition yet and
   * ERR_STORE_NOT_READY when it is not Ready.
   */
  async providerFor(es: ExternalSecret): Promise<StoreProvider | undefined> {
    const { kind, store } = await this.storeFor(es);
    if (!isOurs(store, this.#options.controllerClass)) return undefined;
    const { ready, message } = readiness(store);
    // Not validated yet (no Ready condition): not a failure; its first Ready enqueues `es` again.
    if (this.#options.floodGate && ready === undefined)
      throw new KvsyncError(
        'ERR_STORE_NOT_VALIDATED',
        `${kind} "${store.metadata.name}" has not been validated yet`,
      );
    if (this.#options.floodGate && !ready)
      throw new KvsyncError(
        'ERR_STORE_NOT_READY',
        `${kind} "${store.metadata.name}" is not ready: ${message}`,
      );
    const provider = await this.#options.providers.providerFor(kind, store, es.metadata.namespace!);
    const vaultUrl = store.spec.provider?.azurekv?.vaultUrl;
    return { provider, ...(vaultUrl ? { vaultUrl } : {}) };
  }
}

/** A store's provider, with the vault it reads (for change detection and push). */
export interface StoreProvider {
  provider: SecretsProvider;
  vaultUrl?: string;
}

/** True when this controller class handles `store` (an empty class means any controller). */
export function isOurs(store: AnyStore, controllerClass: string): boolean {
  return !store.spec.controller || store.spec.controller === controllerClass;
}
