/**
 * The operator's read/act API, as an object: what the routes (`routes.ts`) and the live stream
 * answer with, built from the operator's informers, its change knowledge, the Key Vault budget
 * and (when one runs) the reloader. Reads are cheap and from memory, except `probe`, which reads
 * Key Vault with the store's credentials. Actions go through the Kubernetes API (the force-sync
 * annotation) or the reloader; the routes check the token before calling them.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  CONDITION_READY,
  effectiveTargetName,
  type ClusterSecretStore,
  type ExternalSecret,
  type SecretStore,
} from '../../api/index.ts';
import type { ChangeTracking } from '../../controllers/external-secret/refresh-plan.ts';
import {
  StoreResolver,
  type ProviderSource,
  type StoreKind,
} from '../../controllers/secret-store/resolve.ts';
import { listWatchInNamespaces, type KubeClient } from '../../kube/index.ts';
import type { Logger } from '../../observability/index.ts';
import { Informer, type Clock } from '../../runtime/index.ts';
import { checkToken, presentedToken, type TokenCheck, type TokenSource } from './auth.ts';
import { LiveState, type DeltaListener } from './live.ts';
import { outcomeOf, probeExternalSecret, type TargetSecret } from './probe.ts';
import { ReadModel, type StoreInformers } from './read-model.ts';
import type { ReloaderView } from './reloader-view.ts';
import { esKey } from './summary.ts';
import { happeningsOf, Timeline } from './timeline.ts';
import type { BudgetSource, PushRecord } from './views.ts';
import {
  FORCE_SYNC_ANNOTATION,
  FORCE_SYNC_FIELD_MANAGER,
  type ApiInfo,
  type EsDetail,
  type EsSummary,
  type HappeningKind,
  type ProbeResult,
  type RestartResult,
  type StoreView,
  type StreamSnapshot,
  type VaultView,
} from './wire.ts';

export type { StoreInformers } from './read-model.ts';

/** The parts of the running operator the API reads. */
export interface OperatorHandle {
  ready(): boolean;
  isLeader(): boolean;
  externalSecrets: Informer<ExternalSecret>;
  changes?: ChangeTracking;
  /** What this replica owns; `shards` when the work is sharded. */
  ownership?(): { shards?: number[] };
  /** With shards: where an ExternalSecret this replica does not cache is held. */
  locate?(key: string): Promise<{ shard: number; holder: string | undefined }>;
}

export interface OperatorApiDeps {
  operator: OperatorHandle;
  kube: KubeClient;
  /** The operator's provider source (cached providers, shared budget). */
  providers: ProviderSource;
  clock: Clock;
  logger: Logger;
  /** The Key Vault request budget, for per-vault views. */
  budget?: BudgetSource;
  /** `--keyvault-request-budget`, shown as the budget's capacity. */
  budgetPer10s?: number;
  /** The action token; without it, every action is refused. */
  token?: TokenSource;
  reloader?: ReloaderView;
  /** The operator's store informers; when absent the API starts its own (two watches). */
  stores?: StoreInformers;
  /** Namespaces the operator watches (its own SecretStore informer stays in them); default all. */
  namespaces?: readonly string[];
  /** Stores of other controller classes are not resolved for probes; default `default`. */
  controllerClass?: string;
  version?: string;
  /** Live stream batching and refresh (see LiveState); defaults 250 ms and 5 s. */
  flushDelayMs?: number;
  refreshEveryMs?: number;
  /** Probes running at once; more are refused (429). Default 4. */
  maxConcurrentProbes?: number;
}

export type SyncRequest = { outcome: 'requested'; value: string } | { outcome: 'not-found' };
export type RestartRequest =
  { outcome: 'done'; result: RestartResult } | { outcome: 'not-found' } | { outcome: 'not-available' };
export type ProbeRequest =
  { outcome: 'done'; result: ProbeResult } | { outcome: 'not-found' } | { outcome: 'busy' };

