import { restartCompleted } from './argo-restart.ts';
import type { Condition, PodObject, WorkloadObject } from './types.ts';

/**
 * What differs between the kinds of workload the reloader restarts: where they live in the
 * API, which pods are theirs, and when a rollout is complete or has failed (read the way
 * `kubectl rollout status` reads it). Every kind restarts through its pod template; an Argo
 * Rollout may instead restart through `spec.restartAt` (see argo-restart.ts).
 */

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Rollout';

export type Progress =
  { state: 'complete' } | { state: 'progressing' } | { state: 'failed'; reason: string; message: string };

export interface KindAdapter {
  kind: WorkloadKind;
  apiVersion: string;
  /** True when `pod` was created by `workload`'s controller. */
  ownsPod(workload: WorkloadObject, pod: PodObject): boolean;
  /**
   * The rollout's progress from the workload's own status. `restartAt`: the `spec.restartAt` the
   * rollout wrote (Argo Rollouts only; the other kinds never get one).
   */
  progress(workload: WorkloadObject, restartAt?: string): Progress;
}

const POD_TEMPLATE_HASH = 'pod-template-hash';
const ROLLOUTS_POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

function controllerOf(pod: PodObject) {
  const owners = pod.metadata.ownerReferences ?? [];
  return owners.find((owner) => owner.controller) ?? owners[0];
}

function observed(workload: WorkloadObject): boolean {
  const observedGeneration = Number(workload.status?.observedGeneration ?? 0);
  return observedGeneration >= (workload.metadata.generation ?? 0);
}

function condition(workload: WorkloadObject, type: string): Condition | undefined {
  return workload.status?.conditions?.find((c) => c.type === type);
}

const desiredReplicas = (workload: WorkloadObject) => workload.spec?.replicas ?? 1;

function deploymentProgress(deploy: WorkloadObject): Progress {
  const progressing = condition(deploy, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
    return { state: 'failed', reason: 'ProgressDeadlineExceeded', message: progressing.message ?? '' };
  if (!observed(deploy)) return { state: 'progressing' };
  const status = deploy.status ?? {};
  const desired = desiredReplicas(deploy);
  const complete =
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired;
  return complete ? { state: 'complete' } : { state: 'progressing' };
}

function statefulSetProgress(sts: WorkloadObject): Progress {
  if (!observed(sts)) return { state: 'progressing' };
  if (sts.spec?.updateStrategy?.type === 'OnDelete') return { state: 'complete' };
  const status = sts.status ?? {};
  const desired = desiredReplicas(sts);
  const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  const updated = (status.updatedReplicas ?? 0) >= desired - partition;
  const revision = partition > 0 || status.currentRevision === status.updateRevision;
  return updated && revision && (status.readyReplicas ?? 0) === desired
    ? { state: 'complete' }
    : { state: 'progressing' };
}

function daemonSetProgress(ds: WorkloadObject): Progress {
  if (!observed(ds)) return { state: 'progressing' };
  if (ds.spec?.updateStrategy?.type === 'OnDelete') return { state: 'complete' };
  const status = ds.status ?? {};
  const desired = status.desiredNumberScheduled ?? 0;
  return (status.updatedNumberScheduled ?? 0) === desired && (status.numberAvailable ?? 0) === desired
    ? { state: 'complete' }
    : { state: 'progressing' };
}

/**
 * Argo Rollouts reports a phase: Healthy, Progressing, Paused, Degraded. A restart through
 * `spec.restartAt` leaves the phase Healthy until Argo deletes the first pod (and a restartAt a
 * second ahead waits that second), so such a restart is complete only once Argo also reports it
 * done in `status.restartedAt`.
 */
function rolloutProgress(rollout: WorkloadObject, restartAt?: string): Progress {
  const phase = rollout.status?.phase;
  if (phase === 'Degraded') {
    const message = condition(rollout, 'Progressing')?.message ?? 'the Rollout is Degraded';
    return { state: 'failed', reason: 'RolloutDegraded', message };
  }
  if (restartAt !== undefined && !restartCompleted(rollout, restartAt)) return { state: 'progressing' };
  return phase === 'Healthy' && observed(rollout) ? { state: 'complete' } : { state: 'progressing' };
}

const ownedByReplicaSet = (label: string) => (workload: WorkloadObject, pod: PodObject) => {
  const owner = controllerOf(pod);
  const hash = pod.metadata.labels?.[label];
  return (
    owner?.kind === 'ReplicaSet' && hash !== undefined && owner.name === `${workload.metadata.name}-${hash}`
  );
};

const ownedDirectly = (kind: WorkloadKind) => (workload: WorkloadObject, pod: PodObject) => {
  const owner = controllerOf(pod);
  return owner?.kind === kind && owner.name === workload.metadata.name;
};

export const KIND_ADAPTERS: Readonly<Record<WorkloadKind, KindAdapter>> = {
  Deployment: {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    ownsPod: ownedByReplicaSet(POD_TEMPLATE_HASH),
    progress: deploymentProgress,
  },
  StatefulSet: {
    kind: 'StatefulSet',
    apiVersion: 'apps/v1',
    ownsPod: ownedDirectly('StatefulSet'),
    progress: statefulSetProgress,
  },
  DaemonSet: {
    kind: 'DaemonSet',
    apiVersion: 'apps/v1',
    ownsPod: ownedDirectly('DaemonSet'),
    progress: daemonSetProgress,
  },
  Rollout: {
    kind: 'Rollout',
    apiVersion: 'argoproj.io/v1alpha1',
    ownsPod: ownedByReplicaSet(ROLLOUTS_POD_TEMPLATE_HASH),
    progress: rolloutProgress,
  },
};

/**
 * For a Deployment's pod: the Deployment's name (the ReplicaSet's name less `-<pod-template-hash>`).
 * For other pods: the controller's kind and name. Undefined for a pod without an owner.
 */
export function podWorkload(pod: PodObject): { kind: string; name: string } | undefined {
  const owner = controllerOf(pod);
  if (!owner) return undefined;
  for (const [label, kind] of [
    [POD_TEMPLATE_HASH, 'Deployment'],
    [ROLLOUTS_POD_TEMPLATE_HASH, 'Rollout'],
  ] as const) {
    const hash = pod.metadata.labels?.[label];
    if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`))
      return { kind, name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, name: owner.name };
}
