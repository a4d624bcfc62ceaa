/**
 * The Prometheus instruments of the operator, each registered on the registry given. Names
 * and labels: `metric-names.ts`.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC, RECONCILE_TIME_BUCKETS_SECONDS } from './metric-names.ts';

type ResourceLabels = 'name' | 'namespace';
type ConditionLabels = 'name' | 'namespace' | 'condition' | 'status';

export interface Instruments {
  readonly externalSecretSyncCallsTotal: Counter<ResourceLabels>;
  readonly externalSecretSyncCallsError: Counter<ResourceLabels>;
  readonly externalSecretStatusCondition: Gauge<ConditionLabels>;
  /** Nanoseconds, as ESO; prefer `recordExternalSecretReconcile`. */
  readonly externalSecretReconcileDuration: Gauge<ResourceLabels>;
  readonly externalSecretProviderApiCallsCount: Counter<'provider' | 'call' | 'status'>;
  readonly secretStoreStatusCondition: Gauge<ConditionLabels>;
  readonly secretStoreReconcileDuration: Gauge<ResourceLabels>;
  readonly clusterSecretStoreStatusCondition: Gauge<'name' | 'condition' | 'status'>;
  readonly clusterSecretStoreReconcileDuration: Gauge<'name'>;
  readonly workqueueDepth: Gauge<'name'>;
  readonly workqueueAddsTotal: Counter<'name'>;
  readonly workqueueRetriesTotal: Counter<'name'>;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileTimeSeconds: Histogram<'controller'>;
  readonly reconcileErrorsTotal: Counter<'controller'>;
  readonly leader: Gauge;
  readonly keyVaultRequestsTotal: Counter<'vault' | 'operation' | 'status'>;
  readonly secretWritesTotal: Counter<'namespace' | 'result'>;
  readonly eventGridEventsTotal: Counter<'type' | 'outcome'>;
  readonly eventGridRejectedTotal: Counter<'reason'>;
  readonly eventGridHandshakesTotal: Counter<'schema'>;
  readonly eventGridRelayedTotal: Counter<'outcome'>;
  readonly eventGridLastEventSeconds: Gauge<'vault'>;
  readonly keyVaultThrottledTotal: Counter<'vault'>;
  readonly keyVaultPausedSeconds: Gauge<'vault'>;
  readonly secretExpiryEventsTotal: Counter<'namespace' | 'name' | 'kind'>;
  readonly reloaderRestartsTotal: Counter<'kind' | 'namespace' | 'trigger'>;
  readonly reloaderRolloutsTotal: Counter<'kind' | 'namespace' | 'result'>;
  readonly reloaderPendingRestarts: Gauge;
  readonly reloaderRolloutsInProgress: Gauge;
  readonly stalePods: Gauge<'namespace' | 'secret'>;
  readonly buildInfo: Gauge<'version'>;
}

