import type { EventType, InvolvedObject } from '../kube/index.ts';
import { KVSYNC } from './annotations.ts';
import type { ReloaderContext } from './context.ts';
import type { ExternalSecretRef } from './external-secret-hooks.ts';
import type { WorkloadObject } from './types.ts';
import { KIND_ADAPTERS, type WorkloadKind } from './workload-kinds.ts';
import type { ReloadStatus } from './workload-state.ts';

/**
 * The reloader's writes to workloads (one merge patch of annotations, guarded by the
 * resourceVersion the decision was made on, so a decision taken on a stale cache fails with a
 * Conflict and is retried instead of acting twice) and its events.
 */

export interface WorkloadRef {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

/** `Kind/namespace/name`: the work-queue key of a workload. */
export function workloadKey(ref: WorkloadRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

export function parseWorkloadKey(key: string): WorkloadRef | undefined {
  const [kind, namespace, name, extra] = key.split('/');
  if (!kind || !namespace || !name || extra !== undefined || !(kind in KIND_ADAPTERS)) return undefined;
  return { kind: kind as WorkloadKind, namespace, name };
}

export function refOf(kind: WorkloadKind, workload: WorkloadObject): WorkloadRef {
  return { kind, namespace: workload.metadata.namespace ?? '', name: workload.metadata.name ?? '' };
}

/** Annotation changes: a string sets, null removes. */
export type AnnotationChanges = Record<string, string | null>;

/**
 * The pod-template annotations patch for `changes`: when they remove the last annotation, the
 * whole map goes (`null`), so that the template equals one that never had annotations and a
 * Deployment finds its old ReplicaSet again.
 */
function templateAnnotations(workload: WorkloadObject, changes: AnnotationChanges): AnnotationChanges | null {
  const after = { ...workload.spec?.template?.metadata?.annotations };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete after[key];
    else after[key] = value;
  }
  return Object.keys(after).length === 0 ? null : changes;
}

/**
 * How a patch restarts the pods: by changing pod-template annotations (every kind), or by setting
 * an Argo Rollout's `spec.restartAt` (RFC 3339, whole seconds; see argo-restart.ts).
 */
export type RestartChange = { template: AnnotationChanges } | { restartAt: string };

/**
 * Patches the workload's metadata annotations and, when given, restarts it in the same patch.
 * Throws a Conflict when the workload changed since it was read.
 */
export async function patchWorkload(
  ctx: ReloaderContext,
  ref: WorkloadRef,
  workload: WorkloadObject,
  metadata: AnnotationChanges,
  restart?: RestartChange,
): Promise<WorkloadObject> {
  const patch: Record<string, unknown> = {
    metadata: { resourceVersion: workload.metadata.resourceVersion, annotations: metadata },
  };
  if (restart && 'restartAt' in restart) patch['spec'] = { restartAt: restart.restartAt };
  else if (restart)
    patch['spec'] = {
      template: { metadata: { annotations: templateAnnotations(workload, restart.template) } },
    };
  const target = {
    apiVersion: KIND_ADAPTERS[ref.kind].apiVersion,
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
  };
  const written = await ctx.kube.mergePatch<WorkloadObject>(target, patch, {
    fieldManager: ctx.settings.fieldManager,
  });
  // Until the cache moves past the version this patch replaced, it shows the workload as it was
  // (a patch that changed nothing keeps the version: nothing to wait for then).
  const replaced = workload.metadata.resourceVersion;
  if (replaced && written.metadata.resourceVersion !== replaced)
    ctx.replacedVersions.set(workloadKey(ref), replaced);
  return written;
}

export interface StatusChange {
  status: ReloadStatus['status'];
  reason: string;
  message: string;
  untilMs?: number | undefined;
}

/**
 * The `kvsync.io/reload-status` value for `next`, or undefined when it equals `previous`
 * (`lastTransitionTime` moves only when `status` or `reason` changes).
 */
export function statusValue(
  previous: ReloadStatus | undefined,
  next: StatusChange,
  nowMs: number,
): string | undefined {
  const until = next.untilMs === undefined ? undefined : new Date(next.untilMs).toISOString();
  if (
    previous &&
    previous.status === next.status &&
    previous.reason === next.reason &&
    previous.message === next.message &&
    previous.until === until
  )
    return undefined;
  const same = previous && previous.status === next.status && previous.reason === next.reason;
  const value: ReloadStatus = {
    status: next.status,
    reason: next.reason,
    message: next.message,
    lastTransitionTime: same ? previous.lastTransitionTime : new Date(nowMs).toISOString(),
  };
  if (until !== undefined) value.until = until;
  return JSON.stringify(value);
}

/** Writes only the status annotation, when it changed. */
export async function writeStatus(
  ctx: ReloaderContext,
  ref: WorkloadRef,
  workload: WorkloadObject,
  previous: ReloadStatus | undefined,
  next: StatusChange,
): Promise<void> {
  const value = statusValue(previous, next, ctx.clock.now());
  if (value !== undefined) await patchWorkload(ctx, ref, workload, { [KVSYNC.status]: value });
}

function involvedWorkload(ref: WorkloadRef, workload: WorkloadObject): InvolvedObject {
  const involved: InvolvedObject = {
    apiVersion: KIND_ADAPTERS[ref.kind].apiVersion,
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
  };
  if (workload.metadata.uid) involved.uid = workload.metadata.uid;
  return involved;
}

function involvedExternalSecret(ref: ExternalSecretRef): InvolvedObject {
  const involved: InvolvedObject = {
    apiVersion: ref.apiVersion,
    kind: 'ExternalSecret',
    namespace: ref.namespace,
    name: ref.name,
  };
  if (ref.uid) involved.uid = ref.uid;
  return involved;
}

/** One event on the workload and the same on each ExternalSecret involved. Messages carry no values. */
export function announce(
  ctx: ReloaderContext,
  target: { ref: WorkloadRef; workload: WorkloadObject; externalSecrets: readonly ExternalSecretRef[] },
  type: EventType,
  reason: string,
  message: string,
): void {
  ctx.events.record(involvedWorkload(target.ref, target.workload), type, reason, message);
  const workloadName = `${target.ref.kind}/${target.ref.name}`;
  for (const es of target.externalSecrets)
    ctx.events.record(involvedExternalSecret(es), type, reason, `${workloadName}: ${message}`);
}
