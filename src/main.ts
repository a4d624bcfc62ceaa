import { readFileSync } from 'node:fs';
import type { OperatorConfig } from './config/index.ts';
import { operatorMetrics } from './controllers/metrics-adapter.ts';
import { startOperator, type Operator, type SingletonWork } from './controllers/operator.ts';
import { createProviderSource } from './controllers/provider-source.ts';
import { createEventGridRoutes, createRelay, type VaultObjectEvent } from './events/index.ts';
import { fileSecret, kubeSecret, refreshingSecret, type RefreshingSecret } from './events/webhook-secret.ts';
import { createEventRecorder, createKubeClient, type EventRecorder, type KubeClient } from './kube/index.ts';
import { VaultBudget } from './refresh/budget.ts';
import { createExternalSecretStatusHooks, startReloader, type Reloader } from './reloader/index.ts';
import { serveOperatorApi, type ReloaderLike } from './server/operator-api/index.ts';
import { createLogger, createMetrics, type Logger, type Metrics } from './observability/index.ts';
import { systemClock, type Clock } from './runtime/index.ts';
import { startHttpServer, urlHost, type HttpServer } from './server/index.ts';

/**
 * The composition root: configuration in, a running operator out. Everything is built here
 * and handed down; nothing below reads the environment or holds module-level state.
 */

export interface KvsyncRuntime {
  clock?: Clock;
  /** Receives each log line; default standard output. */
  writeLog?: (line: string) => void;
  version?: string;
}

export interface Kvsync {
  http: HttpServer;
  /** The dashboard's page (`…/dashboard/`), when `--dashboard-addr` serves one. */
  dashboardUrl?: string;
  operator: Operator;
  logger: Logger;
  /** Stops reconciling, releases the lease, closes the server and provider connections. Idempotent. */
  stop(): Promise<void>;
}

