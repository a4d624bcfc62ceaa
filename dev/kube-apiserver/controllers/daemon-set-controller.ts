import type { LocalClient } from '../api/local-client.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerClock } from './clock.ts';
import { splitKey, type Controller, type ReconcileResult } from './controller.ts';
import { podOwnerController } from './pod-owner-controller.ts';
import { CONTROLLER_REVISION_HASH_LABEL } from './stateful-set-controller.ts';
import {
  controllerReference,
  earliest,
  excessFailedPods,
  failedPodBackoffMs,
  isPodActive,
  isPodFailed,
  isPodReady,
  listControlled,
  minReadySecondsOf,
  NODE_NAME,
  podAvailability,
  podFromTemplate,
  RESOURCE,
  specOf,
  templateHash,
  templateOf,
  withoutZeros,
  writeStatus,
  type Json,
} from './workload-helpers.ts';

/**
 * The DaemonSet controller for a cluster of one node (`kvsync-node`): one pod per DaemonSet,
 * replaced (deleted, then created) when the template changes under `RollingUpdate`, left alone
 * under `OnDelete`. Failed pods are replaced with a back-off. Keys are `namespace/name`.
 */

export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** Creates the DaemonSet controller. */
export function createDaemonSetController(client: LocalClient, clock: ControllerClock): Controller {
  return podOwnerController(client, {
    name: 'daemonset',
    resource: RESOURCE.daemonSets,
    kind: 'DaemonSet',
    reconcile: (key) => syncDaemonSet(client, clock, key),
  });
}

function syncDaemonSet(client: LocalClient, clock: ControllerClock, key: string): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const ds = client.get(RESOURCE.daemonSets, namespace, name);
  if (!ds || ds.metadata.deletionTimestamp) return;
  const hash = templateHash(templateOf(ds));
  const pods = listControlled(client, RESOURCE.pods, namespace, ds.metadata.uid);
  const active = pods.filter(isPodActive);
  const now = clock.now();
  const retryInMs = manageDaemonPod(client, ds, hash, active, pods.filter(isPodFailed), now);
  const { status, availableInMs } = daemonSetStatus(ds, hash, active, now);
  writeStatus(client, RESOURCE.daemonSets, ds, status);
  const requeueAfterMs = earliest([retryInMs, availableInMs]);
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

const revisionOf = (pod: KubeObject): string | undefined =>
  pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];

function manageDaemonPod(
  client: LocalClient,
  ds: KubeObject,
  hash: string,
  active: KubeObject[],
  failed: KubeObject[],
  now: Date,
): number | undefined {
  for (const pod of excessFailedPods(failed))
    client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!);
  const [keep, ...extra] = [...active].sort(
    (a, b) => Number(revisionOf(b) === hash) - Number(revisionOf(a) === hash),
  );
  for (const pod of extra) client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!);
  if (keep) {
    const onDelete = (specOf(ds)['updateStrategy'] as Json | undefined)?.['type'] === 'OnDelete';
    if (revisionOf(keep) !== hash && !onDelete)
      client.delete(RESOURCE.pods, keep.metadata.namespace, keep.metadata.name!);
    return undefined;
  }
  const backoffMs = failedPodBackoffMs(failed, now);
  if (backoffMs > 0) return backoffMs;
  client.create(RESOURCE.pods, daemonPod(ds, hash));
  return undefined;
}

function daemonPod(ds: KubeObject, hash: string): KubeObject {
  const pod = podFromTemplate(
    ds,
    { generateName: `${ds.metadata.name}-` },
    controllerReference(ds, 'apps/v1', 'DaemonSet'),
    {
      [CONTROLLER_REVISION_HASH_LABEL]: hash,
      [POD_TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1),
    },
  );
  const nodeAffinity = {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [NODE_NAME] }] }],
    },
  };
  pod['spec'] = {
    ...(pod['spec'] as Json),
    affinity: { ...((pod['spec'] as Json)['affinity'] as Json | undefined), nodeAffinity },
  };
  return pod;
}

function daemonSetStatus(
  ds: KubeObject,
  hash: string,
  active: KubeObject[],
  now: Date,
): { status: Json; availableInMs?: number } {
  const availability = active.map((pod) => podAvailability(pod, minReadySecondsOf(ds), now));
  const available = Math.min(1, availability.filter((a) => a.available).length);
  const status = withoutZeros(
    {
      currentNumberScheduled: Math.min(1, active.length),
      numberMisscheduled: 0,
      desiredNumberScheduled: 1,
      numberReady: Math.min(1, active.filter(isPodReady).length),
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: Math.min(1, active.filter((pod) => revisionOf(pod) === hash).length),
      numberAvailable: available,
      numberUnavailable: 1 - available,
    },
    ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
  );
  const availableInMs = earliest(availability.map((a) => a.availableInMs));
  return availableInMs === undefined ? { status } : { status, availableInMs };
}