export interface OperatorApi {
  readonly clock: Clock;
  info(): ApiInfo;
  /** Summaries, optionally of some namespaces only, sorted by key. */
  summaries(namespaces?: readonly string[]): EsSummary[];
  detail(namespace: string, name: string): EsDetail | undefined;
  /** With shards, for an ExternalSecret not known here: which replica holds it (a message). */
  heldElsewhere(namespace: string, name: string): Promise<string | undefined>;
  stores(): StoreView[];
  vaults(): VaultView[];
  probe(namespace: string, name: string): Promise<ProbeRequest>;
  /** Writes the force-sync annotation (the operator's own credentials). */
  requestSync(namespace: string, name: string): Promise<SyncRequest>;
  restartStale(namespace: string, name: string): Promise<RestartRequest>;
  checkToken(headers: IncomingHttpHeaders): TokenCheck;
  /** The picture now and, from the same moment, every delta; returns the unsubscriber. */
  subscribe(listener: DeltaListener): { snapshot: StreamSnapshot; unsubscribe: () => void };
  /** An Event Grid event for `name` in `vaultHost` arrived (the composition root tells). */
  noteKeyVaultEvent(vaultHost: string, name: string): void;
  /** Records a happening for an ExternalSecret (`namespace/name`). */
  record(key: string, kind: HappeningKind, message: string): void;
  /** Records a happening for every ExternalSecret writing Secret `namespace/secretName` (the reloader's restarts). */
  recordForSecret(namespace: string, secretName: string, kind: HappeningKind, message: string): void;
  /** Registered stop hooks (live streams) and own informers; idempotent. */
  onStop(hook: () => void): void;
  stop(): void;
}

function ownStoreInformers(kube: KubeClient, clock: Clock, namespaces: readonly string[]): StoreInformers {
  // In the watched namespaces only: Roles there (namespaced RBAC) allow no cluster-wide list.
  const source = <T>(kind: string, inNamespaces: readonly string[]) =>
    listWatchInNamespaces<T>(kube, { apiVersion: 'external-secrets.io/v1', kind }, inNamespaces);
  return {
    secretStores: new Informer<SecretStore>({
      name: 'api-secretstores',
      clock,
      source: source('SecretStore', namespaces),
    }),
    clusterSecretStores: new Informer<ClusterSecretStore>({
      name: 'api-clustersecretstores',
      clock,
      source: source('ClusterSecretStore', []),
    }),
  };
}

/** Builds the API and starts what it needs (its own store informers when none are given). */
export async function createOperatorApi(deps: OperatorApiDeps): Promise<OperatorApi> {
  const own = deps.stores ? undefined : ownStoreInformers(deps.kube, deps.clock, deps.namespaces ?? []);
  const stores = deps.stores ?? own!;
  const api = new OperatorApiImpl(deps, stores);
  if (own) await Promise.all([own.secretStores.start(), own.clusterSecretStores.start()]);
  api.onStop(() => {
    own?.secretStores.stop();
    own?.clusterSecretStores.stop();
  });
  return api;
}

class OperatorApiImpl implements OperatorApi {
  readonly clock: Clock;
  readonly #deps: OperatorApiDeps;
  readonly #stores: StoreInformers;
  readonly #timeline: Timeline;
  readonly #read: ReadModel;
  readonly #live: LiveState;
  readonly #resolver: StoreResolver;
  readonly #pushEvents = new Map<string, PushRecord>();
  readonly #hashKey = randomBytes(32);
  readonly #probing = new Map<string, Promise<ProbeResult>>();
  readonly #stopHooks: Array<() => void> = [];
  #stopped = false;