export function createInstruments(registry: Registry): Instruments {
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });
  const resource = ['name', 'namespace'] as const;
  const condition = ['name', 'namespace', 'condition', 'status'] as const;
  return {
    externalSecretSyncCallsTotal: counter(
      METRIC.externalSecretSyncCallsTotal,
      'Total number of ExternalSecret syncs',
      resource,
    ),
    externalSecretSyncCallsError: counter(
      METRIC.externalSecretSyncCallsError,
      'Total number of failed ExternalSecret syncs',
      resource,
    ),
    externalSecretStatusCondition: gauge(
      METRIC.externalSecretStatusCondition,
      'Status condition of an ExternalSecret (1 = current)',
      condition,
    ),
    externalSecretReconcileDuration: gauge(
      METRIC.externalSecretReconcileDuration,
      'Duration of the last ExternalSecret reconcile in nanoseconds',
      resource,
    ),
    externalSecretProviderApiCallsCount: counter(
      METRIC.externalSecretProviderApiCallsCount,
      'Calls to secret providers',
      ['provider', 'call', 'status'],
    ),
    secretStoreStatusCondition: gauge(
      METRIC.secretStoreStatusCondition,
      'Status condition of a SecretStore (1 = current)',
      condition,
    ),
    secretStoreReconcileDuration: gauge(
      METRIC.secretStoreReconcileDuration,
      'Duration of the last SecretStore reconcile in nanoseconds',
      resource,
    ),
    clusterSecretStoreStatusCondition: gauge(
      METRIC.clusterSecretStoreStatusCondition,
      'Status condition of a ClusterSecretStore (1 = current)',
      ['name', 'condition', 'status'],
    ),
    clusterSecretStoreReconcileDuration: gauge(
      METRIC.clusterSecretStoreReconcileDuration,
      'Duration of the last ClusterSecretStore reconcile in nanoseconds',
      ['name'],
    ),
    workqueueDepth: gauge(METRIC.workqueueDepth, 'Current depth of the work queue', ['name']),
    workqueueAddsTotal: counter(METRIC.workqueueAddsTotal, 'Total number of adds handled by the work queue', [
      'name',
    ]),
    workqueueRetriesTotal: counter(
      METRIC.workqueueRetriesTotal,
      'Total number of retries handled by the work queue',
      ['name'],
    ),
    reconcileTotal: counter(METRIC.reconcileTotal, 'Total number of reconciliations per controller', [
      'controller',
      'result',
    ]),
    reconcileTimeSeconds: new Histogram({
      name: METRIC.reconcileTimeSeconds,
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: [...RECONCILE_TIME_BUCKETS_SECONDS],
      registers,
    }),
    reconcileErrorsTotal: counter(
      METRIC.reconcileErrorsTotal,
      'Total number of reconciliation errors per controller',
      ['controller'],
    ),
    leader: new Gauge({
      name: METRIC.leader,
      help: '1 when this replica is the leader, 0 when it is standby',
      registers,
    }),
    keyVaultRequestsTotal: counter(
      METRIC.keyVaultRequestsTotal,
      'Requests to Azure Key Vault by vault, operation and HTTP status',
      ['vault', 'operation', 'status'],
    ),
    secretWritesTotal: counter(
      METRIC.secretWritesTotal,
      'Writes of Kubernetes Secrets by namespace and result',
      ['namespace', 'result'],
    ),
    eventGridEventsTotal: counter(
      METRIC.eventGridEventsTotal,
      'Event Grid events received, by type and outcome',
      ['type', 'outcome'],
    ),
    eventGridRejectedTotal: counter(
      METRIC.eventGridRejectedTotal,
      'Event Grid deliveries refused (authentication, malformed), by reason',
      ['reason'],
    ),
    eventGridHandshakesTotal: counter(
      METRIC.eventGridHandshakesTotal,
      'Event Grid validation handshakes answered',
      ['schema'],
    ),
    eventGridRelayedTotal: counter(
      METRIC.eventGridRelayedTotal,
      'Event Grid deliveries passed on to another replica, by outcome (sent, failed)',
      ['outcome'],
    ),
    eventGridLastEventSeconds: gauge(
      METRIC.eventGridLastEventSeconds,
      'Unix time of the last Key Vault event received for a vault',
      ['vault'],
    ),
    keyVaultThrottledTotal: counter(METRIC.keyVaultThrottledTotal, 'Key Vault 429 answers, by vault', [
      'vault',
    ]),
    keyVaultPausedSeconds: gauge(
      METRIC.keyVaultPausedSeconds,
      'Seconds left of the pause a 429 imposed on a vault (0 when not paused)',
      ['vault'],
    ),
    secretExpiryEventsTotal: counter(
      METRIC.secretExpiryEventsTotal,
      'Key Vault near-expiry and expiry events for secrets an ExternalSecret reads',
      ['namespace', 'name', 'kind'],
    ),
    reloaderRestartsTotal: counter(
      METRIC.reloaderRestartsTotal,
      'Workload restarts by the reloader, for a Secret change or a rollback',
      ['kind', 'namespace', 'trigger'],
    ),
    reloaderRolloutsTotal: counter(
      METRIC.reloaderRolloutsTotal,
      'Rollouts the reloader watched to the end, by result',
      ['kind', 'namespace', 'result'],
    ),
    reloaderPendingRestarts: gauge(
      METRIC.reloaderPendingRestarts,
      'Workloads with a restart waiting (settling, outside a window, for a slot)',
      [],
    ),
    reloaderRolloutsInProgress: gauge(
      METRIC.reloaderRolloutsInProgress,
      'Rollouts the reloader is watching',
      [],
    ),
    stalePods: gauge(
      METRIC.stalePods,
      'Running pods that read a managed Secret at start and started before its data changed',
      ['namespace', 'secret'],
    ),
    buildInfo: gauge(METRIC.buildInfo, 'Always 1; the version label says which kvsync runs', ['version']),
  };
}
