import {
  EXTERNAL_SECRET_EVENT_REASONS as EVENT_REASONS,
  type ClusterSecretStore,
  type ExternalSecret,
  type SecretStore,
} from '../api/index.ts';
import type { EventRecorder, KubeClient } from '../kube/index.ts';
import type { Informer } from '../runtime/index.ts';
import {
  Controller,
  WorkQueue,
  type Clock,
  type ReconcileOutcome,
  type WorkQueueStats,
} from '../runtime/index.ts';
import { RemoteVersions } from '../refresh/remote-versions.ts';
import {
  createInformers,
  isReady,
  keyOf,
  specOrMetadataChanged,
  storeRefKey,
  targetKey,
} from './operator-informers.ts';
import { createOwnership, OwnedWork, type LeaseSettings, type Ownership, type Scope } from './ownership.ts';
import { VaultPolls } from '../refresh/vault-polls.ts';
import {
  ExternalSecretReconciler,
  type ChangeTracking,
  type SyncLogger,
  type SyncMetrics,
} from './external-secret/reconciler.ts';
import { esRef } from './external-secret/target-writer.ts';
import type { SecretObject } from './external-secret/target.ts';
import { StoreResolver, type ProviderSource, type StoreKind } from './secret-store/resolve.ts';
import { StoreReconciler, storeKey, type StoreMetrics } from './secret-store/reconciler.ts';

/**
 * Wires kvsync's controllers: informers for ExternalSecrets, stores and managed Secrets feed
 * keys into two work queues; only the elected leader runs the reconcilers, every replica keeps
 * its caches warm so that a follower takes over at once.
 */

export interface OperatorSettings {
  /** Namespaces to reconcile; empty means all. One namespace narrows the watches to it. */
  namespaces: readonly string[];
  controllerClass: string;
  workers: number;
  floodGate: boolean;
  storeRequeueMs: number;
  requeueBaseDelayMs: number;
  requeueMaxDelayMs: number;
  refreshJitter: number;
  /** Listing polls and push instead of one read per ExternalSecret per refresh (default true). */
  changeDetection?: boolean;
  /** Listing period of a vault while Event Grid events arrive for it. */
  pushFallbackMs?: number;
  /** Vaults declared to push (names, hosts or `*`), see `VaultPollsOptions.pushVaults`. */
  pushVaults?: readonly string[];
  leaderElection?: LeaseSettings;
  /** With leader election: split the work over this many shard Leases (1 = one leader). */
  shards?: number;
}

/**
 * Work that must run on exactly one replica (the reloader): started where the scope of `key` is
 * owned, stopped (and awaited) before that scope is given up.
 */
export interface SingletonWork {
  key: string;
  start(): Promise<{ stop(): Promise<void> }>;
}

export interface OperatorDeps {
  singletons?: readonly SingletonWork[];
  settings: OperatorSettings;
  clock: Clock;
  kube: KubeClient;
  providers: ProviderSource;
  events: EventRecorder;
  metrics: SyncMetrics &
    StoreMetrics & { leader(isLeader: boolean): void; reconciled(outcome: ReconcileOutcome): void };
  logger: SyncLogger & { error(message: string, fields?: Record<string, unknown>): void };
}

export interface Operator {
  /** True once every cache has synced. */
  ready(): boolean;
  isLeader(): boolean;
  /** What this replica owns: everything, the leader Lease, or some shards. */
  ownership(): ReturnType<Ownership['describe']>;
  /** The other live replicas and where they are reached (none without leader election). */
  peers: Ownership['peers'];
  /**
   * With shards: an ExternalSecret's shard and the replica holding it, for an API asked about an
   * ExternalSecret this replica does not cache. Undefined without shards.
   */
  locate?: NonNullable<Ownership['locate']>;
  /** Enqueues an ExternalSecret (`namespace/name`) for reconcile now. */
  enqueue(key: string): void;
  /**
   * A push event said `name` in `vaultHost` has a new version: the ExternalSecrets reading it
   * sync at once (those with a pinned version, or not refreshing periodically, are left alone).
   * Returns how many were enqueued.
   */
  remoteChanged(vaultHost: string, name: string, version: string | undefined): number;
  /**
   * Key Vault said `name` expires soon or has expired: a Warning event on each ExternalSecret
   * reading it. Returns the keys of those ExternalSecrets.
   */
  remoteExpiring(
    vaultHost: string,
    name: string,
    kind: 'near-expiry' | 'expired',
    expiresMs?: number,
  ): string[];
  /** Change detection state, for status, the CLI and the dashboard. */
  changes?: ChangeTracking;
  externalSecrets: Informer<ExternalSecret>;
  /** The work queues by controller name, for metrics. */
  queues(): Array<{ name: string; stats: WorkQueueStats }>;
  /** Stops the controllers, waits for in-flight reconciles, releases the lease. */
  stop(): Promise<void>;
}

