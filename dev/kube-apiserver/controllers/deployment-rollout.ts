import type { KubeObject } from '../types.ts';
import { desiredReplicas, specOf, statusOf, type Json } from './workload-helpers.ts';

/**
 * The arithmetic of a Deployment rollout, after kube-controller-manager's `rolling.go` and
 * `recreate.go`: pure functions from the ReplicaSets' replica counts to the next scaling step.
 * One step per reconcile; the next comes when ReplicaSet status changes.
 */

/** A ReplicaSet of the rollout: the object, its `spec.replicas` (the planned one) and available pods. */
export interface ReplicaSetView {
  object: KubeObject;
  replicas: number;
  available: number;
  /** Pods that still exist (`status.replicas`). */
  actual: number;
  revision: number;
}

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function toView(rs: KubeObject): ReplicaSetView {
  const status = statusOf(rs);
  return {
    object: rs,
    replicas: Number(specOf(rs)['replicas'] ?? 0),
    available: Number(status['availableReplicas'] ?? 0),
    actual: Number(status['replicas'] ?? 0),
    revision: Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
  };
}

/** `maxSurge` and `maxUnavailable` as pod counts (surge rounds up, unavailable down; never both 0). */
export function fenceposts(deploy: KubeObject): { maxSurge: number; maxUnavailable: number } {
  const strategy = (specOf(deploy)['strategy'] ?? {}) as Json;
  if (strategy['type'] === 'Recreate') return { maxSurge: 0, maxUnavailable: desiredReplicas(deploy) };
  const rolling = (strategy['rollingUpdate'] ?? {}) as Json;
  const desired = desiredReplicas(deploy);
  const maxSurge = scaledValue(rolling['maxSurge'] ?? '25%', desired, Math.ceil);
  const maxUnavailable = scaledValue(rolling['maxUnavailable'] ?? '25%', desired, Math.floor);
  return maxSurge === 0 && maxUnavailable === 0
    ? { maxSurge, maxUnavailable: 1 }
    : { maxSurge, maxUnavailable };
}

function scaledValue(value: unknown, total: number, round: (n: number) => number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(String(value));
  if (match) return round((Number(match[1]) * total) / 100);
  return Number(value) || 0;
}

const sum = (views: ReplicaSetView[], pick: (v: ReplicaSetView) => number): number =>
  views.reduce((total, view) => total + pick(view), 0);

const oldestFirst = (views: ReplicaSetView[]): ReplicaSetView[] =>
  [...views].sort(
    (a, b) =>
      Date.parse(a.object.metadata.creationTimestamp ?? '') -
        Date.parse(b.object.metadata.creationTimestamp ?? '') || a.revision - b.revision,
  );

/** Replicas of a new ReplicaSet under a rolling update: up to desired, within the surge. */
export function newReplicaSetReplicas(
  desired: number,
  maxSurge: number,
  newRS: number,
  all: ReplicaSetView[],
): number {
  if (newRS >= desired) return desired;
  const room = desired + maxSurge - sum(all, (v) => v.replicas);
  return room <= 0 ? newRS : newRS + Math.min(room, desired - newRS);
}

/** A planned change: set `view`'s replicas to `replicas`. */
export interface ScaleStep {
  view: ReplicaSetView;
  replicas: number;
}

/** The next rolling-update step: scale the new ReplicaSet up, else old ones down; [] when settled. */
export function rollingStep(deploy: KubeObject, newRS: ReplicaSetView, olds: ReplicaSetView[]): ScaleStep[] {
  const desired = desiredReplicas(deploy);
  const { maxSurge, maxUnavailable } = fenceposts(deploy);
  const all = [newRS, ...olds];
  const target = newReplicaSetReplicas(desired, maxSurge, newRS.replicas, all);
  if (target !== newRS.replicas) return [{ view: newRS, replicas: target }];
  if (sum(olds, (v) => v.replicas) === 0) return [];
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = newRS.replicas - newRS.available;
  const maxScaledDown = sum(all, (v) => v.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const planned = new Map(olds.map((view) => [view, view.replicas]));
  cleanupUnhealthy(oldestFirst(olds), planned, maxScaledDown);
  scaleDownAvailable(oldestFirst(olds), planned, sum(all, (v) => v.available) - minAvailable);
  return [...planned]
    .filter(([view, replicas]) => replicas !== view.replicas)
    .map(([view, replicas]) => ({ view, replicas }));
}

/** Scales old ReplicaSets down by their unavailable pods first, at most `limit` in total. */
function cleanupUnhealthy(olds: ReplicaSetView[], planned: Map<ReplicaSetView, number>, limit: number): void {
  let total = 0;
  for (const view of olds) {
    if (total >= limit) break;
    const unhealthy = planned.get(view)! - view.available;
    if (unhealthy <= 0) continue;
    const count = Math.min(limit - total, unhealthy);
    planned.set(view, planned.get(view)! - count);
    total += count;
  }
}

/** Scales old ReplicaSets down while more than the minimum is available, oldest first. */
function scaleDownAvailable(
  olds: ReplicaSetView[],
  planned: Map<ReplicaSetView, number>,
  limit: number,
): void {
  let total = 0;
  for (const view of olds) {
    if (total >= limit) break;
    const count = Math.min(planned.get(view)!, limit - total);
    planned.set(view, planned.get(view)! - count);
    total += count;
  }
}

/** The next Recreate step: old ReplicaSets to 0; once their pods are gone, the new one to desired. */
export function recreateStep(deploy: KubeObject, newRS: ReplicaSetView, olds: ReplicaSetView[]): ScaleStep[] {
  const scaleDown = olds.filter((view) => view.replicas > 0).map((view) => ({ view, replicas: 0 }));
  if (scaleDown.length > 0) return scaleDown;
  if (olds.some((view) => view.actual > 0)) return [];
  const desired = desiredReplicas(deploy);
  return newRS.replicas === desired ? [] : [{ view: newRS, replicas: desired }];
}

/**
 * Old ReplicaSets to delete for `spec.revisionHistoryLimit`: the oldest revisions beyond the
 * limit, skipping any that still has replicas (as the real `cleanupDeployment` does).
 */
export function replicaSetsToPrune(deploy: KubeObject, olds: ReplicaSetView[]): ReplicaSetView[] {
  const limit = Number(specOf(deploy)['revisionHistoryLimit'] ?? 10);
  const alive = olds
    .filter((view) => !view.object.metadata.deletionTimestamp)
    .sort((a, b) => a.revision - b.revision);
  return alive
    .slice(0, Math.max(0, alive.length - limit))
    .filter((view) => view.replicas === 0 && view.actual === 0);
}
