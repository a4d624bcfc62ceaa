/**
 * The reloader: restarts the workloads that use a changed Secret or ConfigMap — stakater
 * Reloader's annotations honoured, level-based, coalesced, in restart windows, health-checked
 * and rolled back when the new data breaks them — and lists the pods still running with old
 * data. See README.md.
 */
export { DEFAULT_RELOADER_SETTINGS, startReloader, type Reloader, type ReloaderDeps } from './reloader.ts';
export type { ReloaderLogger, ReloaderMetrics, ReloaderSettings, RolloutResult } from './context.ts';
export {
  createExternalSecretStatusHooks,
  EXTERNAL_SECRET_API,
  type ExternalSecretHooks,
  type ExternalSecretRef,
  type ExternalSecretWriter,
  type StalePodsReport,
  type VersionRejection,
} from './external-secret-hooks.ts';
export type { ReloaderState, StalePodState, StaleSecretState, WorkloadReloadState } from './state.ts';
export type { RemoteVersion } from './workload-state.ts';
export type { WorkloadKind } from './workload-kinds.ts';
export {
  CONDITION_RELOAD,
  KVSYNC as RELOADER_ANNOTATIONS,
  KVSYNC_LABELS as RELOADER_LABELS,
  LAST_GOOD_SUFFIX,
  RELOAD_EVENT,
  RELOAD_REASON,
  STAKATER as STAKATER_ANNOTATIONS,
} from './annotations.ts';
