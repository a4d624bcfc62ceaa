import { readFileSync } from 'node:fs';
import type { OperatorConfig } from './config/index.ts';
import { operatorMetrics } from './controllers/metrics-adapter.ts';
import { startOperator, type Operator } from './controllers/operator.ts';
import { createProviderSource } from './controllers/provider-source.ts';
import { createEventRecorder, createKubeClient } from './kube/index.ts';
import { VaultBudget } from './refresh/budget.ts';
import { createLogger, createMetrics, type Logger } from './observability/index.ts';
import { systemClock, type Clock } from './runtime/index.ts';
import { startHttpServer, type HttpServer } from './server/index.ts';

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
  // The probes exist before the operator does (the server starts first).
  const started: { operator?: Operator } = {};
  const queueAdds = new Map<string, number>();
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
        return metrics.render();
      },
    },
    health: {
      live: () => true,
      ready: () =>
        !started.operator?.ready()
          ? { ready: false, reason: 'caches not synced' }
          : { ready: true, reason: started.operator.isLeader() ? 'leader' : 'standby: not the leader' },
    },
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
      ...(le.enabled
        ? {
            leaderElection: {
              namespace: le.namespace,
              name: le.leaseName,
              identity: le.identity,
              leaseDurationMs: le.leaseDurationMs,
              renewDeadlineMs: le.renewDeadlineMs,
              retryPeriodMs: le.retryPeriodMs,
            },
          }
        : {}),
    },
    clock,
    kube,
    providers,
    events,
    metrics: operatorMetrics(metrics),
    logger,
  });
  started.operator = operator;
  logger.info('kvsync started', { http: http.url, leaderElection: le.enabled });
  let stopped: Promise<void> | undefined;
  return {
    http,
    operator,
    logger,
    stop() {
      stopped ??= (async () => {
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