export async function startKvsync(config: OperatorConfig, runtime: KvsyncRuntime = {}): Promise<Kvsync> {
  const clock = runtime.clock ?? systemClock;
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    clock,
    ...(runtime.writeLog ? { write: runtime.writeLog } : {}),
  });
  const metrics = createMetrics({ version: runtime.version ?? 'dev' });
  const kube = createKubeClient({
    ...(config.kubernetes.kubeconfigPath ? { kubeconfigPath: config.kubernetes.kubeconfigPath } : {}),
    ...(config.kubernetes.context ? { context: config.kubernetes.context } : {}),
    inCluster: config.kubernetes.inCluster,
  });
  const events = createEventRecorder(kube, {
    component: 'kvsync',
    clock,
    onError: (error) => logger.warn('event not recorded', { error }),
  });
  const budget = new VaultBudget({
    clock,
    requestsPerWindow: config.azure.requestBudgetPer10s,
    windowMs: 10_000,
    latencyAllowanceMs: 500,
  });
  const providers = createProviderSource(kube, {
    clock,
    gate: budget,
    ...(config.azure.authorityHost ? { authorityHost: config.azure.authorityHost } : {}),
    ...(config.azure.caFile ? { caPem: readFileSync(config.azure.caFile, 'utf8') } : {}),
    ...(config.azure.vaultEndpoint
      ? {
          vaultEndpointOverride: {
            hostSuffix: config.azure.vaultHostSuffix,
            connectTo: config.azure.vaultEndpoint,
          },
        }
      : {}),
    onCall: (call) =>
      metrics.externalSecretProviderApiCallsCount.inc({
        provider: call.provider,
        call: call.call,
        status: call.status,
      }),
  });
  // The reloader runs on one replica and may start and stop with leadership; the API follows it.
  const currentReloader: { reloader?: Reloader } = {};
  // The probes exist before the operator does (the server starts first).
  const started: { operator?: Operator } = {};
  const probes = {
    live: () => true,
    ready: () =>
      !started.operator?.ready()
        ? { ready: false, reason: 'caches not synced' }
        : { ready: true, reason: started.operator.isLeader() ? 'leader' : 'standby: not the leader' },
  };
  const queueAdds = new Map<string, number>();
  const throttledSeen = new Map<string, number>();
  const http = await startHttpServer({
    address: config.http.address,
    logger,
    // Queue gauges are read when scraped rather than kept up to date on every add.
    metrics: {
      render: () => {
        for (const { name, stats } of started.operator?.queues() ?? []) {
          metrics.workqueueDepth.set({ name }, stats.depth);
          metrics.workqueueAddsTotal.inc({ name }, stats.adds - (queueAdds.get(name) ?? 0));
          queueAdds.set(name, stats.adds);
        }
        for (const vault of budget.vaults()) {
          const state = budget.state(vault);
          metrics.keyVaultPausedSeconds.set({ vault }, budget.pausedForMs(vault) / 1000);
          metrics.keyVaultThrottledTotal.inc(
            { vault },
            state.throttledTotal - (throttledSeen.get(vault) ?? 0),
          );
          throttledSeen.set(vault, state.throttledTotal);
        }
        return metrics.render();
      },
    },
    health: probes,
  });
  const le = config.leaderElection;
  const operator = await startOperator({
    settings: {
      namespaces: config.reconcile.namespaces,
      controllerClass: config.reconcile.controllerClass,
      workers: config.reconcile.concurrentReconciles,
      floodGate: config.reconcile.enableFloodGate,
      storeRequeueMs: config.reconcile.storeRequeueIntervalMs,
      requeueBaseDelayMs: config.reconcile.requeueBaseDelayMs,
      requeueMaxDelayMs: config.reconcile.requeueMaxDelayMs,
      refreshJitter: config.reconcile.refreshJitterFraction,
      changeDetection: config.reconcile.changeDetection,
      pushFallbackMs: config.reconcile.pushFallbackIntervalMs,
      pushVaults: config.reconcile.pushVaults,
      ...(le.enabled
        ? {
            leaderElection: {
              namespace: le.namespace,
              name: le.leaseName,
              identity: le.identity,
              leaseDurationMs: le.leaseDurationMs,
              renewDeadlineMs: le.renewDeadlineMs,
              retryPeriodMs: le.retryPeriodMs,
              url: le.advertiseAddress ? `http://${urlHost(le.advertiseAddress)}:${http.port}` : http.url,
            },
            shards: le.shards,
          }
        : {}),
    },
    clock,
    kube,
    providers,
    events,
    metrics: operatorMetrics(metrics),
    logger,
    singletons: config.reconcile.reloader.enabled
      ? [reloaderWork(config, { kube, clock, events, logger, metrics }, currentReloader)]
      : [],
  });
  started.operator = operator;
  const served = await serveOperatorApi({
    http,
    operator,
    kube,
    providers,
    budget,
    budgetPer10s: config.azure.requestBudgetPer10s,
    clock,
    logger,
    controllerClass: config.reconcile.controllerClass,
    namespaces: config.reconcile.namespaces,
    version: runtime.version ?? 'dev',
    ...(config.http.dashboardAddress !== undefined ? { dashboardAddress: config.http.dashboardAddress } : {}),
    ...(config.http.dashboardTokenFile ? { tokenFile: config.http.dashboardTokenFile } : {}),
    ...(config.reconcile.reloader.enabled ? { reloader: followReloader(currentReloader) } : {}),
    health: probes,
    metrics: { render: () => metrics.render() },
  });
  const webhook = await startWebhook(config, {
    kube,
    clock,
    logger,
    metrics,
    http,
    operator,
    noteEvent: (vault, name) => served.api.noteKeyVaultEvent(vault, name),
  });
  logger.info('kvsync started', { http: http.url, leaderElection: le.enabled });
  let stopped: Promise<void> | undefined;
  return {
    http,
    ...(served.dashboard ? { dashboardUrl: `${served.dashboard.url}/dashboard/` } : {}),
    operator,
    logger,
    stop() {
      stopped ??= (async () => {
        webhook?.stop();
        await served.stop();
        await operator.stop();
        await events.flush();
        providers.close();
        await http.close();
        logger.info('kvsync stopped');
      })();
      return stopped;
    },
  };
}

/** Vault host names as stores write them; an emulator's loopback ids map to the vault's Azure name. */
const AZURE_VAULT_HOST = /\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net|microsoftazure\.de)$/;

function vaultHostOfEvent(event: VaultObjectEvent): string {
  return AZURE_VAULT_HOST.test(event.vaultHost) ? event.vaultHost : `${event.vaultName}.vault.azure.net`;
}

/**
 * The Event Grid webhook (`POST /webhooks/eventgrid`), when a shared secret is configured:
 * new versions sync the ExternalSecrets that read them at once, expiry notices become
 * Warning events. Without a secret the route is not served at all.
 */