  constructor(deps: OperatorApiDeps, stores: StoreInformers) {
    this.clock = deps.clock;
    this.#deps = deps;
    this.#stores = stores;
    this.#timeline = new Timeline({ clock: deps.clock });
    this.#read = new ReadModel({
      externalSecrets: deps.operator.externalSecrets,
      stores,
      ...(deps.operator.changes ? { changes: deps.operator.changes } : {}),
      ...(deps.budget ? { budget: deps.budget } : {}),
      ...(deps.budgetPer10s !== undefined ? { budgetPer10s: deps.budgetPer10s } : {}),
      ...(deps.reloader ? { reloader: deps.reloader } : {}),
      timeline: this.#timeline,
      pushEvents: this.#pushEvents,
    });
    this.#live = new LiveState({
      clock: deps.clock,
      ...(deps.flushDelayMs !== undefined ? { flushDelayMs: deps.flushDelayMs } : {}),
      ...(deps.refreshEveryMs !== undefined ? { refreshEveryMs: deps.refreshEveryMs } : {}),
      source: {
        keys: () => deps.operator.externalSecrets.list().map(esKey),
        summary: (key) => this.#read.summary(key),
        stores: () => this.#read.stores(),
        vaults: () => this.#read.vaults(),
      },
    });
    this.#resolver = new StoreResolver({
      secretStores: stores.secretStores,
      clusterSecretStores: stores.clusterSecretStores,
      namespaceLabels: async (name) =>
        (
          await deps.kube.get<{ metadata: { labels?: Record<string, string> } }>({
            apiVersion: 'v1',
            kind: 'Namespace',
            name,
          })
        )?.metadata.labels,
      providers: deps.providers,
      controllerClass: deps.controllerClass ?? 'default',
      floodGate: false,
    });
    this.#watch();
  }

  #watch(): void {
    const informer = this.#deps.operator.externalSecrets;
    informer.onAdd((es) => this.#live.touch(esKey(es)));
    informer.onUpdate((es, old) => {
      const key = esKey(es);
      for (const happening of happeningsOf(old, es)) this.record(key, happening.kind, happening.message);
      this.#live.touch(key);
    });
    informer.onDelete((es) => {
      this.#timeline.forget(esKey(es));
      this.#live.touch(esKey(es));
    });
    for (const storeInformer of [this.#stores.secretStores, this.#stores.clusterSecretStores] as Array<
      Informer<SecretStore | ClusterSecretStore>
    >) {
      storeInformer.onAdd(() => this.#live.touchAll());
      storeInformer.onUpdate(() => this.#live.touchAll());
      storeInformer.onDelete(() => this.#live.touchAll());
    }
    this.#timeline.subscribe((key, entry) => this.#live.timeline(key, entry));
  }

  info(): ApiInfo {
    const shards = this.#deps.operator.ownership?.().shards;
    return {
      version: this.#deps.version ?? 'dev',
      leader: this.#deps.operator.isLeader(),
      ready: this.#deps.operator.ready(),
      actions: this.#deps.token?.() !== undefined,
      reloader: this.#deps.reloader !== undefined,
      changeDetection: this.#deps.operator.changes !== undefined,
      ...(shards ? { shards } : {}),
      now: new Date(this.#deps.clock.now()).toISOString(),
    };
  }

  /**
   * Why a sharded replica does not know `namespace/name`: another replica holds its shard (this
   * one caches only its own). Undefined without shards, or when this replica holds the shard.
   */
  async heldElsewhere(namespace: string, name: string): Promise<string | undefined> {
    const { operator } = this.#deps;
    if (!operator.locate) return undefined;
    const { shard, holder } = await operator.locate(`${namespace}/${name}`);
    const mine = operator.ownership?.().shards ?? [];
    if (mine.includes(shard)) return undefined;
    const here = `this replica holds shard${mine.length === 1 ? '' : 's'} ${mine.join(', ') || 'none'}`;
    if (!holder)
      return `ExternalSecret ${namespace}/${name} is in shard ${shard}, which no replica holds now; ${here}`;
    return (
      `ExternalSecret ${namespace}/${name} is in shard ${shard}, held by replica ${holder}; ${here}. ` +
      `Ask that replica: kubectl port-forward pod/${holder} 8080 in the operator's namespace, then --operator-url http://127.0.0.1:8080`
    );
  }

  summaries(namespaces: readonly string[] = []): EsSummary[] {
    return this.#read.summaries(namespaces);
  }

  detail(namespace: string, name: string): EsDetail | undefined {
    return this.#read.detail(namespace, name);
  }

  stores(): StoreView[] {
    return this.#read.stores();
  }

  vaults(): VaultView[] {
    return this.#read.vaults();
  }

  async probe(namespace: string, name: string): Promise<ProbeRequest> {
    const key = `${namespace}/${name}`;
    const es = this.#deps.operator.externalSecrets.get(key);
    if (!es) return { outcome: 'not-found' };
    const running = this.#probing.get(key);
    if (running) return { outcome: 'done', result: await running };
    if (this.#probing.size >= (this.#deps.maxConcurrentProbes ?? 4)) return { outcome: 'busy' };
    const pending = this.#runProbe(es).finally(() => this.#probing.delete(key));
    this.#probing.set(key, pending);
    return { outcome: 'done', result: await pending };
  }

  async #runProbe(es: ExternalSecret): Promise<ProbeResult> {
    let store: { kind: StoreKind; store: SecretStore | ClusterSecretStore } | undefined;
    let storeProblem;
    try {
      store = await this.#resolver.storeFor(es);
      const ready = store.store.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
      if (ready?.status === 'False')
        storeProblem = {
          ok: false,
          code: 'ERR_STORE_NOT_READY',
          message: `${store.kind} "${store.store.metadata.name}" is not ready: ${ready.message ?? ready.reason ?? ''}`,
        };
    } catch (error) {
      storeProblem = outcomeOf(error);
    }
    return probeExternalSecret({
      es,
      ...(store ? { store } : {}),
      ...(storeProblem ? { storeProblem } : {}),
      providers: this.#deps.providers,
      readTarget: (namespace, name) =>
        this.#deps.kube.get<TargetSecret>({ apiVersion: 'v1', kind: 'Secret', namespace, name }),
      hashKey: this.#hashKey,
      nowMs: this.#deps.clock.now(),
    });
  }

  async requestSync(namespace: string, name: string): Promise<SyncRequest> {
    if (!this.#deps.operator.externalSecrets.get(`${namespace}/${name}`)) return { outcome: 'not-found' };
    const value = String(Math.floor(this.#deps.clock.now() / 1000));
    try {
      await this.#deps.kube.mergePatch(
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace, name },
        { metadata: { annotations: { [FORCE_SYNC_ANNOTATION]: value } } },
        { fieldManager: FORCE_SYNC_FIELD_MANAGER },
      );
    } catch (error) {
      if ((error as { reason?: string }).reason === 'NotFound') return { outcome: 'not-found' };
      throw error;
    }
    return { outcome: 'requested', value };
  }

  async restartStale(namespace: string, name: string): Promise<RestartRequest> {
    const es = this.#deps.operator.externalSecrets.get(`${namespace}/${name}`);
    if (!es) return { outcome: 'not-found' };
    if (!this.#deps.reloader) return { outcome: 'not-available' };
    const result = await this.#deps.reloader.restartStale(namespace, effectiveTargetName(es));
    return { outcome: 'done', result };
  }

  checkToken(headers: IncomingHttpHeaders): TokenCheck {
    return checkToken(this.#deps.token, presentedToken(headers));
  }

  subscribe(listener: DeltaListener): { snapshot: StreamSnapshot; unsubscribe: () => void } {
    const snapshot = { ...this.#live.snapshot(), info: this.info() };
    const unsubscribe = this.#live.subscribe(listener);
    return { snapshot, unsubscribe };
  }

  noteKeyVaultEvent(vaultHost: string, name: string): void {
    const host = vaultHost.toLowerCase();
    const previous = this.#pushEvents.get(host);
    this.#pushEvents.set(host, { lastEventMs: this.#deps.clock.now(), count: (previous?.count ?? 0) + 1 });
    for (const key of this.#deps.operator.changes?.polls.owners(host, name) ?? [])
      this.record(key, 'push', `Event Grid: new version of '${name}'`);
    this.#live.touchAll();
  }

  record(key: string, kind: HappeningKind, message: string): void {
    if (this.#stopped) return;
    this.#timeline.record(key, kind, message);
  }

  recordForSecret(namespace: string, secretName: string, kind: HappeningKind, message: string): void {
    for (const key of this.#read.keysWritingSecret(namespace, secretName)) this.record(key, kind, message);
  }

  onStop(hook: () => void): void {
    this.#stopHooks.push(hook);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#live.stop();
    for (const hook of this.#stopHooks.splice(0)) hook();
  }
}
