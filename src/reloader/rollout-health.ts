import type { ContainerStatus, PodObject, WorkloadObject } from './types.ts';
import type { KindAdapter } from './workload-kinds.ts';

/**
 * Whether a rollout kvsync started has succeeded, failed, or is still going. Failure is any
 * of: a new pod crash-looping, failing to start its containers or in phase Failed (these say
 * at once that the new value is bad); the workload's own deadline (`ProgressDeadlineExceeded`,
 * an Argo Rollout `Degraded`); or no completion within the rollout timeout. Pods that are only
 * not ready yet are progress, not failure, until a deadline passes.
 */

export type RolloutHealth =
  { state: 'progressing' } | { state: 'succeeded' } | { state: 'failed'; reason: string; message: string };

/** Waiting reasons that mean a container will not run as it is. */
const FAILING_WAIT_REASONS = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImagePull',
  'ImagePullBackOff',
]);

export interface HealthInput {
  adapter: KindAdapter;
  workload: WorkloadObject;
  /** The workload's pods created from the rolled-out template. */
  newPods: readonly PodObject[];
  startedMs: number;
  nowMs: number;
  timeoutMs: number;
  /** Judge the new pods themselves (true after a restart; false for a rollback, whose pods may still recover). */
  judgePods: boolean;
  /** The `spec.restartAt` the rollout wrote, for an Argo Rollout restarted that way. */
  restartAt?: string | undefined;
}

function failingContainer(statuses: readonly ContainerStatus[] | undefined): ContainerStatus | undefined {
  return statuses?.find((status) => FAILING_WAIT_REASONS.has(status.state?.waiting?.reason ?? ''));
}

/** The first failing new pod, described without any value. */
export function podFailure(pods: readonly PodObject[]): { reason: string; message: string } | undefined {
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name;
    if (pod.status?.phase === 'Failed')
      return { reason: 'PodFailed', message: `pod ${name} failed (phase Failed)` };
    const container =
      failingContainer(pod.status?.initContainerStatuses) ?? failingContainer(pod.status?.containerStatuses);
    if (container) {
      const reason = container.state?.waiting?.reason ?? 'ContainerFailing';
      return { reason, message: `pod ${name}: container ${container.name} is in ${reason}` };
    }
  }
  return undefined;
}

export function rolloutHealth(input: HealthInput): RolloutHealth {
  if (input.judgePods) {
    const failure = podFailure(input.newPods);
    if (failure) return { state: 'failed', ...failure };
  }
  const progress = input.adapter.progress(input.workload, input.restartAt);
  if (progress.state === 'failed') return progress;
  if (progress.state === 'complete') return { state: 'succeeded' };
  if (input.nowMs - input.startedMs >= input.timeoutMs) {
    const seconds = Math.round(input.timeoutMs / 1000);
    return {
      state: 'failed',
      reason: 'RolloutTimeout',
      message: `the rollout did not complete within ${seconds}s`,
    };
  }
  return { state: 'progressing' };
}
