import type { ExternalSecret } from '../../api/index.ts';
import {
  ANNOTATION_DATA_HASH,
  LABEL_MANAGED,
  LABEL_MANAGED_VALUE,
  effectiveCreationPolicy,
  effectiveRefreshIntervalMs,
  effectiveRefreshPolicy,
} from '../../api/index.ts';
import { dataHashOfEncoded, syncedResourceVersion } from './hash.ts';

/**
 * When an ExternalSecret must be fetched again, exactly as ESO decides it
 * (`externalsecret_controller.go`: `shouldRefresh`, `isSecretValid`, `getRequeueResult`). Pure
 * functions of the object and an injected `nowMs`; `syncWindows` are not evaluated yet.
 *
 * The reconciler skips the provider when `!shouldRefresh(es, now) && isTargetValid(secret, es)`
 * and then schedules `nextRefresh(es, now)`.
 *
 * Spec changes: a new `refreshInterval` or `remoteRef.key` bumps `metadata.generation`, so the
 * stored `syncedResourceVersion` no longer matches and Periodic (interval > 0) and OnChange sync
 * at once. That sync sets `refreshTime`, and every later decision counts from it, so the new
 * interval runs from that sync: no rule of our own is needed for it.
 *
 * Every function here throws `KvsyncError('ERR_INVALID_DURATION')` when `spec.refreshInterval`
 * is not a Go duration; `validateExternalSecret` reports that before these are called.
 */

/** `status.refreshTime` in epoch ms, or undefined when unset, null or unreadable (Go's zero time). */
function refreshTimeMs(es: ExternalSecret): number | undefined {
  const text = es.status?.refreshTime;
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function neverSynced(es: ExternalSecret): boolean {
  return !es.status?.syncedResourceVersion || refreshTimeMs(es) === undefined;
}

function metadataChanged(es: ExternalSecret): boolean {
  return es.status?.syncedResourceVersion !== syncedResourceVersion(es.metadata);
}

/** ESO's `shouldRefreshPeriodic`: six ordered steps (the sixth, sync windows, always allows). */
function shouldRefreshPeriodic(es: ExternalSecret, nowMs: number): boolean {
  const intervalMs = effectiveRefreshIntervalMs(es);
  // 1. Interval 0 (or less) after a first sync: never again, not even on spec or metadata changes.
  if (intervalMs <= 0 && es.status?.syncedResourceVersion) return false;
  // 2. Spec, label or annotation changed since the last sync.
  if (metadataChanged(es)) return true;
  const refreshedMs = refreshTimeMs(es);
  // 3. Never synced.
  if (refreshedMs === undefined) return true;
  // 4. Last sync in the future (clock skew): sync.
  if (refreshedMs > nowMs) return true;
  // 5./6. Due once refreshTime + interval lies before now (sync windows not evaluated).
  return refreshedMs + intervalMs < nowMs;
}

/**
 * True when the provider must be read now because of the ExternalSecret itself, by
 * `spec.refreshPolicy`: CreatedOnce — only when never synced; OnChange — when never synced or
 * when the generation, labels or annotations changed since the last sync; Periodic or empty —
 * ESO's ordered steps (interval ≤ 0 after the first sync: never; changed: yes; never synced:
 * yes; refreshTime in the future: yes; otherwise when refreshTime + interval is before now).
 * "Never synced" means `status.syncedResourceVersion` empty or `status.refreshTime` unset.
 */
export function shouldRefresh(es: ExternalSecret, nowMs: number): boolean {
  switch (effectiveRefreshPolicy(es)) {
    case 'CreatedOnce':
      return neverSynced(es);
    case 'OnChange':
      return neverSynced(es) || metadataChanged(es);
    default:
      return shouldRefreshPeriodic(es, nowMs);
  }
}

/**
 * kvsync's jitter on top of ESO's rule: a Periodic ExternalSecret that was synced is also due
 * once its `status.nextRefreshTime` (the jittered schedule, up to `--refresh-jitter` earlier than
 * `refreshTime + interval`) has passed. Without this, a wake-up at the jittered time would find
 * nothing due and ask to come back at once until `refreshTime + interval` (a hot loop).
 */
export function jitteredRefreshDue(es: ExternalSecret, nowMs: number): boolean {
  if (effectiveRefreshPolicy(es) !== 'Periodic' || effectiveRefreshIntervalMs(es) <= 0) return false;
  if (!es.status?.syncedResourceVersion || !es.status.nextRefreshTime) return false;
  const dueMs = Date.parse(es.status.nextRefreshTime);
  return !Number.isNaN(dueMs) && dueMs <= nowMs;
}

/** What `isTargetValid` reads of the target Secret (as the API serves it: base64 `data`). */
export interface TargetSecretView {
  metadata: { uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string>;
}

/**
 * ESO's `isSecretValid`: true when the target Secret still holds what the last sync wrote.
 * Always true for creationPolicy Orphan. Otherwise false when the Secret is missing (undefined,
 * or without `metadata.uid`, as ESO tests it), lacks the label `managed=true`, or its data-hash
 * annotation differs from the hash of its current `data` (someone edited it). A false result
 * makes the reconciler fetch and rewrite at once, whatever the refresh policy.
 */
export function isTargetValid(secret: TargetSecretView | undefined, es: ExternalSecret): boolean {
  if (effectiveCreationPolicy(es) === 'Orphan') return true;
  if (!secret?.metadata.uid) return false;
  if (secret.metadata.labels?.[LABEL_MANAGED] !== LABEL_MANAGED_VALUE) return false;
  return secret.metadata.annotations?.[ANNOTATION_DATA_HASH] === dataHashOfEncoded(secret.data);
}

/** When to come back: after a delay, at once (through the rate limiter), or not on a timer. */
export type NextRefresh = { requeueAfterMs: number } | { requeueNow: true } | undefined;

/**
 * ESO's `getRequeueResult`, used after every successful reconcile whatever the policy (the
 * policy decides what the requeue does): interval ≤ 0 → undefined (no timer); refreshTime
 * unset → after the interval; refreshTime in the future → now; otherwise after
 * `interval - (now - refreshTime)`, or now when that is not positive. No jitter, as ESO.
 */
export function nextRefresh(es: ExternalSecret, nowMs: number): NextRefresh {
  const intervalMs = effectiveRefreshIntervalMs(es);
  if (intervalMs <= 0) return undefined;
  const refreshedMs = refreshTimeMs(es);
  if (refreshedMs === undefined) return { requeueAfterMs: intervalMs };
  const sinceMs = nowMs - refreshedMs;
  if (sinceMs < 0) return { requeueNow: true };
  if (sinceMs < intervalMs) return { requeueAfterMs: intervalMs - sinceMs };
  return { requeueNow: true };
}
