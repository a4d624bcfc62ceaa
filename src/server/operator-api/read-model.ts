/**
 * The operator API's read side: summaries, details, stores and vaults computed from the
 * operator's informers, its change knowledge, the budget, the reloader and the timeline. Every
 * read is from memory; nothing here calls Kubernetes or Key Vault.
 */
import {
  effectiveStoreRef,
  effectiveTargetName,
  type ClusterSecretStore,
  type ExternalSecret,
  type SecretStore,
} from '../../api/index.ts';
import type { ChangeTracking } from '../../controllers/external-secret/refresh-plan.ts';
import type { Informer } from '../../runtime/index.ts';
import type { ReloaderView } from './reloader-view.ts';
import { remoteKeyViews, safeVaultHost, summarize, vaultUrlOf, type SummaryContext } from './summary.ts';
import type { Timeline } from './timeline.ts';
import {
  knownVaultHosts,
  storeIndexKey,
  storeView,
  vaultView,
  type BudgetSource,
  type PushRecord,
  type VaultFacts,
} from './views.ts';
import type { EsDetail, EsSummary, StoreView, VaultView } from './wire.ts';

export interface StoreInformers {
  secretStores: Informer<SecretStore>;
  clusterSecretStores: Informer<ClusterSecretStore>;
}

export interface ReadModelDeps {
  externalSecrets: Informer<ExternalSecret>;
  stores: StoreInformers;
  changes?: ChangeTracking;
  budget?: BudgetSource;
  budgetPer10s?: number;
  reloader?: ReloaderView;
  timeline: Timeline;
  /** Event Grid deliveries per vault host, kept by the API. */
  pushEvents: ReadonlyMap<string, PushRecord>;
}

export class ReadModel {
  readonly #deps: ReadModelDeps;

  constructor(deps: ReadModelDeps) {
    this.#deps = deps;
  }

  /** Keys of the ExternalSecrets whose target is Secret `namespace/secretName`. */
  keysWritingSecret(namespace: string, secretName: string): string[] {
    return this.#deps.externalSecrets
      .list()
      .filter((es) => es.metadata.namespace === namespace && effectiveTargetName(es) === secretName)
      .map((es) => `${es.metadata.namespace}/${es.metadata.name}`);
  }

  /** The summary of `key`; undefined when it is gone. */
  summary(key: string): EsSummary | undefined {
    const es = this.#deps.externalSecrets.get(key);
    return es ? summarize(es, this.#context(es)) : undefined;
  }

  /** The store `es` names, when it exists. */
  storeOf(es: ExternalSecret): SecretStore | ClusterSecretStore | undefined {
    const ref = effectiveStoreRef(es);
    return ref.kind === 'ClusterSecretStore'
      ? this.#deps.stores.clusterSecretStores.get(ref.name)
      : this.#deps.stores.secretStores.get(`${es.metadata.namespace}/${ref.name}`);
  }

  #context(es: ExternalSecret): SummaryContext {
    const store = this.storeOf(es);
    const reloader = this.#deps.reloader?.forSecret(es.metadata.namespace ?? '', effectiveTargetName(es));
    return {
      ...(store ? { store } : {}),
      ...(this.#deps.changes ? { versions: this.#deps.changes.versions } : {}),
      ...(reloader ? { reloader } : {}),
    };
  }

  #facts(): VaultFacts {
    return {
      ...(this.#deps.changes ? { changes: this.#deps.changes } : {}),
      ...(this.#deps.budget ? { budget: this.#deps.budget } : {}),
      ...(this.#deps.budgetPer10s !== undefined ? { budgetCapacity: this.#deps.budgetPer10s } : {}),
      pushEvents: this.#deps.pushEvents,
    };
  }

  summaries(namespaces: readonly string[] = []): EsSummary[] {
    const wanted = new Set(namespaces);
    return this.#deps.externalSecrets
      .list()
      .filter((es) => wanted.size === 0 || wanted.has(es.metadata.namespace ?? ''))
      .map((es) => summarize(es, this.#context(es)))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  detail(namespace: string, name: string): EsDetail | undefined {
    const es = this.#deps.externalSecrets.get(`${namespace}/${name}`);
    if (!es) return undefined;
    const context = this.#context(es);
    const summary = summarize(es, context);
    const vault = summary.vault;
    const store = context.store;
    const ref = effectiveStoreRef(es);
    return {
      ...summary,
      conditions: (es.status?.conditions ?? []).map((condition) => ({ ...condition })),
      remote: remoteKeyViews(es, context),
      ...(vault ? { vaultView: vaultView(vault, this.#facts(), this.#countByVault().get(vault) ?? 0) } : {}),
      ...(store
        ? {
            storeView: storeView(
              ref.kind,
              store,
              this.#countByStore().get(storeIndexKey(ref.kind, es.metadata.namespace, ref.name)) ?? 0,
            ),
          }
        : {}),
      timeline: this.#deps.timeline.entries(`${namespace}/${name}`),
      ...(context.reloader ? { reloader: context.reloader } : {}),
    };
  }

  #countByStore(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const es of this.#deps.externalSecrets.list()) {
      const ref = effectiveStoreRef(es);
      const key = storeIndexKey(ref.kind, es.metadata.namespace, ref.name);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  #countByVault(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const es of this.#deps.externalSecrets.list()) {
      const host = safeVaultHost(vaultUrlOf(this.storeOf(es)));
      if (host) counts.set(host, (counts.get(host) ?? 0) + 1);
    }
    return counts;
  }

  stores(): StoreView[] {
    const counts = this.#countByStore();
    const views = [
      ...this.#deps.stores.secretStores
        .list()
        .map((store) =>
          storeView(
            'SecretStore',
            store,
            counts.get(storeIndexKey('SecretStore', store.metadata.namespace, store.metadata.name ?? '')) ??
              0,
          ),
        ),
      ...this.#deps.stores.clusterSecretStores
        .list()
        .map((store) =>
          storeView(
            'ClusterSecretStore',
            store,
            counts.get(storeIndexKey('ClusterSecretStore', undefined, store.metadata.name ?? '')) ?? 0,
          ),
        ),
    ];
    return views.sort((a, b) =>
      `${a.kind}/${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.kind}/${b.namespace ?? ''}/${b.name}`),
    );
  }

  vaults(): VaultView[] {
    const facts = this.#facts();
    const counts = this.#countByVault();
    const all = [...this.#deps.stores.secretStores.list(), ...this.#deps.stores.clusterSecretStores.list()];
    return knownVaultHosts(all, facts).map((host) => vaultView(host, facts, counts.get(host) ?? 0));
  }
}
