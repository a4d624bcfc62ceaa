import type { LocalClient } from '../api/local-client.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerClock } from './clock.ts';
import { objectKey, splitKey, type Controller, type ReconcileResult } from './controller.ts';
import {
  controllerKey,
  controllerOf,
  controllerReference,
  desiredReplicas,
  isPodActive,
  isPodReady,
  listControlled,
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
 * A small stand-in for the Argo Rollouts controller (`argoproj.io/v1alpha1` Rollout), active
 * while the `rollouts.argoproj.io` CRD exists (`argoRolloutsCrd()` is a manifest for it). It
 * models what restarting a Rollout needs, nothing of progressive delivery:
 *
 * - one ReplicaSet per pod-template hash, `<rollout>-<hash>`, labelled and selected by
 *   `rollouts-pod-template-hash`; a template change brings the new ReplicaSet up to
 *   `spec.replicas` and, once all its pods are ready, scales the others to zero (as a canary
 *   without steps; no pauses, analysis, traffic routing or blue-green services);
 * - Argo's restart (`spec.restartAt`): once that time has come, pods created before it are
 *   deleted while enough others are ready (Argo's `restart.go` arithmetic with `maxUnavailable`
 *   taken as 1: one pod at a time), the ReplicaSet replaces them, and when none is left
 *   `status.restartedAt` becomes `spec.restartAt`. A template change during a restart cancels it
 *   the same way, as in Argo;
 * - status: `observedGeneration` (a string, as Argo writes it), `replicas`, `updatedReplicas`,
 *   `readyReplicas`, `availableReplicas`, `currentPodHash`, `stableRS`, `restartedAt`, and the
 *   `phase` (`Healthy`, or `Progressing` with Argo's message) that `kubectl argo rollouts`
 *   and Argo CD read. Never `Degraded` (no progress deadline) and never `Paused`.
 *
 * Keys are `namespace/name`.
 */

export const ROLLOUTS_RESOURCE = 'argoproj.io/rollouts';
export const ROLLOUTS_POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
const ROLLOUT_API_VERSION = 'argoproj.io/v1alpha1';

/** The `rollouts.argoproj.io` CRD, its schema reduced to "anything" (Argo's is large). */
export function argoRolloutsCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'rollouts.argoproj.io' },
    spec: {
      group: 'argoproj.io',
      names: {
        kind: 'Rollout',
        plural: 'rollouts',
        singular: 'rollout',
        listKind: 'RolloutList',
        shortNames: ['ro'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

/** Creates the Rollout controller; it does nothing while the CRD is absent. */
export function createArgoRolloutController(client: LocalClient, clock: ControllerClock): Controller {
  const rsBucket = client.target(RESOURCE.replicaSets).type.bucket;
  const podBucket = client.target(RESOURCE.pods).type.bucket;
  return {
    name: 'argo-rollout',
    keysFor(event: StoreEvent) {
      const { object } = event;
      if (event.bucket === ROLLOUTS_RESOURCE)
        return event.type === 'DELETED' ? [] : [objectKey(object.metadata.namespace, object.metadata.name)];
      if (event.bucket === rsBucket) {
        const owner = controllerKey(object, 'Rollout') ?? controllerKey(event.previous ?? object, 'Rollout');
        return owner ? [owner] : [];
      }
      const owner = event.bucket === podBucket ? rolloutOfPod(object) : undefined;
      return owner ? [owner] : [];
    },
    initialKeys: () =>
      client.serves(ROLLOUTS_RESOURCE)
        ? client.list(ROLLOUTS_RESOURCE).map((r) => objectKey(r.metadata.namespace, r.metadata.name))
        : [],
    reconcile: (key) => syncRollout(client, clock, key),
  };
}

/** `namespace/<rollout>` of a pod whose ReplicaSet is named `<rollout>-<rollouts-pod-template-hash>`. */
function rolloutOfPod(pod: KubeObject): string | undefined {
  const owner = controllerOf(pod);
  const hash = pod.metadata.labels?.[ROLLOUTS_POD_TEMPLATE_HASH_LABEL];
  if (owner?.kind !== 'ReplicaSet' || !hash || !owner.name.endsWith(`-${hash}`)) return undefined;
  return objectKey(pod.metadata.namespace, owner.name.slice(0, -hash.length - 1));
}

function syncRollout(client: LocalClient, clock: ControllerClock, key: string): ReconcileResult {
  if (!client.serves(ROLLOUTS_RESOURCE)) return;
  const { namespace, name } = splitKey(key);
  const rollout = client.get(ROLLOUTS_RESOURCE, namespace, name);
  if (!rollout || rollout.metadata.deletionTimestamp) return;
  const hash = templateHash(templateOf(rollout));
  const owned = listControlled(client, RESOURCE.replicaSets, namespace, rollout.metadata.uid);
  const found = owned.find((rs) => rs.metadata.labels?.[ROLLOUTS_POD_TEMPLATE_HASH_LABEL] === hash);
  const current = found ?? client.create(RESOURCE.replicaSets, replicaSetFor(rollout, hash));
  const olds = owned.filter((rs) => rs !== found);
  const desired = desiredReplicas(rollout);
  scale(client, current, desired);
  if (activePods(client, current).filter(isPodReady).length >= desired)
    for (const old of olds) scale(client, old, 0);
  const all = [current, ...olds];
  const nowMs = clock.now().getTime();
  // A new ReplicaSet replaces every pod anyway: a pending restart is cancelled (marked done).
  const restart = found ? restartStep(client, rollout, all, nowMs) : { done: isRestartDue(rollout, nowMs) };
  writeStatus(
    client,
    ROLLOUTS_RESOURCE,
    rollout,
    rolloutStatus(client, rollout, hash, current, all, restart.done),
  );
  return restart.requeueAfterMs === undefined ? undefined : { requeueAfterMs: restart.requeueAfterMs };
}

function replicaSetFor(rollout: KubeObject, hash: string): KubeObject {
  const template = structuredClone(templateOf(rollout));
  const labels = { ...(template.metadata?.labels ?? {}), [ROLLOUTS_POD_TEMPLATE_HASH_LABEL]: hash };
  const selector = (specOf(rollout)['selector'] ?? {}) as { matchLabels?: Record<string, string> };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${rollout.metadata.name}-${hash}`,
      namespace: rollout.metadata.namespace,
      labels,
      ownerReferences: [controllerReference(rollout, ROLLOUT_API_VERSION, 'Rollout')],
    },
    spec: {
      replicas: desiredReplicas(rollout),
      selector: {
        ...selector,
        matchLabels: { ...selector.matchLabels, [ROLLOUTS_POD_TEMPLATE_HASH_LABEL]: hash },
      },
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  };
}

function scale(client: LocalClient, rs: KubeObject, replicas: number): void {
  if (specOf(rs)['replicas'] === replicas) return;
  client.mergePatch(RESOURCE.replicaSets, rs.metadata.namespace, rs.metadata.name!, { spec: { replicas } });
}

function activePods(client: LocalClient, rs: KubeObject): KubeObject[] {
  return listControlled(client, RESOURCE.pods, rs.metadata.namespace, rs.metadata.uid).filter(isPodActive);
}

const timeMs = (text: unknown): number => (typeof text === 'string' ? Date.parse(text) : NaN);

/** `spec.restartAt` in ms when set and `status.restartedAt` is not yet at or past it. */
function requestedRestartMs(rollout: KubeObject): number | undefined {
  const requestedMs = timeMs(specOf(rollout)['restartAt']);
  if (Number.isNaN(requestedMs)) return undefined;
  const restartedMs = timeMs(statusOf(rollout)['restartedAt']);
  return !Number.isNaN(restartedMs) && restartedMs >= requestedMs ? undefined : requestedMs;
}

/** True when a restart is due and not done: what a template change cancels. */
function isRestartDue(rollout: KubeObject, nowMs: number): boolean {
  const requestedMs = requestedRestartMs(rollout);
  return requestedMs !== undefined && requestedMs <= nowMs;
}

/**
 * One pass of Argo's pod restarter: deletes pods created before `spec.restartAt` while no more
 * than one pod is unavailable (pod events bring the next pass); `done` once none is left. A
 * restartAt in the future comes back at that time.
 */
function restartStep(
  client: LocalClient,
  rollout: KubeObject,
  replicaSets: KubeObject[],
  nowMs: number,
): { done: boolean; requeueAfterMs?: number } {
  const requestedMs = requestedRestartMs(rollout);
  if (requestedMs === undefined) return { done: false };
  if (requestedMs > nowMs) return { done: false, requeueAfterMs: requestedMs - nowMs };
  const pods = replicaSets.flatMap((rs) => activePods(client, rs));
  // A pod created in the restartAt second counts as restarted (Argo compares whole seconds).
  const stale = pods
    .filter((pod) => !(timeMs(pod.metadata.creationTimestamp) >= requestedMs))
    .sort((a, b) => timeMs(a.metadata.creationTimestamp) - timeMs(b.metadata.creationTimestamp));
  if (stale.length === 0) return { done: true };
  const total = Math.max(
    desiredReplicas(rollout),
    replicaSets.reduce((sum, rs) => sum + desiredReplicas(rs), 0),
  );
  let canRestart = pods.filter(isPodReady).length - (total - 1);
  for (const pod of stale) {
    if (canRestart <= 0) break;
    client.delete(RESOURCE.pods, pod.metadata.namespace, pod.metadata.name!);
    canRestart -= 1;
  }
  return { done: false };
}

function rolloutStatus(
  client: LocalClient,
  rollout: KubeObject,
  hash: string,
  current: KubeObject,
  replicaSets: KubeObject[],
  restartDone: boolean,
): Json {
  const previous = statusOf(rollout);
  const updated = activePods(client, current);
  const all = replicaSets.flatMap((rs) => activePods(client, rs));
  const desired = desiredReplicas(rollout);
  const updatedReady = updated.filter(isPodReady).length;
  let message: string | undefined;
  if (updated.length < desired) message = 'more replicas need to be updated';
  else if (updatedReady < updated.length) message = 'updated replicas are still becoming available';
  else if (all.length > updated.length) message = 'old replicas are pending termination';
  const ready = all.filter(isPodReady).length;
  const restartedAt = restartDone ? specOf(rollout)['restartAt'] : previous['restartedAt'];
  return withoutZeros({
    observedGeneration: String(rollout.metadata.generation ?? 1),
    replicas: all.length,
    updatedReplicas: updated.length,
    readyReplicas: ready,
    availableReplicas: ready,
    currentPodHash: hash,
    stableRS: message === undefined ? hash : previous['stableRS'],
    restartedAt,
    phase: message === undefined ? 'Healthy' : 'Progressing',
    message,
  });
}
