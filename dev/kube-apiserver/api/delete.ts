import { conflict, KubeStatusError } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { formatTime, toServed, toStored } from './objects.ts';
import { hasFinalizers, scopedNamespace, type ObjectApi, type Target } from './object-api.ts';

/**
 * DELETE: finalizers and deletionTimestamp, propagation policies (the garbage collector does the
 * cascading), preconditions and dry-run.
 */

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  /** Legacy form of propagation: true = Orphan, false = Background. */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface DeleteResult {
  /** The last state (when gone) or the state now held by finalizers. */
  object: KubeObject;
  /** True when the object is gone; false when finalizers hold it. */
  deleted: boolean;
}

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

function propagationOf(options: DeleteOptions): PropagationPolicy {
  if (options.propagationPolicy) return options.propagationPolicy;
  if (options.orphanDependents !== undefined) return options.orphanDependents ? 'Orphan' : 'Background';
  return 'Background';
}

function checkPreconditions(target: Target, current: KubeObject, options: DeleteOptions): void {
  const { uid, resourceVersion } = options.preconditions ?? {};
  const name = current.metadata.name ?? '';
  if (uid && uid !== current.metadata.uid) {
    throw conflict(
      target.type,
      name,
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
    );
  }
  if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(
      target.type,
      name,
      `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
    );
  }
}

/** Deletes `name`, or marks it deleting while finalizers (given or added by propagation) hold it. */
export function deleteObject(
  api: ObjectApi,
  target: Target,
  name: string,
  options: DeleteOptions = {},
): DeleteResult {
  const { type, version } = target;
  const current = api.get(target, name);
  checkPreconditions(target, current, options);
  const policy = propagationOf(options);
  if (!['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw new KubeStatusError(422, 'Invalid', `propagationPolicy: Unsupported value: "${policy}"`);
  }
  const next: KubeObject = { ...current, metadata: { ...current.metadata } };
  const finalizers = [...(next.metadata.finalizers ?? [])];
  const added =
    policy === 'Foreground' ? FOREGROUND_FINALIZER : policy === 'Orphan' ? ORPHAN_FINALIZER : undefined;
  if (added && !finalizers.includes(added)) finalizers.push(added);
  if (finalizers.length > 0) next.metadata.finalizers = finalizers;

  if (!hasFinalizers(type, next)) {
    if (options.dryRun) return { object: current, deleted: true };
    const removed = api.store.remove(type.bucket, scopedNamespace(target), name);
    return { object: toServed(type, version, removed!), deleted: true };
  }
  const unchangedFinalizers = finalizers.length === (current.metadata.finalizers?.length ?? 0);
  if (current.metadata.deletionTimestamp && unchangedFinalizers) return { object: current, deleted: false };
  if (!next.metadata.deletionTimestamp) {
    next.metadata.deletionTimestamp = formatTime(api.clock.now());
    next.metadata.deletionGracePeriodSeconds = 0;
    if (next.metadata.generation !== undefined) next.metadata.generation += 1;
  }
  if (type.group === '' && type.resource === 'namespaces')
    next['status'] = { ...(next['status'] as object), phase: 'Terminating' };
  if (options.dryRun) return { object: next, deleted: false };
  const stored = api.store.put(type.bucket, toStored(type, next));
  return { object: toServed(type, version, stored), deleted: false };
}
