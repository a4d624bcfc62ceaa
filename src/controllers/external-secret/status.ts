/**
 * The ExternalSecret's `status` as ESO writes it, plus what kvsync adds: when the next sync is
 * due and which Key Vault version of each remote key was synced. Pure functions; the reconciler
 * writes the result through the status subresource only when it differs.
 */
import {
  CONDITION_READY,
  EXTERNAL_SECRET_EVENT_REASONS as EVENT,
  EXTERNAL_SECRET_REASONS,
  type Condition,
  type ExternalSecretReason,
  type ExternalSecret,
  type ExternalSecretStatus,
  type RejectedVersion,
} from '../../api/index.ts';
import { stableJson } from '../../runtime/index.ts';
import type { SyncedSource } from './fetch.ts';

export type ReadyReason = ExternalSecretReason;

/** metav1.Time: RFC 3339 in UTC with whole seconds. */
export function formatTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function readyCondition(
  previous: Condition[] | undefined,
  status: 'True' | 'False',
  reason: ReadyReason,
  message: string,
  nowMs: number,
): Condition[] {
  const old = previous?.find((condition) => condition.type === CONDITION_READY);
  const lastTransitionTime =
    old?.status === status && old.lastTransitionTime ? old.lastTransitionTime : formatTime(nowMs);
  const others = (previous ?? []).filter((condition) => condition.type !== CONDITION_READY);
  return [...others, { type: CONDITION_READY, status, reason, message, lastTransitionTime }];
}

export interface DoneOutcome {
  reason: Exclude<ReadyReason, 'SecretSyncedError'>;
  message: string;
  /** When the successful sync started. */
  startedMs: number;
  syncedResourceVersion: string;
  bindingName?: string;
  nextRefreshMs?: number;
  sources?: SyncedSource[];
}

/** ESO's `markAsDone`: Ready=True, refresh time and synced resource version advanced. */
export function doneStatus(
  previous: ExternalSecretStatus | undefined,
  outcome: DoneOutcome,
  nowMs: number,
): ExternalSecretStatus {
  const status: ExternalSecretStatus = {
    ...previous,
    refreshTime: formatTime(outcome.startedMs),
    syncedResourceVersion: outcome.syncedResourceVersion,
    conditions: readyCondition(previous?.conditions, 'True', outcome.reason, outcome.message, nowMs),
  };
  if (outcome.bindingName) status.binding = { name: outcome.bindingName };
  if (outcome.nextRefreshMs === undefined) delete status.nextRefreshTime;
  else status.nextRefreshTime = formatTime(outcome.nextRefreshMs);
  if (outcome.sources)
    status.syncedVersions = outcome.sources.map((source) => ({
      key: source.key,
      ...(source.secretKey === undefined ? {} : { secretKey: source.secretKey }),
      version: source.version,
      ...(source.updatedOn ? { updated: formatTime(source.updatedOn.getTime()) } : {}),
    }));
  return status;
}

/** ESO's `markAsFailed`: Ready=False with the error; the refresh time is not advanced. */
export function failedStatus(
  previous: ExternalSecretStatus | undefined,
  message: string,
  nowMs: number,
  nextAttemptMs?: number,
): ExternalSecretStatus {
  const status: ExternalSecretStatus = {
    ...previous,
    conditions: readyCondition(
      previous?.conditions,
      'False',
      EXTERNAL_SECRET_REASONS.SecretSyncedError,
      message,
      nowMs,
    ),
  };
  if (nextAttemptMs !== undefined) status.nextRefreshTime = formatTime(nextAttemptMs);
  return status;
}

/** True when writing `next` would change the stored status. */
export function statusChanged(previous: object | undefined, next: object): boolean {
  return stableJson(previous ?? {}) !== stableJson(next);
}

/** The Ready condition's status as a boolean; undefined when there is none yet. */
export function readyOf(es: { status?: ExternalSecretStatus }): boolean | undefined {
  const ready = es.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
  return ready ? ready.status === 'True' : undefined;
}

/** The fetched versions that `status.rejectedVersions` lists. */
export function rejectedSources(es: ExternalSecret, sources: readonly SyncedSource[]): RejectedVersion[] {
  const rejected = es.status?.rejectedVersions ?? [];
  return rejected.filter((entry) =>
    sources.some((source) => source.key === entry.key && source.version === entry.version),
  );
}

/**
 * The status fields this controller owns. Others (the reloader's `rejectedVersions` and
 * `stalePods`) are left out of the patch, so that a stale cached copy never overwrites them.
 */
export function ownStatusFields(status: ExternalSecretStatus): Record<string, unknown> {
  return {
    refreshTime: status.refreshTime ?? null,
    syncedResourceVersion: status.syncedResourceVersion ?? null,
    binding: status.binding ?? null,
    conditions: status.conditions ?? null,
    nextRefreshTime: status.nextRefreshTime ?? null,
    syncedVersions: status.syncedVersions ?? null,
  };
}

/** The message of a sync that keeps rejected versions out (names versions and workloads, never values). */
export function rejectionMessage(rejected: readonly RejectedVersion[]): string {
  const what = rejected
    .map(
      (entry) =>
        `version ${entry.version.slice(0, 8)} of '${entry.key}' (rejected by ${entry.workload ?? 'a failed rollout'})`,
    )
    .join(', ');
  return `not applied: ${what}; the Secret keeps the last good value until a newer version appears or the rejection is cleared`;
}

/** The event of a successful sync: what was written from which versions, and when the next sync is. */
export function syncAnnouncement(
  secretName: string,
  result: 'created' | 'updated' | 'unchanged',
  sources: readonly SyncedSource[],
  nextRefreshMs: number | undefined,
): { reason: string; message: string } {
  const versions = sources.map((source) => `${source.key}@${source.version.slice(0, 8)}`).join(', ');
  const next = nextRefreshMs === undefined ? '' : `; next sync ${new Date(nextRefreshMs).toISOString()}`;
  if (result === 'created')
    return { reason: EVENT.Created, message: `secret '${secretName}' created from ${versions}${next}` };
  if (result === 'updated')
    return { reason: EVENT.Updated, message: `secret '${secretName}' updated from ${versions}${next}` };
  return { reason: EVENT.Synced, message: `Key Vault unchanged (${versions})${next}` };
}
