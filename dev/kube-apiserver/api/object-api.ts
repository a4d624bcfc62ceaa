import { alreadyExists, badRequest, conflict, invalid, KubeStatusError, notFound } from '../errors.ts';
import type { ResourceRegistry } from '../resources/registry.ts';
import type { ResourceType } from '../resources/resource-type.ts';
import type { VersionedStore } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import { admit, checkBody, validateOrThrow, type FieldValidation } from './admission.ts';
import {
  clone,
  formatTime,
  generateName,
  jsonEqual,
  newUid,
  nonMetadata,
  sameContent,
  toServed,
  toStored,
} from './objects.ts';

/**
 * The API's semantics, shared by the HTTP handlers and the simulated controllers: create, read,
 * update and delete with resourceVersions, generation, the status subresource, finalizers and
 * dry-run. Every method takes and returns objects in the served form of `target.version`.
 */

export interface Target {
  type: ResourceType;
  version: string;
  /** The namespace of the request; undefined for cluster-scoped types and cluster-wide lists. */
  namespace?: string | undefined;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  /**
   * A validating admission step: called with the object about to be stored (and, on updates,
   * the stored one) after defaults and validation, also on dry runs; throws to refuse the write.
   */
  validate?: (next: KubeObject, current: KubeObject | undefined) => void;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: 'status';
  /** For patches: a stale resourceVersion in the patched body still conflicts, a missing one does not. */
  allowMissingResourceVersion?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
}

export interface Clock {
  now(): Date;
}

export interface ObjectApiOptions {
  clock?: Clock;
}

export class ObjectApi {
  readonly store: VersionedStore;
  readonly registry: ResourceRegistry;
  readonly clock: Clock;
  /** Server-side apply: the configuration each field manager applied last, by object and manager. */
  readonly appliedConfigurations = new Map<string, unknown>();

