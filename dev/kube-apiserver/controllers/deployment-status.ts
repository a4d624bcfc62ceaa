import { formatTime } from '../api/objects.ts';
import type { KubeObject } from '../types.ts';
import { fenceposts, type ReplicaSetView } from './deployment-rollout.ts';
import {
  conditionsOf,
  desiredReplicas,
  specOf,
  statusOf,
  withoutZeros,
  type Condition,
  type Json,
} from './workload-helpers.ts';

/**
 * Deployment status as kube-controller-manager writes it (`sync.go` calculateStatus and
 * `progress.go` syncRolloutStatus): replica counts summed over the ReplicaSets (zeros omitted), the
 * `Available` condition, and the `Progressing` condition whose reasons `kubectl rollout status`
 * reads, including `ProgressDeadlineExceeded` once `spec.progressDeadlineSeconds` pass without progress.
 */

export const DEPLOYMENT_CONDITION = { available: 'Available', progressing: 'Progressing' } as const;

export const DEPLOYMENT_REASON = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  replicaSetUpdated: 'ReplicaSetUpdated',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  progressDeadlineExceeded: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

export interface DeploymentCounts {
  observedGeneration?: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
}

/** Counts over all ReplicaSets; `updatedReplicas` counts the new one's pods. */
export function deploymentCounts(
  deploy: KubeObject,
  all: ReplicaSetView[],
  newRS: ReplicaSetView | undefined,
): DeploymentCounts {
  const total = (pick: (v: ReplicaSetView) => number): number => all.reduce((n, v) => n + pick(v), 0);
  const available = total((v) => v.available);
  return {
    observedGeneration: deploy.metadata.generation,
    replicas: total((v) => v.actual),
    updatedReplicas: newRS?.actual ?? 0,
    readyReplicas: total((v) => Number(statusOf(v.object)['readyReplicas'] ?? 0)),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total((v) => v.replicas) - available),
  };
}

/**
 * Sets `condition` in `conditions` (in place). A condition with the same status and reason is
 * left alone; one with the same status keeps its lastTransitionTime.
 */
export function setCondition(conditions: Condition[], condition: Condition, nowText: string): void {
  const index = conditions.findIndex((c) => c.type === condition.type);
  const current = conditions[index];
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const lastTransitionTime = current?.status === condition.status ? current.lastTransitionTime : nowText;
  const next = { ...condition, lastUpdateTime: nowText, lastTransitionTime };
  if (index >= 0) conditions[index] = next;
  else conditions.push(next);
}

function availableCondition(deploy: KubeObject, counts: DeploymentCounts): Condition {
  const minAvailable = desiredReplicas(deploy) - fenceposts(deploy).maxUnavailable;
  return counts.availableReplicas >= minAvailable
    ? {
        type: 'Available',
        status: 'True',
        reason: DEPLOYMENT_REASON.minimumReplicasAvailable,
        message: 'Deployment has minimum availability.',
      }
    : {
        type: 'Available',
        status: 'False',
        reason: DEPLOYMENT_REASON.minimumReplicasUnavailable,
        message: 'Deployment does not have minimum availability.',
      };
}

/** True when every desired replica is updated and available and the generation is observed. */
export function deploymentComplete(deploy: KubeObject, counts: DeploymentCounts): boolean {
  const desired = desiredReplicas(deploy);
  return (
    counts.updatedReplicas === desired &&
    counts.replicas === desired &&
    counts.availableReplicas === desired &&
    (counts.observedGeneration ?? 0) >= (deploy.metadata.generation ?? 0)
  );
}

function deploymentProgressing(deploy: KubeObject, counts: DeploymentCounts): boolean {
  const old = statusOf(deploy);
  const n = (key: string): number => Number(old[key] ?? 0);
  return (
    counts.updatedReplicas > n('updatedReplicas') ||
    counts.replicas - counts.updatedReplicas < n('replicas') - n('updatedReplicas') ||
    counts.readyReplicas > n('readyReplicas') ||
    counts.availableReplicas > n('availableReplicas')
  );
}

/** The progress deadline in ms, or undefined when the Deployment has none. */
function progressDeadlineMs(deploy: KubeObject): number | undefined {
  const seconds = specOf(deploy)['progressDeadlineSeconds'];
  return typeof seconds === 'number' && seconds < 2 ** 31 - 1 ? seconds * 1000 : undefined;
}

