/**
 * The operator's Prometheus metrics, on a private registry (no global state: two instances in
 * one process do not collide). Instruments are exposed for direct use; the helpers below
 * encode the rules that are easy to get wrong (ESO's condition gauges, series removal,
 * nanosecond durations).
 */
import { Registry, collectDefaultMetrics, type Gauge } from 'prom-client';
import { createInstruments, type Instruments } from './instruments.ts';

export interface NamespacedRef {
  name: string;
  namespace: string;
}

/** A SecretStore has a namespace; a ClusterSecretStore has none. */
export interface StoreRef {
  kind: 'SecretStore' | 'ClusterSecretStore';
  name: string;
  namespace?: string;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** controller-runtime's `result` label values. */
export type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface MetricsOptions {
  /** Value of the `version` label of `kvsync_build_info`. Default `unknown`. */
  version?: string;
  /** Register prom-client's default process metrics on the private registry. Default true. */
  collectDefaultMetrics?: boolean;
}

export interface Metrics extends Instruments {
  readonly registry: Registry;

  /**
   * Sets `externalsecret_status_condition` as ESO does: the series for (`condition`,
   * `status`) becomes 1; for `Ready`, the opposite status (True↔False) becomes 0 and any
   * `Deleted` series are removed; for `Deleted`, the `Ready` series are removed.
   */
  setExternalSecretCondition(ref: NamespacedRef, condition: string, status: ConditionStatus): void;
  /** Sets `externalsecret_reconcile_duration` (in nanoseconds, as ESO) from milliseconds. */
  recordExternalSecretReconcile(ref: NamespacedRef, durationMs: number): void;
  /** Removes every series of this ExternalSecret; call when it is deleted. Unknown refs are ignored. */
  forgetExternalSecret(ref: NamespacedRef): void;
  /** Sets the store's condition gauge to 1 for `status` and 0 for the opposite one. */
  setStoreCondition(ref: StoreRef, condition: string, status: ConditionStatus): void;
  recordStoreReconcile(ref: StoreRef, durationMs: number): void;
  /** Removes every series of this store; call when it is deleted. */
  forgetStore(ref: StoreRef): void;
  /** One reconcile: counts it by result, observes its duration, and counts an error. */
  recordReconcile(controller: string, result: ReconcileResult, durationMs: number): void;
  setLeader(isLeader: boolean): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<{ contentType: string; body: string }>;
}

const CONDITION_STATUSES: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];
const ESO_CONDITION_READY = 'Ready';
const ESO_CONDITION_DELETED = 'Deleted';
const NANOSECONDS_PER_MS = 1e6;

/** Creates the metrics on a new registry. The caller owns it; nothing is global. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.collectDefaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const instruments = createInstruments(registry);
  instruments.buildInfo.set({ version: options.version ?? 'unknown' }, 1);
  instruments.leader.set(0);
  const conditionsSeen = new Set<string>([ESO_CONDITION_READY, ESO_CONDITION_DELETED]);
  return {
    registry,
    ...instruments,
    ...externalSecretHelpers(instruments, conditionsSeen),
    ...storeHelpers(instruments, conditionsSeen),
    recordReconcile(controller, result, durationMs) {
      instruments.reconcileTotal.inc({ controller, result });
      instruments.reconcileTimeSeconds.observe({ controller }, durationMs / 1_000);
      if (result === 'error') instruments.reconcileErrorsTotal.inc({ controller });
    },
    setLeader(isLeader) {
      instruments.leader.set(isLeader ? 1 : 0);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

type ExternalSecretHelpers = Pick<
  Metrics,
  'setExternalSecretCondition' | 'recordExternalSecretReconcile' | 'forgetExternalSecret'
>;

function externalSecretHelpers(instruments: Instruments, conditionsSeen: Set<string>): ExternalSecretHelpers {
  const gauge = instruments.externalSecretStatusCondition;
  return {
    setExternalSecretCondition(ref, condition, status) {
      conditionsSeen.add(condition);
      const labels = { name: ref.name, namespace: ref.namespace };
      if (condition === ESO_CONDITION_DELETED) removeConditions(gauge, labels, [ESO_CONDITION_READY]);
      if (condition === ESO_CONDITION_READY) {
        removeConditions(gauge, labels, [ESO_CONDITION_DELETED]);
        if (status !== 'Unknown') gauge.set({ ...labels, condition, status: opposite(status) }, 0);
      }
      gauge.set({ ...labels, condition, status }, 1);
    },
    recordExternalSecretReconcile(ref, durationMs) {
      const labels = { name: ref.name, namespace: ref.namespace };
      instruments.externalSecretReconcileDuration.set(labels, durationMs * NANOSECONDS_PER_MS);
    },
    forgetExternalSecret(ref) {
      const labels = { name: ref.name, namespace: ref.namespace };
      instruments.externalSecretSyncCallsTotal.remove(labels);
      instruments.externalSecretSyncCallsError.remove(labels);
      instruments.externalSecretReconcileDuration.remove(labels);
      removeConditions(gauge, labels, conditionsSeen);
    },
  };
}

type StoreHelpers = Pick<Metrics, 'setStoreCondition' | 'recordStoreReconcile' | 'forgetStore'>;

function storeHelpers(instruments: Instruments, conditionsSeen: Set<string>): StoreHelpers {
  return {
    setStoreCondition(ref, condition, status) {
      conditionsSeen.add(condition);
      const { conditionGauge, labels } = storeSeries(instruments, ref);
      if (status !== 'Unknown') conditionGauge.set({ ...labels, condition, status: opposite(status) }, 0);
      conditionGauge.set({ ...labels, condition, status }, 1);
    },
    recordStoreReconcile(ref, durationMs) {
      const { durationGauge, labels } = storeSeries(instruments, ref);
      durationGauge.set(labels, durationMs * NANOSECONDS_PER_MS);
    },
    forgetStore(ref) {
      const { conditionGauge, durationGauge, labels } = storeSeries(instruments, ref);
      removeConditions(conditionGauge, labels, conditionsSeen);
      durationGauge.remove(labels);
    },
  };
}

interface StoreSeries {
  conditionGauge: Gauge<string>;
  durationGauge: Gauge<string>;
  labels: Record<string, string>;
}

function storeSeries(instruments: Instruments, ref: StoreRef): StoreSeries {
  return ref.kind === 'ClusterSecretStore'
    ? {
        conditionGauge: instruments.clusterSecretStoreStatusCondition,
        durationGauge: instruments.clusterSecretStoreReconcileDuration,
        labels: { name: ref.name },
      }
    : {
        conditionGauge: instruments.secretStoreStatusCondition,
        durationGauge: instruments.secretStoreReconcileDuration,
        labels: { name: ref.name, namespace: ref.namespace ?? '' },
      };
}

function removeConditions(
  gauge: Gauge<string>,
  labels: Record<string, string>,
  conditions: Iterable<string>,
): void {
  for (const condition of conditions) {
    for (const status of CONDITION_STATUSES) gauge.remove({ ...labels, condition, status });
  }
}

function opposite(status: 'True' | 'False'): 'True' | 'False' {
  return status === 'True' ? 'False' : 'True';
}
