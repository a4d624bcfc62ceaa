import type { LocalClient } from '../api/local-client.ts';
import { jsonEqual } from '../api/objects.ts';
import { KubeStatusError } from '../errors.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerClock } from './clock.ts';
import { objectKey, splitKey, type Controller, type ReconcileResult } from './controller.ts';
import {
  fenceposts,
  newReplicaSetReplicas,
  recreateStep,
  replicaSetsToPrune,
  REVISION_ANNOTATION,
  rollingStep,
  toView,
  type ReplicaSetView,
  type ScaleStep,
} from './deployment-rollout.ts';
import { deploymentStatus, DEPLOYMENT_REASON } from './deployment-status.ts';
import {
  controllerKey,
  controllerReference,
  desiredReplicas,
  listControlled,
  RESOURCE,
  specOf,
  statusOf,
  templateHash,
  templateOf,
  type Condition,
  type Json,
} from './workload-helpers.ts';

/**
 * The Deployment controller: one ReplicaSet per pod-template hash (`<deploy>-<hash>`, labelled
 * and selected by `pod-template-hash`), a rolling update (or Recreate) from the old ReplicaSets
 * to the new one, revisions in `deployment.kubernetes.io/revision`, `spec.paused`,
 * `revisionHistoryLimit`, and the status `kubectl rollout status` reads. ReplicaSets are found by
 * controller reference only (no adoption by selector). Keys are `namespace/name`.
 */

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export { REVISION_ANNOTATION };

/** Creates the Deployment controller. */
export function createDeploymentController(client: LocalClient, clock: ControllerClock): Controller {
  const deployBucket = client.target(RESOURCE.deployments).type.bucket;
  const rsBucket = client.target(RESOURCE.replicaSets).type.bucket;
  return {
    name: 'deployment',
    keysFor(event: StoreEvent) {
      const { object } = event;
      if (event.bucket === deployBucket)
        return event.type === 'DELETED' ? [] : [objectKey(object.metadata.namespace, object.metadata.name)];
      if (event.bucket !== rsBucket) return [];
      const owner =
        controllerKey(object, 'Deployment') ?? controllerKey(event.previous ?? object, 'Deployment');
      return owner ? [owner] : [];
    },
    initialKeys: () =>
      client.list(RESOURCE.deployments).map((d) => objectKey(d.metadata.namespace, d.metadata.name)),
    reconcile: (key) => syncDeployment(client, clock, key),
  };
}

function syncDeployment(client: LocalClient, clock: ControllerClock, key: string): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const deploy = client.get(RESOURCE.deployments, namespace, name);
  if (!deploy || deploy.metadata.deletionTimestamp) return;
  const views = listControlled(client, RESOURCE.replicaSets, namespace, deploy.metadata.uid).map(toView);
  const hash = podTemplateHash(deploy);
  let newRS = views.find((view) => sameTemplate(view.object, deploy));
  const olds = views.filter((view) => view !== newRS);
  const paused = specOf(deploy)['paused'] === true;
  let progressing: Condition | undefined;
  if (!newRS && !paused) {
    newRS = createNewReplicaSet(client, deploy, hash, olds);
    progressing = progressingTrue(
      DEPLOYMENT_REASON.newReplicaSetCreated,
      `Created new replica set "${newRS.object.metadata.name}"`,
    );
  } else if (newRS) {
    ensureLatestRevision(client, newRS, olds);
    if (!statusOf(deploy)['conditions'] || !hasProgressing(deploy)) {
      progressing = progressingTrue(
        DEPLOYMENT_REASON.foundNewReplicaSet,
        `Found new replica set "${newRS.object.metadata.name}"`,
      );
    }
  }
  if (newRS) rollOut(client, deploy, newRS, olds, paused);
  const all = newRS ? [...olds, newRS] : olds;
  const { status, deadlineInMs } = deploymentStatus({ deploy, all, newRS, progressing, now: clock.now() });
  writeDeploymentStatus(client, deploy, status, newRS?.revision);
  return deadlineInMs === undefined ? undefined : { requeueAfterMs: deadlineInMs };
}

function progressingTrue(reason: string, message: string): Condition {
  return { type: 'Progressing', status: 'True', reason, message };
}

function hasProgressing(deploy: KubeObject): boolean {
  return ((statusOf(deploy)['conditions'] ?? []) as Condition[]).some((c) => c.type === 'Progressing');
}

/** Scales one step (paused: only settles the new ReplicaSet's count when nothing is rolling), then prunes. */
function rollOut(
  client: LocalClient,
  deploy: KubeObject,
  newRS: ReplicaSetView,
  olds: ReplicaSetView[],
  paused: boolean,
): void {
  const active = olds.filter((view) => view.replicas > 0);
  let steps: ScaleStep[];
  if (paused)
    steps =
      active.length === 0 && newRS.replicas !== desiredReplicas(deploy)
        ? [{ view: newRS, replicas: desiredReplicas(deploy) }]
        : [];
  else if ((specOf(deploy)['strategy'] as Json | undefined)?.['type'] === 'Recreate')
    steps = recreateStep(deploy, newRS, olds);
  else steps = rollingStep(deploy, newRS, olds);
  for (const step of steps) scaleReplicaSet(client, deploy, step);
  if (!paused && steps.length === 0) {
    for (const view of replicaSetsToPrune(deploy, olds)) {
      const { namespace, name, uid } = view.object.metadata;
      client.delete(RESOURCE.replicaSets, namespace, name!, { preconditions: { uid: uid! } });
    }
  }
}

