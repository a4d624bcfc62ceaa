import type { LocalClient } from '../api/local-client.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerClock } from './clock.ts';
import { splitKey, type Controller, type ReconcileResult } from './controller.ts';
import { podOwnerController } from './pod-owner-controller.ts';
import {
  controllerReference,
  desiredReplicas,
  earliest,
  excessFailedPods,
  failedPodBackoffMs,
  isPodActive,
  isPodFailed,
  isPodReady,
  listControlled,
  minReadySecondsOf,
  podAvailability,
  podFromTemplate,
  RESOURCE,
  statusOf,
  templateOf,
  withoutZeros,
  writeStatus,
  type Json,
} from './workload-helpers.ts';

/**
 * The ReplicaSet controller: keeps `spec.replicas` active Pods (named `<rs>-<5 random chars>`,
 * from the template, controlled by the ReplicaSet) and reports their counts in status. Failed
 * pods are replaced with a back-off and only the last few are kept. Pods are not adopted or
 * released by selector: ownership is by controller reference only. Keys are `namespace/name`.
 */

/** Creates the ReplicaSet controller. */
export function createReplicaSetController(client: LocalClient, clock: ControllerClock): Controller {
  return podOwnerController(client, {
    name: 'replicaset',
    resource: RESOURCE.replicaSets,
    kind: 'ReplicaSet',
    reconcile: (key) => syncReplicaSet(client, clock, key),
  });
}

function syncReplicaSet(client: LocalClient, clock: ControllerClock, key: string): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const rs = client.get(RESOURCE.replicaSets, namespace, name);
  if (!rs || rs.metadata.deletionTimestamp) return;
  const pods = listControlled(client, RESOURCE.pods, namespace, rs.metadata.uid);
  const active = pods.filter(isPodActive);
  const now = clock.now();
  const retryInMs = manageReplicas(client, rs, active, pods.filter(isPodFailed), now);
  const { status, availableInMs } = replicaSetStatus(rs, active, now);
  writeStatus(client, RESOURCE.replicaSets, rs, status);
  const requeueAfterMs = earliest([retryInMs, availableInMs]);
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

/** Creates or deletes pods towards `spec.replicas`; returns when to retry a replacement held back. */
function manageReplicas(
  client: LocalClient,
  rs: KubeObject,
  active: KubeObject[],
  failed: KubeObject[],
  now: Date,
): number | undefined {
  for (const pod of excessFailedPods(failed))
    client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!);
  const diff = desiredReplicas(rs) - active.length;
  if (diff < 0) {
    for (const pod of rankForDeletion(active).slice(0, -diff))
      client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!);
    return undefined;
  }
  if (diff === 0) return undefined;
  const backoffMs = failedPodBackoffMs(failed, now);
  if (backoffMs > 0) return backoffMs;
  const owner = controllerReference(rs, 'apps/v1', 'ReplicaSet');
  for (let i = 0; i < diff; i++) {
    client.create(RESOURCE.pods, podFromTemplate(rs, { generateName: `${rs.metadata.name}-` }, owner));
  }
  return undefined;
}

/** Pods to delete first: unscheduled, then not running, then not ready; newer before older. */
function rankForDeletion(pods: KubeObject[]): KubeObject[] {
  const score = (pod: KubeObject): number => {
    const spec = (pod['spec'] ?? {}) as Json;
    if (!spec['nodeName']) return 0;
    if (statusOf(pod)['phase'] !== 'Running') return 1;
    return isPodReady(pod) ? 3 : 2;
  };
  const created = (pod: KubeObject): number => Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
  return [...pods].sort((a, b) => score(a) - score(b) || created(b) - created(a));
}

function replicaSetStatus(
  rs: KubeObject,
  active: KubeObject[],
  now: Date,
): { status: Json; availableInMs?: number } {
  const templateLabels = templateOf(rs).metadata?.labels ?? {};
  const fullyLabeled = active.filter((pod) =>
    Object.entries(templateLabels).every(([k, v]) => pod.metadata.labels?.[k] === v),
  );
  const availability = active.map((pod) => podAvailability(pod, minReadySecondsOf(rs), now));
  const counts = withoutZeros(
    {
      replicas: active.length,
      fullyLabeledReplicas: fullyLabeled.length,
      readyReplicas: active.filter(isPodReady).length,
      availableReplicas: availability.filter((a) => a.available).length,
      observedGeneration: rs.metadata.generation,
    },
    ['replicas'],
  );
  const { conditions } = statusOf(rs);
  const status: Json = conditions ? { ...counts, conditions } : counts;
  const availableInMs = earliest(availability.map((a) => a.availableInMs));
  return availableInMs === undefined ? { status } : { status, availableInMs };
}
