/**
 * Every annotation, label, event reason and condition reason the reloader reads or writes:
 * one place each. Keys under `reloader.stakater.com` are stakater Reloader's defaults, read
 * exactly as Reloader reads them; keys under `kvsync.io` are ours.
 */

/** stakater Reloader's annotations (defaults of its flags), honoured unchanged. */
export const STAKATER = {
  /** Workload: reload on a change of any referenced Secret or ConfigMap (`"true"`; `"false"` opts out). */
  auto: 'reloader.stakater.com/auto',
  /** Workload: as `auto`, Secrets only. */
  secretAuto: 'secret.reloader.stakater.com/auto',
  /** Workload: as `auto`, ConfigMaps only. */
  configMapAuto: 'configmap.reloader.stakater.com/auto',
  /** Workload: comma list of Secret names, each an anchored regular expression. */
  secretReload: 'secret.reloader.stakater.com/reload',
  /** Workload: comma list of ConfigMap names, each an anchored regular expression. */
  configMapReload: 'configmap.reloader.stakater.com/reload',
  /** Workload (metadata only): comma list of exact Secret names that `auto` leaves out. */
  secretsExclude: 'secrets.exclude.reloader.stakater.com/reload',
  /** Workload (metadata only): comma list of exact ConfigMap names that `auto` leaves out. */
  configMapsExclude: 'configmaps.exclude.reloader.stakater.com/reload',
  /** Workload: reload only for referenced resources carrying `match: "true"`. */
  search: 'reloader.stakater.com/search',
  /** Secret / ConfigMap: found by `search`. */
  match: 'reloader.stakater.com/match',
  /** Secret / ConfigMap: never triggers a reload. */
  ignore: 'reloader.stakater.com/ignore',
  /** Argo Rollout (metadata only): how it restarts, one of `ROLLOUT_STRATEGY` (default `rollout`). */
  rolloutStrategy: 'reloader.stakater.com/rollout-strategy',
} as const;

/** The values of `reloader.stakater.com/rollout-strategy`, as Reloader spells them. */
export const ROLLOUT_STRATEGY = {
  /** A pod-template change: the restart goes through the Rollout's canary or blue-green steps. */
  rollout: 'rollout',
  /** Argo's own restart: `spec.restartAt` set to now; the pods are replaced, no new ReplicaSet. */
  restart: 'restart',
} as const;

export type RolloutStrategy = (typeof ROLLOUT_STRATEGY)[keyof typeof ROLLOUT_STRATEGY];

/** kvsync's own annotations. Those marked "written" are kvsync's bookkeeping; people may read them. */
export const KVSYNC = {
  /** Workload: when restarts may run, e.g. `Mon-Fri 02:00-04:00 Europe/Berlin` or a 5-field cron. */
  restartWindow: 'kvsync.io/restart-window',
  /** Workload: how long a cron window stays open (Go duration; default 1h). */
  restartWindowDuration: 'kvsync.io/restart-window-duration',
  /** Workload: IANA time zone of the window (default UTC, or the one named in the window). */
  restartWindowTimeZone: 'kvsync.io/restart-window-timezone',
  /** Workload: `auto` restores the last good Secret data when the rollout after a change fails. */
  rollback: 'kvsync.io/rollback',
  /** Workload: quiet time after the last change before restarting (Go duration). */
  settlePeriod: 'kvsync.io/settle-period',
  /** Workload: a rollout not complete after this long has failed (Go duration). */
  rolloutTimeout: 'kvsync.io/rollout-timeout',
  /**
   * Written, workload metadata and pod template: the content hash of each tracked Secret and
   * ConfigMap the pods were rolled for (JSON object `"Kind/name": hash`). Written on the pod
   * template, it is the restart (except for an Argo Rollout restarted through `spec.restartAt`,
   * whose template is left alone).
   */
  hashes: 'kvsync.io/secret-hashes',
  /** Written, workload metadata: the rollout kvsync started and is watching (JSON). */
  rollout: 'kvsync.io/rollout',
  /** Written, workload metadata: hashes rejected after a failed rollout (JSON); delete it to retry them. */
  rejected: 'kvsync.io/rejected',
  /** Written, workload metadata: what the reloader last did or waits for (JSON, condition-shaped). */
  status: 'kvsync.io/reload-status',
  /** Written, managed Secret: hash of its data and when kvsync saw that data first (JSON). */
  dataObserved: 'kvsync.io/data-observed',
  /** Written, last-good copy: the versions of data it holds, newest first (JSON: hash, savedAt). */
  lastGoodVersions: 'kvsync.io/last-good-versions',
} as const;

/** Labels kvsync puts on the Secrets it owns. */
export const KVSYNC_LABELS = {
  /** On a last-good copy: the name of the Secret it copies. */
  lastGoodOf: 'kvsync.io/last-good-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Suffix of the Secret that keeps the last good data of `<secret>`. */
export const LAST_GOOD_SUFFIX = '-kvsync-last-good';

/** ESO's label on the Secrets an ExternalSecret manages. */
export const LABEL_MANAGED = 'reconcile.external-secrets.io/managed';
/** ESO's data-hash annotation on managed Secrets; restored together with the data. */
export const ANNOTATION_ESO_DATA_HASH = 'reconcile.external-secrets.io/data-hash';

/** Value of `kvsync.io/rollback` that turns automatic rollback on. */
export const ROLLBACK_AUTO = 'auto';

/** Event reasons, on the workload and on the ExternalSecret writing the Secret. */
export const RELOAD_EVENT = {
  restarted: 'Reloaded',
  pending: 'ReloadPending',
  rolloutSucceeded: 'ReloadRolloutSucceeded',
  rolloutFailed: 'ReloadRolloutFailed',
  rolledBack: 'ReloadRolledBack',
  rollbackFailed: 'ReloadRollbackFailed',
  rollbackUnavailable: 'ReloadRollbackUnavailable',
  rejected: 'ReloadRejectedValue',
  invalidAnnotation: 'ReloadInvalidAnnotation',
  failed: 'ReloadFail',
} as const;

/** Reasons of the condition-shaped `kvsync.io/reload-status` (and of ExternalSecret conditions). */
export const RELOAD_REASON = {
  upToDate: 'UpToDate',
  settling: 'Settling',
  outsideWindow: 'OutsideRestartWindow',
  waitingForSlot: 'WaitingForRolloutSlot',
  paused: 'WorkloadPaused',
  rollingOut: 'RollingOut',
  rollingBack: 'RollingBack',
  rolloutSucceeded: 'RolloutSucceeded',
  rolloutFailed: 'RolloutFailed',
  rolledBack: 'RolledBack',
  rollbackFailed: 'RollbackFailed',
  rejectedValue: 'RejectedValue',
  invalidAnnotation: 'InvalidAnnotation',
} as const;

export type ReloadReason = (typeof RELOAD_REASON)[keyof typeof RELOAD_REASON];

/** Condition type kvsync uses for reload outcomes (reload-status annotation, ExternalSecret hook). */
export const CONDITION_RELOAD = 'SecretReload';
