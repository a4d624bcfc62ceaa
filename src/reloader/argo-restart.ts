import type { PodObject, WorkloadObject } from './types.ts';

/**
 * Argo Rollouts' own restart, as kvsync uses it for Rollouts annotated
 * `reloader.stakater.com/rollout-strategy: restart`: kvsync sets `spec.restartAt`; Argo's
 * controller then replaces, a few at a time, every pod created before that time (a pod created in
 * that very second counts as restarted already), without a new ReplicaSet, and finally sets
 * `status.restartedAt` to the `spec.restartAt` it acted on. A restartAt in the future waits for
 * its time. Both fields are RFC 3339 with whole seconds (`metav1.Time`).
 */

const SECOND_MS = 1000;

const formatSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The `spec.restartAt` that restarts every pod running at `nowMs`: the next whole second after
 * now (now rounded down would spare pods created earlier in the same second), and after
 * `previous`, the Rollout's current `spec.restartAt` (Argo ignores a restartAt not later than the
 * one it completed). So it is at most a second ahead of now, unless `previous` is in the future.
 */
export function nextRestartAt(nowMs: number, previous?: string): string {
  const afterNowMs = (Math.floor(nowMs / SECOND_MS) + 1) * SECOND_MS;
  const previousMs = previous === undefined ? NaN : Date.parse(previous);
  const afterPreviousMs = Number.isNaN(previousMs) ? 0 : Math.floor(previousMs / SECOND_MS + 1) * SECOND_MS;
  return formatSeconds(Math.max(afterNowMs, afterPreviousMs));
}

/** True when `pod` was created at or after `restartAt`: Argo does not restart it for that restartAt. */
export function createdSince(pod: PodObject, restartAt: string): boolean {
  const createdMs = Date.parse(pod.metadata.creationTimestamp ?? '');
  return !Number.isNaN(createdMs) && createdMs >= Date.parse(restartAt);
}

/**
 * True when the Rollout's controller reports the restart requested at `restartAt` done: its
 * `status.restartedAt` is at or after it. False when either time is missing or unreadable.
 */
export function restartCompleted(rollout: WorkloadObject, restartAt: string): boolean {
  const requestedMs = Date.parse(restartAt);
  const restartedMs = Date.parse(rollout.status?.restartedAt ?? '');
  return !Number.isNaN(requestedMs) && !Number.isNaN(restartedMs) && restartedMs >= requestedMs;
}