async function startWebhook(
  config: OperatorConfig,
  parts: {
    kube: KubeClient;
    clock: Clock;
    logger: Logger;
    metrics: Metrics;
    http: HttpServer;
    operator: Operator;
    /** Tells the operator API that an event arrived for a vault (push status per vault). */
    noteEvent(vaultHost: string, name: string): void;
  },
): Promise<RefreshingSecret | undefined> {
  const { kube, clock, logger, metrics, http, operator } = parts;
  const { secretFile, secretRef } = config.eventGrid;
  const read = secretFile ? fileSecret(secretFile) : secretRef ? kubeSecret(kube, secretRef) : undefined;
  if (!read) {
    logger.info(
      'Event Grid webhook off: set --event-grid-secret-file or --event-grid-secret-ref to serve it',
    );
    return undefined;
  }
  const secret = refreshingSecret(read, clock, 30_000, (error) =>
    logger.warn('Event Grid shared secret not read', { error }),
  );
  await secret.refresh();
  // A Warning event on each ExternalSecret reading the secret, counted per ExternalSecret.
  const expiring = (event: VaultObjectEvent, kind: 'near-expiry' | 'expired') => {
    const owners = operator.remoteExpiring(
      vaultHostOfEvent(event),
      event.objectName,
      kind,
      event.exp && event.exp * 1000,
    );
    for (const key of owners) {
      const [namespace, name] = key.split('/') as [string, string];
      metrics.secretExpiryEventsTotal.inc({ namespace, name, kind });
    }
  };
  const routes = createEventGridRoutes({
    authentication: { sharedSecret: secret.source },
    onSecretNewVersion: (event) => {
      parts.noteEvent(vaultHostOfEvent(event), event.objectName);
      const enqueued = operator.remoteChanged(vaultHostOfEvent(event), event.objectName, event.version);
      logger.info('Key Vault secret changed', { vault: event.vaultName, object: event.objectName, enqueued });
    },
    onNearExpiry: (event) => expiring(event, 'near-expiry'),
    onExpired: (event) => expiring(event, 'expired'),
    logger,
    clock,
    metrics: {
      countEvent: (type, outcome) => metrics.eventGridEventsTotal.inc({ type, outcome }),
      countRejected: (reason) => metrics.eventGridRejectedTotal.inc({ reason }),
      countHandshake: (schema) => metrics.eventGridHandshakesTotal.inc({ schema }),
      setLastEventTime: (vault, atMs) => metrics.eventGridLastEventSeconds.set({ vault }, atMs / 1000),
    },
    ...(config.leaderElection.enabled
      ? {
          relay: createRelay({
            identity: config.leaderElection.identity,
            peers: () => operator.peers(),
            logger,
            count: (outcome) => metrics.eventGridRelayedTotal.inc({ outcome }),
          }),
        }
      : {}),
  });
  for (const route of routes) http.addRoute(route);
  logger.info('Event Grid webhook on', { path: `${http.url}/webhooks/eventgrid` });
  return secret;
}

/** The reloader as work for exactly one replica (`src/reloader/`), with its metrics. */
function reloaderWork(
  config: OperatorConfig,
  parts: { kube: KubeClient; clock: Clock; events: EventRecorder; logger: Logger; metrics: Metrics },
  current: { reloader?: Reloader },
): SingletonWork {
  const { kube, clock, events, logger, metrics } = parts;
  return {
    key: 'kvsync/reloader',
    start: async () => {
      const reloader = await startReloader({
        kube,
        clock,
        events,
        logger: logger.child({ component: 'reloader' }),
        settings: {
          namespaces: config.reconcile.namespaces,
          settlePeriodMs: config.reconcile.reloader.settlePeriodMs,
          maxConcurrentRollouts: config.reconcile.reloader.maxConcurrentRollouts,
        },
        externalSecrets: createExternalSecretStatusHooks(kube),
        metrics: {
          restarted: (kind, namespace, trigger) =>
            metrics.reloaderRestartsTotal.inc({ kind, namespace, trigger }),
          rolloutFinished: (kind, namespace, result) =>
            metrics.reloaderRolloutsTotal.inc({ kind, namespace, result }),
          pendingRestarts: (count) => metrics.reloaderPendingRestarts.set(count),
          rolloutsInProgress: (count) => metrics.reloaderRolloutsInProgress.set(count),
          stalePods: (namespace, secret, count) =>
            count === 0
              ? metrics.stalePods.remove({ namespace, secret })
              : metrics.stalePods.set({ namespace, secret }, count),
        },
      });
      current.reloader = reloader;
      return {
        async stop() {
          if (current.reloader === reloader) delete current.reloader;
          await reloader.stop();
        },
      };
    },
  };
}

/** The reloader running now, for the operator API (empty state while none runs here). */
function followReloader(current: { reloader?: Reloader }): ReloaderLike {
  return {
    state: () =>
      current.reloader?.state() ?? {
        workloads: [],
        pendingRestarts: 0,
        rolloutsInProgress: 0,
        stalePods: [],
      },
    enqueue: (key) => current.reloader?.enqueue(key),
  };
}