  constructor(store: VersionedStore, registry: ResourceRegistry, options: ObjectApiOptions = {}) {
    this.store = store;
    this.registry = registry;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /** The stored object in served form; 404 Status when missing. */
  get(target: Target, name: string): KubeObject {
    const stored = this.store.get(target.type.bucket, scopedNamespace(target), name);
    if (!stored) throw notFound(target.type, name);
    return toServed(target.type, target.version, stored);
  }

  /** Like `get`, but undefined when missing. */
  find(target: Target, name: string): KubeObject | undefined {
    const stored = this.store.get(target.type.bucket, scopedNamespace(target), name);
    return stored && toServed(target.type, target.version, stored);
  }

  create(target: Target, body: unknown, options: WriteOptions = {}): WriteResult {
    const { type, version } = target;
    const object = checkBody(type, version, clone(body));
    const namespace = this.#requestNamespace(target, object);
    if (!object.metadata.name && object.metadata.generateName)
      object.metadata.name = generateName(object.metadata.generateName);
    if (type.statusSubresource) delete object['status'];
    let warnings: string[] = [];
    let admitted = object;
    ({ object: admitted, warnings } = admit(type, version, object, options.fieldValidation ?? 'Ignore'));
    type.strategy.prepareForCreate?.(admitted);
    validateOrThrow(type, admitted, undefined);
    const name = admitted.metadata.name!;
    if (this.store.get(type.bucket, namespace, name)) throw alreadyExists(type, name);
    this.#assertNamespaceAcceptsContent(target, namespace);
    options.validate?.(admitted, undefined);
    admitted.metadata = {
      ...admitted.metadata,
      ...(namespace === undefined ? {} : { namespace }),
      uid: newUid(),
      creationTimestamp: formatTime(this.clock.now()),
      ...(type.generation === 'none' ? {} : { generation: 1 }),
    };
    delete admitted.metadata.resourceVersion;
    delete admitted.metadata.deletionTimestamp;
    delete admitted.metadata.deletionGracePeriodSeconds;
    if (options.dryRun) return { object: toServed(type, version, toStored(type, admitted)), warnings };
    const stored = this.store.put(type.bucket, toStored(type, admitted));
    return { object: toServed(type, version, stored), warnings };
  }

  /** PUT semantics: replaces the object (or only its status), with optimistic concurrency. */
  update(target: Target, name: string, body: unknown, options: UpdateOptions = {}): WriteResult {
    const { type, version } = target;
    const current = this.get(target, name);
    const incoming = checkBody(type, version, clone(body));
    if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    this.#checkResourceVersion(type, current, incoming, options);
    let next: KubeObject;
    let warnings: string[] = [];
    if (options.subresource === 'status') {
      next = withStatus(current, incoming['status']);
      // Like the apps status strategies: annotations travel with a status update (the Deployment
      // controller records `deployment.kubernetes.io/revision` that way without a new generation).
      if (type.generation === 'spec-or-annotations' && incoming.metadata.annotations !== undefined) {
        next.metadata = { ...next.metadata, annotations: incoming.metadata.annotations };
      }
      ({ object: next, warnings } = admit(type, version, next, options.fieldValidation ?? 'Ignore'));
    } else {
      next = carryServerFields(incoming, current);
      if (type.statusSubresource) next = withStatus(next, current['status']);
      ({ object: next, warnings } = admit(type, version, next, options.fieldValidation ?? 'Ignore'));
      type.strategy.prepareForUpdate?.(next, current);
      validateOrThrow(type, next, current);
      next.metadata.generation = nextGeneration(type, current, next);
    }
    options.validate?.(next, current);
    return { object: this.#commit(target, current, next, options), warnings };
  }

  /** Stores `next` unless it changes nothing; removes the object when deletion is complete. */
  #commit(target: Target, current: KubeObject, next: KubeObject, options: WriteOptions): KubeObject {
    const { type, version } = target;
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    if (sameContent(current, next)) return current;
    if (options.dryRun) return next;
    const namespace = scopedNamespace(target);
    if (next.metadata.deletionTimestamp && !hasFinalizers(type, next)) {
      this.store.put(type.bucket, toStored(type, next));
      const removed = this.store.remove(type.bucket, namespace, next.metadata.name!);
      return toServed(type, version, removed!);
    }
    return toServed(type, version, this.store.put(type.bucket, toStored(type, next)));
  }

  #checkResourceVersion(
    type: ResourceType,
    current: KubeObject,
    incoming: KubeObject,
    options: UpdateOptions,
  ): void {
    const requested = incoming.metadata.resourceVersion;
    if (requested === undefined || requested === '') {
      if (type.allowUnconditionalUpdate || options.allowMissingResourceVersion) return;
      throw invalid(type.kind, type.group, current.metadata.name ?? '', [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0x0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    if (requested !== current.metadata.resourceVersion) throw conflict(type, current.metadata.name ?? '');
  }

  #requestNamespace(target: Target, object: KubeObject): string | undefined {
    if (!target.type.namespaced) {
      delete object.metadata.namespace;
      return undefined;
    }
    const namespace = target.namespace;
    if (!namespace) throw badRequest('a namespace must be specified for a namespaced resource');
    if (object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    return namespace;
  }

  #assertNamespaceAcceptsContent(target: Target, namespace: string | undefined): void {
    if (namespace === undefined) return;
    const ns = this.store.get('/namespaces', undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new KubeStatusError(
        403,
        'Forbidden',
        `${target.type.resource} "${''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }
}

/** The request namespace for namespaced types, undefined for cluster-scoped ones. */
export function scopedNamespace(target: Target): string | undefined {
  return target.type.namespaced ? target.namespace : undefined;
}

/** Finalizers that hold an object after DELETE; a Namespace is also held by `spec.finalizers`. */
export function hasFinalizers(type: ResourceType, object: KubeObject): boolean {
  if ((object.metadata.finalizers?.length ?? 0) > 0) return true;
  if (type.group === '' && type.resource === 'namespaces') {
    const spec = object['spec'] as { finalizers?: string[] } | undefined;
    return (spec?.finalizers?.length ?? 0) > 0;
  }
  return false;
}

/** A copy of `object` whose status is `status`; an undefined status leaves no `status` key. */
function withStatus(object: KubeObject, status: unknown): KubeObject {
  const { status: _previous, ...rest } = object;
  return status === undefined ? (rest as KubeObject) : { ...rest, status };
}

/** Fields clients cannot set: identity, timestamps and deletion state come from the stored object. */
function carryServerFields(incoming: KubeObject, current: KubeObject): KubeObject {
  const keep = [
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'namespace',
    'name',
  ];
  const metadata = { ...incoming.metadata };
  for (const field of keep) {
    if (current.metadata[field] === undefined) delete metadata[field];
    else metadata[field] = current.metadata[field];
  }
  return { ...incoming, metadata };
}

function nextGeneration(type: ResourceType, current: KubeObject, next: KubeObject): number | undefined {
  const generation = current.metadata.generation;
  if (type.generation === 'none' || generation === undefined) return generation;
  const specChanged = !jsonEqual(nonMetadata(current), nonMetadata(next));
  const annotationsChanged =
    type.generation === 'spec-or-annotations' &&
    !jsonEqual(current.metadata.annotations ?? {}, next.metadata.annotations ?? {});
  return specChanged || annotationsChanged ? generation + 1 : generation;
}