/** Starts informers and (when leading) controllers; resolves once the caches have synced. */
export async function startOperator(deps: OperatorDeps): Promise<Operator> {
  const { settings, clock, kube, metrics, logger } = deps;
  const ownership = createOwnership(kube, settings, clock, logger);
  // A sharded replica caches only the shards it holds (added on acquiring, dropped after
  // releasing), and reconciles a newly held shard once its caches hold it. Under one leader
  // every replica caches everything, so that a follower takes over at once.
  const sharded = ownership.describe().mode === 'shards';
  const cachedScopes = new Set<Scope>();
  const readyScopes = new Set<Scope>();
  // A refused list (RBAC) or a failing handler would otherwise be silent: the cache retries.
  const informers = createInformers(
    kube,
    clock,
    settings.namespaces,
    (error) => logger.warn('cache: list, watch or handler failed; retrying', { error }),
    sharded ? (key) => cachedScopes.has(ownership.scopeOf(key)) : undefined,
  );
  const refilterCaches = () =>
    Promise.all([informers.externalSecrets.refilter(), informers.secrets.refilter()]);
  informers.externalSecrets.addIndex('target', (es) => [targetKey(es)]);
  informers.externalSecrets.addIndex('store', (es) => [storeRefKey(es)]);
  const resolver = new StoreResolver({
    secretStores: informers.secretStores,
    clusterSecretStores: informers.clusterSecretStores,
    namespaceLabels: async (name) =>
      (
        await kube.get<{ metadata: { labels?: Record<string, string> } }>({
          apiVersion: 'v1',
          kind: 'Namespace',
          name,
        })
      )?.metadata.labels,
    providers: deps.providers,
    controllerClass: settings.controllerClass,
    floodGate: settings.floodGate,
  });
  const queueOptions = {
    clock,
    baseDelayMs: settings.requeueBaseDelayMs,
    maxDelayMs: settings.requeueMaxDelayMs,
  };
  const versions = new RemoteVersions();
  let enqueueOwners = (_vault: string, _names: string[]) => {};
  const changes: ChangeTracking | undefined =
    settings.changeDetection === false
      ? undefined
      : {
          versions,
          polls: new VaultPolls({
            clock,
            versions,
            onChanged: (vault, names) => enqueueOwners(vault, names),
            ...(settings.pushFallbackMs ? { pushFallbackMs: settings.pushFallbackMs } : {}),
            ...(settings.pushVaults ? { pushVaults: settings.pushVaults } : {}),
            logger,
          }),
        };
  const esReconciler = new ExternalSecretReconciler({
    ...(changes ? { changes } : {}),
    clock,
    kube,
    externalSecrets: informers.externalSecrets,
    secrets: informers.secrets,
    stores: resolver,
    events: deps.events,
    metrics,
    logger,
    refreshJitter: settings.refreshJitter,
  });
  const work = new OwnedWork(ownership, (scope) => !sharded || readyScopes.has(scope));
  const esController = new Controller({
    name: 'externalsecret',
    reconciler: work.guard(esReconciler),
    workers: settings.workers,
    clock,
    queue: new WorkQueue({ name: 'externalsecret', ...queueOptions }),
    onOutcome: (outcome) => metrics.reconciled(outcome),
  });
  enqueueOwners = (vault, names) => {
    for (const name of names) for (const key of changes?.polls.owners(vault, name) ?? []) enqueueEs(key);
  };
  const watched = new Set(settings.namespaces);
  const enqueueEs = (key: string) => {
    if ((watched.size === 0 || watched.has(key.split('/')[0]!)) && ownership.owns(key))
      esController.queue.add(key);
  };
  const enqueueStore = (key: string) => {
    if (ownership.owns(key)) storeController.queue.add(key);
  };
  const enqueueStoreUsers = (key: string) => {
    for (const es of informers.externalSecrets.byIndex('store', key)) enqueueEs(keyOf(es));
  };
  const storeController = new Controller({
    name: 'secretstore',
    reconciler: work.guard(
      new StoreReconciler({
        clock,
        kube,
        secretStores: informers.secretStores,
        clusterSecretStores: informers.clusterSecretStores,
        providers: deps.providers,
        events: deps.events,
        metrics,
        controllerClass: settings.controllerClass,
        defaultRequeueMs: settings.storeRequeueMs,
        onBecameReady: (kind, store) => enqueueStoreUsers(storeKey(kind, store)),
      }),
    ),
    workers: Math.max(1, Math.min(settings.workers, 2)),
    clock,
    queue: new WorkQueue({ name: 'secretstore', ...queueOptions }),
    onOutcome: (outcome) => metrics.reconciled(outcome),
  });

  informers.externalSecrets.onAdd((es) => enqueueEs(keyOf(es)));
  informers.externalSecrets.onUpdate((es, old) => specOrMetadataChanged(es, old) && enqueueEs(keyOf(es)));
  informers.externalSecrets.onDelete((es) => enqueueEs(keyOf(es)));
  const secretChanged = (secret: SecretObject) => {
    for (const es of informers.externalSecrets.byIndex('target', keyOf(secret))) enqueueEs(keyOf(es));
  };
  informers.secrets.onAdd(secretChanged);
  informers.secrets.onUpdate(secretChanged);
  informers.secrets.onDelete(secretChanged);
  const storeEvents = (kind: StoreKind) => ({
    add: (store: SecretStore | ClusterSecretStore) => enqueueStore(storeKey(kind, store)),
    update: (store: SecretStore | ClusterSecretStore, old: SecretStore | ClusterSecretStore) => {
      if (store.metadata.generation !== old.metadata.generation) enqueueStore(storeKey(kind, store));
      // Enqueued from the cache, so that the ExternalSecrets read the Ready store (no stale gate).
      if (isReady(store) && !isReady(old)) enqueueStoreUsers(storeKey(kind, store));
    },
  });
  for (const [kind, informer] of [
    ['SecretStore', informers.secretStores],
    ['ClusterSecretStore', informers.clusterSecretStores],
  ] as const) {
    const handlers = storeEvents(kind);
    (informer as Informer<SecretStore | ClusterSecretStore>).onAdd(handlers.add);
    (informer as Informer<SecretStore | ClusterSecretStore>).onUpdate(handlers.update);
    (informer as Informer<SecretStore | ClusterSecretStore>).onDelete((store) => {
      enqueueStore(storeKey(kind, store));
      enqueueStoreUsers(storeKey(kind, store));
    });
  }

  await Promise.all(Object.values(informers).map((informer) => informer.start()));
  logger.info('caches synced', {
    externalSecrets: informers.externalSecrets.list().length,
    stores: informers.secretStores.list().length + informers.clusterSecretStores.list().length,
  });

  // Controllers run on every replica; each reconcile first checks that this replica owns its key.
  storeController.start();
  esController.start();
  const enqueueScope = (scope: Scope) => {
    // Level-based: a new owner looks at everything it now owns; the refresh rules decide what to fetch.
    for (const es of informers.externalSecrets.list())
      if (scope === 'all' || ownership.scopeOf(keyOf(es)) === scope) enqueueEs(keyOf(es));
    for (const [kind, informer] of [
      ['SecretStore', informers.secretStores],
      ['ClusterSecretStore', informers.clusterSecretStores],
    ] as const)
      for (const store of (informer as Informer<SecretStore | ClusterSecretStore>).list()) {
        const key = storeKey(kind, store);
        if (scope === 'all' || ownership.scopeOf(key) === scope) enqueueStore(key);
      }
  };
  const running = new Map<string, Promise<{ stop(): Promise<void> } | undefined>>();
  const inScope = (key: string, scope: Scope) => scope === 'all' || ownership.scopeOf(key) === scope;
  const startSingletons = (scope: Scope) => {
    for (const work of deps.singletons ?? [])
      if (inScope(work.key, scope) && !running.has(work.key))
        running.set(
          work.key,
          work.start().catch((error: unknown) => {
            logger.error('singleton work failed to start', { work: work.key, error });
            return undefined;
          }),
        );
  };
  const stopSingletons = async (scope: Scope) => {
    for (const [key, started] of [...running])
      if (inScope(key, scope)) {
        running.delete(key);
        await (await started)?.stop();
      }
  };
  ownership.start({
    acquired(scope) {
      metrics.leader(ownership.describe().active);
      logger.info('owning', { scope });
      startSingletons(scope);
      if (!sharded) return enqueueScope(scope);
      cachedScopes.add(scope);
      void refilterCaches().then(() => {
        if (!cachedScopes.has(scope)) return;
        readyScopes.add(scope);
        enqueueScope(scope);
      });
    },
    async released(scope) {
      readyScopes.delete(scope);
      await stopSingletons(scope);
      metrics.leader(ownership.describe().active);
      if (scope === 'all') changes?.polls.clear();
      else
        for (const es of informers.externalSecrets.list())
          if (ownership.scopeOf(keyOf(es)) === scope) changes?.polls.unsubscribe(keyOf(es));
      await work.drained(scope);
      if (sharded) {
        cachedScopes.delete(scope);
        informers.externalSecrets.prune();
        informers.secrets.prune();
      }
      logger.info('released', { scope });
    },
  });

  return {
    ready: () => Object.values(informers).every((informer) => informer.hasSynced()),
    isLeader: () => ownership.describe().active,
    ownership: () => ownership.describe(),
    peers: () => ownership.peers(),
    ...(ownership.locate ? { locate: ownership.locate.bind(ownership) } : {}),
    enqueue: enqueueEs,
    externalSecrets: informers.externalSecrets,
    ...(changes ? { changes } : {}),
    remoteChanged(vaultHost, name, version) {
      if (!changes) return 0;
      changes.versions.note(vaultHost, name, {
        ...(version ? { version } : {}),
        learnedAtMs: clock.now(),
        source: 'event',
      });
      changes.polls.pushSeen(vaultHost);
      const owners = changes.polls.owners(vaultHost, name);
      for (const key of owners) enqueueEs(key);
      return owners.length;
    },
    remoteExpiring(vaultHost, name, kind, expiresMs) {
      const owners = changes?.polls.owners(vaultHost, name) ?? [];
      const when = expiresMs === undefined ? '' : ` (expires ${new Date(expiresMs).toISOString()})`;
      const message =
        kind === 'expired'
          ? `Key Vault secret '${name}' has expired${when}: rotate it before it is refused`
          : `Key Vault secret '${name}' expires soon${when}`;
      for (const key of owners) {
        const es = informers.externalSecrets.get(key);
        if (!es) continue;
        deps.events.record(
          esRef(es),
          'Warning',
          kind === 'expired' ? EVENT_REASONS.SecretExpired : EVENT_REASONS.SecretNearExpiry,
          message,
        );
      }
      return owners;
    },
    queues: () => [
      { name: 'externalsecret', stats: esController.queue.stats() },
      { name: 'secretstore', stats: storeController.queue.stats() },
    ],
    async stop() {
      changes?.polls.stop();
      // Releasing the leases drains what this replica owns; then the controllers stop.
      await ownership.stop();
      await stopSingletons('all');
      await Promise.all([esController.stop(), storeController.stop()]);
      metrics.leader(false);
      for (const informer of Object.values(informers)) informer.stop();
    },
  };
}