export interface StatusInput {
  deploy: KubeObject;
  all: ReplicaSetView[];
  newRS: ReplicaSetView | undefined;
  /** The Progressing condition this reconcile already set (new ReplicaSet created or found). */
  progressing?: Condition | undefined;
  now: Date;
}

/** The status to write, and when to come back to check the progress deadline. */
export function deploymentStatus(input: StatusInput): { status: Json; deadlineInMs?: number } {
  const { deploy, newRS, now } = input;
  const nowText = formatTime(now);
  const counts = deploymentCounts(deploy, input.all, newRS);
  const conditions = conditionsOf(deploy).map((c) => ({ ...c }));
  setCondition(conditions, availableCondition(deploy, counts), nowText);
  if (input.progressing) setCondition(conditions, input.progressing, nowText);
  const paused = specOf(deploy)['paused'] === true;
  const deadlineInMs = paused
    ? pausedProgress(conditions, nowText)
    : rolloutProgress(input, counts, conditions);
  const previous = statusOf(deploy);
  const status: Json = { ...withoutZeros({ ...counts }), conditions };
  if (previous['collisionCount'] !== undefined) status['collisionCount'] = previous['collisionCount'];
  return deadlineInMs === undefined ? { status } : { status, deadlineInMs };
}

function pausedProgress(conditions: Condition[], nowText: string): undefined {
  const current = conditions.find((c) => c.type === 'Progressing');
  if (current?.reason !== DEPLOYMENT_REASON.paused) {
    setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'Unknown',
        reason: DEPLOYMENT_REASON.paused,
        message: 'Deployment is paused',
      },
      nowText,
    );
  }
  return undefined;
}

/** Updates the Progressing condition; returns ms until the deadline when the rollout is still open. */
function rolloutProgress(
  input: StatusInput,
  counts: DeploymentCounts,
  conditions: Condition[],
): number | undefined {
  const { deploy, newRS, now } = input;
  const nowText = formatTime(now);
  const index = conditions.findIndex((c) => c.type === 'Progressing');
  const current = conditions[index];
  if (current?.reason === DEPLOYMENT_REASON.paused) {
    setCondition(
      conditions,
      {
        type: 'Progressing',
        status: 'Unknown',
        reason: DEPLOYMENT_REASON.resumed,
        message: 'Deployment is resumed',
      },
      nowText,
    );
  }
  const deadlineMs = progressDeadlineMs(deploy);
  const complete =
    counts.replicas === counts.updatedReplicas &&
    current?.reason === DEPLOYMENT_REASON.newReplicaSetAvailable;
  if (deadlineMs === undefined || complete || !newRS) return undefined;
  const rsName = newRS.object.metadata.name;
  if (deploymentComplete(deploy, counts)) {
    const message = `ReplicaSet "${rsName}" has successfully progressed.`;
    setCondition(
      conditions,
      { type: 'Progressing', status: 'True', reason: DEPLOYMENT_REASON.newReplicaSetAvailable, message },
      nowText,
    );
    return undefined;
  }
  if (deploymentProgressing(deploy, counts)) {
    const message = `ReplicaSet "${rsName}" is progressing.`;
    const at = conditions.findIndex((c) => c.type === 'Progressing');
    const existing = conditions[at];
    const lastTransitionTime = existing?.status === 'True' ? existing.lastTransitionTime : nowText;
    const next: Condition = {
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: nowText,
      lastTransitionTime,
      reason: DEPLOYMENT_REASON.replicaSetUpdated,
      message,
    };
    if (at >= 0) conditions[at] = next;
    else conditions.push(next);
    return deadlineMs;
  }
  return checkDeadline(conditions, deadlineMs, rsName, now);
}

function checkDeadline(
  conditions: Condition[],
  deadlineMs: number,
  rsName: string | undefined,
  now: Date,
): number | undefined {
  const current = conditions.find((c) => c.type === 'Progressing');
  if (!current || current.reason === DEPLOYMENT_REASON.progressDeadlineExceeded) return undefined;
  const fromMs = Date.parse(current.lastUpdateTime ?? current.lastTransitionTime ?? '') || now.getTime();
  const remainingMs = fromMs + deadlineMs - now.getTime();
  if (remainingMs >= 0) return remainingMs + 1000;
  const message = `ReplicaSet "${rsName}" has timed out progressing.`;
  setCondition(
    conditions,
    { type: 'Progressing', status: 'False', reason: DEPLOYMENT_REASON.progressDeadlineExceeded, message },
    formatTime(now),
  );
  return undefined;
}
