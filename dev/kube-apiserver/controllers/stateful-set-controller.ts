import type { LocalClient } from '../api/local-client.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerClock } from './clock.ts';
import { splitKey, type Controller, type ReconcileResult } from './controller.ts';
import { podOwnerController } from './pod-owner-controller.ts';
import {
  controllerReference,
  desiredReplicas,
  earliest,
  failedPodBackoffMs,
  isPodFailed,
  isPodReady,
  listControlled,
  minReadySecondsOf,
  podAvailability,
  podFromTemplate,
  RESOURCE,
  specOf,
  statusOf,
  templateHash,
  templateOf,
  withoutZeros,
  writeStatus,
  type Json,
} from './workload-helpers.ts';

/**
 * The StatefulSet controller in its simplest form: pods `<name>-0 … <name>-(n-1)` created in
 * order (each once the previous is Running and Ready, unless `podManagementPolicy: Parallel`),
 * removed from the highest ordinal down, and on a template change replaced from the highest
 * ordinal down, one at a time, each once every pod is ready. Revisions are hashes (no
 * ControllerRevision objects); no volume claims. Keys are `namespace/name`.
 */

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
export const STATEFUL_SET_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** Creates the StatefulSet controller. */
export function createStatefulSetController(client: LocalClient, clock: ControllerClock): Controller {
  return podOwnerController(client, {
    name: 'statefulset',
    resource: RESOURCE.statefulSets,
    kind: 'StatefulSet',
    reconcile: (key) => syncStatefulSet(client, clock, key),
  });
}

interface SetState {
  sts: KubeObject;
  updateRevision: string;
  /** Pods by ordinal. */
  pods: Map<number, KubeObject>;
  now: Date;
}

function syncStatefulSet(client: LocalClient, clock: ControllerClock, key: string): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const sts = client.get(RESOURCE.statefulSets, namespace, name);
  if (!sts || sts.metadata.deletionTimestamp) return;
  const pods = new Map<number, KubeObject>();
  for (const pod of listControlled(client, RESOURCE.pods, namespace, sts.metadata.uid)) {
    const ordinal = ordinalOf(name, pod);
    if (ordinal !== undefined) pods.set(ordinal, pod);
  }
  const state: SetState = {
    sts,
    updateRevision: `${name}-${templateHash(templateOf(sts))}`,
    pods,
    now: clock.now(),
  };
  const retryInMs = replaceFailed(client, state) ?? managePods(client, state);
  const { status, availableInMs } = statefulSetStatus(state);
  writeStatus(client, RESOURCE.statefulSets, sts, status);
  const requeueAfterMs = earliest([retryInMs, availableInMs]);
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

function ordinalOf(setName: string, pod: KubeObject): number | undefined {
  const name = pod.metadata.name ?? '';
  const match = /^(\d+)$/.exec(name.slice(setName.length + 1));
  return name.startsWith(`${setName}-`) && match ? Number(match[1]) : undefined;
}

/** Deletes failed pods (after a back-off) so they are recreated; returns the wait, if any. */
function replaceFailed(client: LocalClient, state: SetState): number | undefined {
  let waitMs: number | undefined;
  for (const [ordinal, pod] of state.pods) {
    if (!isPodFailed(pod)) continue;
    const backoffMs = failedPodBackoffMs([pod], state.now);
    if (backoffMs > 0) waitMs = earliest([waitMs, backoffMs]);
    else client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!);
    state.pods.delete(ordinal);
  }
  return waitMs;
}

const isHealthy = (pod: KubeObject | undefined): boolean =>
  pod !== undefined &&
  !pod.metadata.deletionTimestamp &&
  statusOf(pod)['phase'] === 'Running' &&
  isPodReady(pod);

/** Creates, deletes or replaces pods: one step at a time unless the policy is Parallel. */
function managePods(client: LocalClient, state: SetState): undefined {
  const { sts, pods } = state;
  const replicas = desiredReplicas(sts);
  const parallel = specOf(sts)['podManagementPolicy'] === 'Parallel';
  for (let ordinal = 0; ordinal < replicas; ordinal++) {
    if (pods.has(ordinal)) {
      if (!parallel && !isHealthy(pods.get(ordinal))) return;
      continue;
    }
    createPod(client, state, ordinal);
    if (!parallel) return;
  }
  const condemned = [...pods.keys()].filter((ordinal) => ordinal >= replicas).sort((a, b) => b - a);
  if (condemned.length > 0) {
    for (const ordinal of parallel ? condemned : condemned.slice(0, 1)) deletePod(client, pods.get(ordinal)!);
    return;
  }
  rollOne(client, state, replicas);
}

/** Replaces the highest-ordinal pod not at the update revision (at or above the partition), once all are ready. */
function rollOne(client: LocalClient, state: SetState, replicas: number): void {
  const strategy = (specOf(state.sts)['updateStrategy'] ?? {}) as Json;
  if (strategy['type'] === 'OnDelete') return;
  const partition = Number((strategy['rollingUpdate'] as Json | undefined)?.['partition'] ?? 0);
  if ([...state.pods.values()].some((pod) => !isHealthy(pod))) return;
  for (let ordinal = replicas - 1; ordinal >= partition; ordinal--) {
    const pod = state.pods.get(ordinal)!;
    if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === state.updateRevision) continue;
    deletePod(client, pod);
    return;
  }
}

function deletePod(client: LocalClient, pod: KubeObject): void {
  if (pod.metadata.deletionTimestamp) return;
  client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!, {
    preconditions: { uid: pod.metadata.uid! },
  });
}

function createPod(client: LocalClient, state: SetState, ordinal: number): void {
  const { sts } = state;
  const name = `${sts.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(sts, { name }, controllerReference(sts, 'apps/v1', 'StatefulSet'), {
    [CONTROLLER_REVISION_HASH_LABEL]: state.updateRevision,
    [STATEFUL_SET_POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
  });
  const serviceName = specOf(sts)['serviceName'];
  pod['spec'] = {
    ...(pod['spec'] as Json),
    hostname: name,
    ...(serviceName ? { subdomain: serviceName } : {}),
  };
  client.create(RESOURCE.pods, pod);
}

function statefulSetStatus(state: SetState): { status: Json; availableInMs?: number } {
  const { sts, pods, updateRevision, now } = state;
  const existing = [...pods.values()].filter((pod) => !pod.metadata.deletionTimestamp);
  const revisionOf = (pod: KubeObject): string | undefined =>
    pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
  const availability = existing.map((pod) => podAvailability(pod, minReadySecondsOf(sts), now));
  const replicas = existing.length;
  const readyReplicas = existing.filter(isPodReady).length;
  const updatedReplicas = existing.filter((pod) => revisionOf(pod) === updateRevision).length;
  let currentRevision = (statusOf(sts)['currentRevision'] as string | undefined) ?? updateRevision;
  const rolledOut =
    replicas === desiredReplicas(sts) && updatedReplicas === replicas && readyReplicas === replicas;
  if (rolledOut) currentRevision = updateRevision;
  const counts = withoutZeros(
    {
      observedGeneration: sts.metadata.generation,
      replicas,
      readyReplicas,
      currentReplicas: existing.filter((pod) => revisionOf(pod) === currentRevision).length,
      updatedReplicas,
      currentRevision,
      updateRevision,
      collisionCount: 0,
      availableReplicas: availability.filter((a) => a.available).length,
    },
    ['replicas', 'availableReplicas', 'collisionCount'],
  );
  const availableInMs = earliest(availability.map((a) => a.availableInMs));
  return availableInMs === undefined ? { status: counts } : { status: counts, availableInMs };
}
