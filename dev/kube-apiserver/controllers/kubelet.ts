import type { LocalClient } from '../api/local-client.ts';
import { jsonEqual } from '../api/objects.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { ControllerClock } from './clock.ts';
import { objectKey, splitKey, type Controller, type ReconcileResult } from './controller.ts';
import { desiredPodStatus, podBehavior } from './pod-status.ts';
import { NODE_NAME, RESOURCE, statusOf } from './workload-helpers.ts';

/**
 * The scheduler and kubelet of the one simulated node, folded together: a new Pod is bound to
 * `kvsync-node` and started a short while after it is created, then reported Running and Ready
 * (or otherwise, per the pod's behaviour annotation, see `POD_BEHAVIOR_ANNOTATION`). A started
 * pod's status is recomputed when the pod changes, so flipping the annotation flips readiness.
 * Keys are `namespace/name` of pods.
 */

export const DEFAULT_POD_START_DELAY_MS = 20;

export interface KubeletOptions {
  clock: ControllerClock;
  /** Time between a pod's creation and its start (default 20 ms). */
  podStartDelayMs?: number;
}

/** Creates the kubelet. Pod IPs are handed out from 10.244.0.0/16 in order. */
export function createKubelet(client: LocalClient, options: KubeletOptions): Controller {
  const podBucket = client.target(RESOURCE.pods).type.bucket;
  const delayMs = options.podStartDelayMs ?? DEFAULT_POD_START_DELAY_MS;
  let allocated = 0;
  const nextPodIP = (): string => {
    allocated += 1;
    return `10.244.${Math.floor(allocated / 254) % 256}.${(allocated % 254) + 1}`;
  };
  return {
    name: 'kubelet',
    keysFor(event: StoreEvent) {
      if (event.bucket !== podBucket || event.type === 'DELETED') return [];
      const key = objectKey(event.object.metadata.namespace, event.object.metadata.name);
      if (event.type === 'ADDED') return [{ key, delayMs }];
      return statusOf(event.object)['startTime'] ? [key] : [];
    },
    initialKeys: () =>
      client.list(RESOURCE.pods).map((pod) => objectKey(pod.metadata.namespace, pod.metadata.name)),
    reconcile: (key) => syncPod(client, options.clock, key, nextPodIP),
  };
}

function syncPod(
  client: LocalClient,
  clock: ControllerClock,
  key: string,
  nextPodIP: () => string,
): ReconcileResult {
  const { namespace, name } = splitKey(key);
  let pod = client.get(RESOURCE.pods, namespace, name);
  if (!pod || pod.metadata.deletionTimestamp) return;
  const phase = statusOf(pod)['phase'];
  if (phase === 'Failed' || phase === 'Succeeded') return;
  const spec = (pod['spec'] ?? {}) as Record<string, unknown>;
  if (!spec['nodeName'])
    pod = client.mergePatch(RESOURCE.pods, namespace, name, { spec: { nodeName: NODE_NAME } });
  const podIP = statusOf(pod)['podIP'] ? '' : nextPodIP();
  const { status, recheckInMs } = desiredPodStatus({
    pod,
    behavior: podBehavior(pod),
    now: clock.now(),
    podIP,
  });
  if (!jsonEqual(status, pod['status'])) client.updateStatus(RESOURCE.pods, { ...pod, status });
  return recheckInMs === undefined ? undefined : { requeueAfterMs: recheckInMs };
}
