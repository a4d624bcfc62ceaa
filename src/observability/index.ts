/** Observability: the redacting logger and the Prometheus metrics. */
export {
  LOG_FORMATS,
  LOG_LEVELS,
  createLogger,
  type LogFields,
  type LogFormat,
  type LogLevel,
  type Logger,
  type LoggerClock,
  type LoggerOptions,
} from './logger.ts';
export { METRIC, RECONCILE_TIME_BUCKETS_SECONDS, type MetricName } from './metric-names.ts';
export type { Instruments } from './instruments.ts';
export {
  createMetrics,
  type ConditionStatus,
  type Metrics,
  type MetricsOptions,
  type NamespacedRef,
  type ReconcileResult,
  type StoreRef,
} from './metrics.ts';
export { REDACTED, isValueCarrierKey, redact } from './redact.ts';
