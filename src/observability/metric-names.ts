/**
 * Metric names, one place each. ESO's names and labels are kept exactly (dashboards and alerts
 * written for ESO keep working); controller-runtime's are those ESO recommends as SLIs; ours
 * carry the `kvsync_` prefix.
 */
export const METRIC = {
  // external-secrets-operator (no prefix, as ESO)
  externalSecretSyncCallsTotal: 'externalsecret_sync_calls_total',
  externalSecretSyncCallsError: 'externalsecret_sync_calls_error',
  externalSecretStatusCondition: 'externalsecret_status_condition',
  externalSecretReconcileDuration: 'externalsecret_reconcile_duration',
  externalSecretProviderApiCallsCount: 'externalsecret_provider_api_calls_count',
  secretStoreStatusCondition: 'secretstore_status_condition',
  secretStoreReconcileDuration: 'secretstore_reconcile_duration',
  clusterSecretStoreStatusCondition: 'clustersecretstore_status_condition',
  clusterSecretStoreReconcileDuration: 'clustersecretstore_reconcile_duration',
  // controller-runtime
  workqueueDepth: 'workqueue_depth',
  workqueueAddsTotal: 'workqueue_adds_total',
  workqueueRetriesTotal: 'workqueue_retries_total',
  reconcileTotal: 'controller_runtime_reconcile_total',
  reconcileTimeSeconds: 'controller_runtime_reconcile_time_seconds',
  reconcileErrorsTotal: 'controller_runtime_reconcile_errors_total',
  // kvsync
  leader: 'kvsync_leader',
  keyVaultRequestsTotal: 'kvsync_keyvault_requests_total',
  secretWritesTotal: 'kvsync_secret_writes_total',
  eventGridEventsTotal: 'kvsync_eventgrid_events_total',
  eventGridRejectedTotal: 'kvsync_eventgrid_requests_rejected_total',
  eventGridHandshakesTotal: 'kvsync_eventgrid_handshakes_total',
  eventGridRelayedTotal: 'kvsync_eventgrid_relayed_total',
  eventGridLastEventSeconds: 'kvsync_eventgrid_last_event_timestamp_seconds',
  keyVaultThrottledTotal: 'kvsync_keyvault_throttled_total',
  keyVaultPausedSeconds: 'kvsync_keyvault_paused_seconds',
  secretExpiryEventsTotal: 'kvsync_secret_expiry_events_total',
  reloaderRestartsTotal: 'kvsync_reloader_restarts_total',
  reloaderRolloutsTotal: 'kvsync_reloader_rollouts_total',
  reloaderPendingRestarts: 'kvsync_reloader_pending_restarts',
  reloaderRolloutsInProgress: 'kvsync_reloader_rollouts_in_progress',
  stalePods: 'kvsync_stale_pods',
  buildInfo: 'kvsync_build_info',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** controller-runtime's buckets for `controller_runtime_reconcile_time_seconds`. */
export const RECONCILE_TIME_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
