/**
 * Waiting for forced syncs, pure: given what each ExternalSecret looked like when its
 * force-sync annotation was written, decide from later observations (the object, and Warning
 * events about it) whether that sync has happened, failed, or is still pending.
 *
 * - synced: `status.syncedResourceVersion` equals the value computed from the annotated
 *   metadata (the operator recorded a sync that saw our annotation) and Ready is True;
 * - failed: Ready turned False (or its message changed) after the annotation, or a Warning event
 *   about it was recorded at or after the annotation's second.
 */
import {
  CONDITION_READY,
  effectiveRefreshIntervalMs,
  effectiveRefreshPolicy,
  type ExternalSecret,
} from '../api/index.ts';
import { syncedResourceVersion } from '../controllers/external-secret/hash.ts';

export type SyncResult = 'requested' | 'synced' | 'failed' | 'timeout' | 'not-found' | 'not-refreshing';

export interface SyncItem {
  namespace: string;
  name: string;
  result: SyncResult;
  message?: string;
  /** From the annotation to the outcome, with --wait. */
  durationMs?: number;
  /** `remoteKey@version8` after a sync. */
  versions?: string[];
}

/**
 * Why a force-sync annotation cannot make `es` sync (ESO semantics), or undefined when it can:
 * `CreatedOnce` after its first sync, and `refreshInterval: 0` once synced, never sync again.
 */
export function whyNoSync(es: ExternalSecret): string | undefined {
  const synced = !!es.status?.syncedResourceVersion;
  if (!synced) return undefined;
  if (effectiveRefreshPolicy(es) === 'CreatedOnce')
    return 'refreshPolicy CreatedOnce: it synced once and never syncs again (delete and re-apply it to sync)';
  let intervalMs: number;
  try {
    intervalMs = effectiveRefreshIntervalMs(es);
  } catch {
    return undefined;
  }
  if (effectiveRefreshPolicy(es) === 'Periodic' && intervalMs <= 0)
    return 'refreshInterval 0: it synced once and an annotation does not make it sync again (set a refreshInterval, or delete and re-apply it)';
  return undefined;
}

interface Pending {
  expected: string;
  annotatedAtMs: number;
  readyMessage: string | undefined;
  readyStatus: string | undefined;
  outcome?: SyncItem;
}

export interface WarningEvent {
  involvedObject: { name?: string; namespace?: string };
  type: string;
  message: string;
  lastTimestamp?: string;
}

function ready(es: ExternalSecret) {
  return es.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
}

export class SyncWaiter {
  readonly #pending = new Map<string, Pending>();

  /** Starts waiting for `written` (the ExternalSecret as the annotation patch returned it) at `atMs`. */
  expect(written: ExternalSecret, atMs: number): void {
    const condition = ready(written);
    this.#pending.set(`${written.metadata.namespace}/${written.metadata.name}`, {
      expected: syncedResourceVersion(written.metadata),
      annotatedAtMs: atMs,
      readyMessage: condition?.message,
      readyStatus: condition?.status,
    });
  }

  /** An observed version of an ExternalSecret; returns the outcome when this settles it. */
  observe(es: ExternalSecret, nowMs: number): SyncItem | undefined {
    const key = `${es.metadata.namespace}/${es.metadata.name}`;
    const pending = this.#pending.get(key);
    if (!pending || pending.outcome) return undefined;
    const condition = ready(es);
    const base = {
      namespace: es.metadata.namespace ?? '',
      name: es.metadata.name ?? '',
      durationMs: nowMs - pending.annotatedAtMs,
    };
    if (es.status?.syncedResourceVersion === pending.expected && condition?.status === 'True') {
      pending.outcome = {
        ...base,
        result: 'synced',
        ...(condition.reason && condition.reason !== 'SecretSynced' ? { message: condition.reason } : {}),
        versions: [
          ...new Set(
            (es.status.syncedVersions ?? []).map((entry) => `${entry.key}@${entry.version.slice(0, 8)}`),
          ),
        ],
      };
      return pending.outcome;
    }
    const changed = condition?.status !== pending.readyStatus || condition?.message !== pending.readyMessage;
    const transitionMs = condition?.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : NaN;
    const failedSince = Math.floor(pending.annotatedAtMs / 1000) * 1000 <= transitionMs;
    if (condition?.status === 'False' && (changed || failedSince)) {
      pending.outcome = {
        ...base,
        result: 'failed',
        message: condition.message ?? condition.reason ?? 'sync failed',
      };
      return pending.outcome;
    }
    return undefined;
  }

  /** An observed Warning event; returns the outcome when it reports a failure after the annotation. */
  observeEvent(event: WarningEvent, nowMs: number): SyncItem | undefined {
    if (event.type !== 'Warning') return undefined;
    const key = `${event.involvedObject.namespace}/${event.involvedObject.name}`;
    const pending = this.#pending.get(key);
    if (!pending || pending.outcome || !event.lastTimestamp) return undefined;
    if (Date.parse(event.lastTimestamp) < Math.floor(pending.annotatedAtMs / 1000) * 1000) return undefined;
    pending.outcome = {
      namespace: event.involvedObject.namespace ?? '',
      name: event.involvedObject.name ?? '',
      result: 'failed',
      message: event.message,
      durationMs: nowMs - pending.annotatedAtMs,
    };
    return pending.outcome;
  }

  /** Keys still without an outcome. */
  waiting(): string[] {
    return [...this.#pending].filter(([, pending]) => !pending.outcome).map(([key]) => key);
  }

  outcome(key: string): SyncItem | undefined {
    return this.#pending.get(key)?.outcome;
  }
}