function scaleReplicaSet(client: LocalClient, deploy: KubeObject, step: ScaleStep): void {
  const { namespace, name } = step.view.object.metadata;
  const rs = client.get(RESOURCE.replicaSets, namespace, name!);
  if (!rs || rs.metadata.uid !== step.view.object.metadata.uid) return;
  rs['spec'] = { ...specOf(rs), replicas: step.replicas };
  rs.metadata.annotations = { ...rs.metadata.annotations, ...sizeAnnotations(deploy) };
  step.view.object = client.update(RESOURCE.replicaSets, rs);
  step.view.replicas = step.replicas;
}

function sizeAnnotations(deploy: KubeObject): Record<string, string> {
  const desired = desiredReplicas(deploy);
  return {
    [DESIRED_REPLICAS_ANNOTATION]: String(desired),
    [MAX_REPLICAS_ANNOTATION]: String(desired + fenceposts(deploy).maxSurge),
  };
}

/** The hash of the Deployment's template (and collision count, when there was a collision). */
function podTemplateHash(deploy: KubeObject): string {
  const collisionCount = statusOf(deploy)['collisionCount'];
  const template = templateOf(deploy);
  return templateHash(
    typeof collisionCount === 'number' && collisionCount > 0 ? { template, collisionCount } : template,
  );
}

/** True when the ReplicaSet's template is the Deployment's, ignoring the pod-template-hash label. */
function sameTemplate(rs: KubeObject, deploy: KubeObject): boolean {
  const template = structuredClone(templateOf(rs));
  const labels = template.metadata?.labels;
  if (labels) {
    delete labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(labels).length === 0) delete template.metadata!.labels;
  }
  return jsonEqual(template, templateOf(deploy));
}

const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** Creates `<deploy>-<hash>` at the next revision; a name taken by another template bumps collisionCount. */
function createNewReplicaSet(
  client: LocalClient,
  deploy: KubeObject,
  hash: string,
  olds: ReplicaSetView[],
): ReplicaSetView {
  const revision = Math.max(0, ...olds.map((view) => view.revision)) + 1;
  try {
    return toView(client.create(RESOURCE.replicaSets, replicaSetManifest(deploy, hash, revision, olds)));
  } catch (error) {
    if (error instanceof KubeStatusError && error.reason === 'AlreadyExists')
      bumpCollisionCount(client, deploy);
    throw error;
  }
}

/** The first size of a new ReplicaSet: within the surge, or (Recreate) 0 while old pods remain. */
function initialReplicas(deploy: KubeObject, olds: ReplicaSetView[]): number {
  const desired = desiredReplicas(deploy);
  if ((specOf(deploy)['strategy'] as Json | undefined)?.['type'] !== 'Recreate') {
    return newReplicaSetReplicas(desired, fenceposts(deploy).maxSurge, 0, olds);
  }
  return olds.some((view) => view.actual > 0 || view.replicas > 0) ? 0 : desired;
}

function replicaSetManifest(
  deploy: KubeObject,
  hash: string,
  revision: number,
  olds: ReplicaSetView[],
): KubeObject {
  const template = structuredClone(templateOf(deploy));
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
  };
  const selector = (specOf(deploy)['selector'] ?? {}) as Json;
  const matchLabels = { ...(selector['matchLabels'] as Json | undefined), [POD_TEMPLATE_HASH_LABEL]: hash };
  const spec: Json = {
    replicas: initialReplicas(deploy, olds),
    selector: { ...selector, matchLabels },
    template,
  };
  const minReadySeconds = specOf(deploy)['minReadySeconds'];
  if (minReadySeconds !== undefined) spec['minReadySeconds'] = minReadySeconds;
  const annotations: Record<string, string> = {
    ...deploy.metadata.annotations,
    ...sizeAnnotations(deploy),
    [REVISION_ANNOTATION]: String(revision),
  };
  delete annotations[LAST_APPLIED_ANNOTATION];
  const metadata = {
    name: `${deploy.metadata.name}-${hash}`,
    namespace: deploy.metadata.namespace,
    labels: template.metadata.labels,
    annotations,
    ownerReferences: [controllerReference(deploy, 'apps/v1', 'Deployment')],
  };
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata, spec };
}

function bumpCollisionCount(client: LocalClient, deploy: KubeObject): void {
  const status = statusOf(deploy);
  client.updateStatus(RESOURCE.deployments, {
    ...deploy,
    status: { ...status, collisionCount: Number(status['collisionCount'] ?? 0) + 1 },
  });
}

/** A rollback to an older template makes its ReplicaSet the newest revision again. */
function ensureLatestRevision(client: LocalClient, newRS: ReplicaSetView, olds: ReplicaSetView[]): void {
  const maxOld = Math.max(0, ...olds.map((view) => view.revision));
  if (newRS.revision > maxOld) return;
  const { namespace, name } = newRS.object.metadata;
  const rs = client.get(RESOURCE.replicaSets, namespace, name!);
  if (!rs) return;
  rs.metadata.annotations = { ...rs.metadata.annotations, [REVISION_ANNOTATION]: String(maxOld + 1) };
  newRS.object = client.update(RESOURCE.replicaSets, rs);
  newRS.revision = maxOld + 1;
}

/**
 * Writes status, and the revision annotation with it: like the real controller, through the status
 * subresource (whose Deployment strategy keeps annotations from the request) so generation stays.
 */
function writeDeploymentStatus(
  client: LocalClient,
  deploy: KubeObject,
  status: Json,
  revision: number | undefined,
): void {
  const annotations = { ...deploy.metadata.annotations };
  if (revision !== undefined) annotations[REVISION_ANNOTATION] = String(revision);
  const annotationsChanged = !jsonEqual(annotations, deploy.metadata.annotations ?? {});
  if (!annotationsChanged && jsonEqual(status, deploy['status'] ?? {})) return;
  client.updateStatus(RESOURCE.deployments, {
    ...deploy,
    metadata: { ...deploy.metadata, annotations },
    status,
  });
}
