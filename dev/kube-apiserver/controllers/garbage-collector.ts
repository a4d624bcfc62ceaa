import type { LocalClient } from '../api/local-client.ts';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type PropagationPolicy } from '../api/delete.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject, OwnerReference } from '../types.ts';
import type { Controller } from './controller.ts';

/**
 * The garbage collector of kube-controller-manager, simplified: an index of every object by uid
 * and of dependents by owner uid, kept from store events. Keys are uids.
 *
 * - An owner that is gone takes its dependents with it (background deletion); a dependent whose
 *   other owners still exist only loses the dangling reference.
 * - An owner deleting with `foregroundDeletion` has its dependents deleted (in the foreground
 *   themselves when they have dependents of their own); the finalizer goes once no dependent
 *   with `blockOwnerDeletion: true` is left.
 * - An owner deleting with `orphan` has its reference removed from every dependent, then the
 *   finalizer goes.
 */

interface Node {
  bucket: string;
  object: KubeObject;
}

/** Creates the garbage collector; its index is filled from the store at once. */
export function createGarbageCollector(client: LocalClient): Controller {
  const nodes = new Map<string, Node>();
  const dependents = new Map<string, Set<string>>();

  const link = (ownerUid: string, dependentUid: string): void => {
    let set = dependents.get(ownerUid);
    if (!set) dependents.set(ownerUid, (set = new Set()));
    set.add(dependentUid);
  };
  const unlink = (ownerUid: string, dependentUid: string): void => {
    const set = dependents.get(ownerUid);
    set?.delete(dependentUid);
    if (set?.size === 0) dependents.delete(ownerUid);
  };

  const index = (
    bucket: string,
    object: KubeObject,
    previous: KubeObject | undefined,
    deleted: boolean,
  ): void => {
    const uid = object.metadata.uid!;
    for (const ref of previous?.metadata.ownerReferences ?? []) unlink(ref.uid, uid);
    if (deleted) {
      nodes.delete(uid);
      return;
    }
    nodes.set(uid, { bucket, object });
    for (const ref of object.metadata.ownerReferences ?? []) link(ref.uid, uid);
  };

  for (const bucket of new Set(client.api.registry.all().map((type) => type.bucket))) {
    for (const object of client.api.store.list(bucket)) index(bucket, object, undefined, false);
  }

  const ops = new GarbageOperations(client, nodes, dependents);
  return {
    name: 'garbage-collector',
    keysFor(event: StoreEvent) {
      if (!event.object.metadata.uid) return [];
      index(event.bucket, event.object, event.previous, event.type === 'DELETED');
      return keysForEvent(event, dependents);
    },
    initialKeys: () =>
      [...nodes.values()]
        .filter(({ object }) => needsAttention(object))
        .map(({ object }) => object.metadata.uid!),
    reconcile: (uid) => ops.reconcile(uid),
  };
}

function needsAttention(object: KubeObject): boolean {
  const finalizers = object.metadata.finalizers ?? [];
  const deletingWithPolicy =
    object.metadata.deletionTimestamp !== undefined &&
    (finalizers.includes(FOREGROUND_FINALIZER) || finalizers.includes(ORPHAN_FINALIZER));
  return deletingWithPolicy || (object.metadata.ownerReferences?.length ?? 0) > 0;
}

/** The object itself (its owners may be missing, or it may be deleting) and the owners it names. */
function keysForEvent(event: StoreEvent, dependents: Map<string, Set<string>>): string[] {
  const { object, previous } = event;
  const keys: string[] = [];
  const uid = object.metadata.uid!;
  if (needsAttention(object) || (event.type === 'DELETED' && dependents.has(uid))) keys.push(uid);
  const refsChanged =
    JSON.stringify(previous?.metadata.ownerReferences ?? []) !==
    JSON.stringify(object.metadata.ownerReferences ?? []);
  if (event.type === 'DELETED' || refsChanged || object.metadata.deletionTimestamp) {
    const owners = [
      ...(object.metadata.ownerReferences ?? []),
      ...(previous?.metadata.ownerReferences ?? []),
    ];
    for (const ref of owners) keys.push(ref.uid);
  }
  return keys;
}

class GarbageOperations {
  readonly #client: LocalClient;
  readonly #nodes: Map<string, Node>;
  readonly #dependents: Map<string, Set<string>>;

  constructor(client: LocalClient, nodes: Map<string, Node>, dependents: Map<string, Set<string>>) {
    this.#client = client;
    this.#nodes = nodes;
    this.#dependents = dependents;
  }

  reconcile(uid: string): void {
    const node = this.#nodes.get(uid);
    if (!node) {
      for (const dependent of this.#dependentNodes(uid)) this.#resolveOwners(dependent);
      return;
    }
    const { metadata } = node.object;
    const finalizers = metadata.finalizers ?? [];
    if (metadata.deletionTimestamp && finalizers.includes(ORPHAN_FINALIZER)) return this.#orphan(uid, node);
    if (metadata.deletionTimestamp && finalizers.includes(FOREGROUND_FINALIZER))
      return this.#deleteForeground(uid, node);
    this.#resolveOwners(node);
  }

  /** Deletes a dependent whose owners are all gone, or drops the references to the missing ones. */
  #resolveOwners(node: Node): void {
    const refs = node.object.metadata.ownerReferences ?? [];
    const present = refs.filter((ref) => this.#nodes.has(ref.uid));
    if (present.length === refs.length) return;
    if (present.length > 0) return this.#setOwnerReferences(node, present);
    if (!node.object.metadata.deletionTimestamp) this.#deleteNode(node, 'Background');
  }

  #orphan(uid: string, owner: Node): void {
    for (const dependent of this.#dependentNodes(uid)) {
      const kept = (dependent.object.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== uid);
      this.#setOwnerReferences(dependent, kept);
    }
    this.#removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  #deleteForeground(uid: string, owner: Node): void {
    const remaining = this.#dependentNodes(uid);
    for (const dependent of remaining) {
      if (dependent.object.metadata.deletionTimestamp) continue;
      const hasOwnDependents = this.#dependents.has(dependent.object.metadata.uid!);
      this.#deleteNode(dependent, hasOwnDependents ? 'Foreground' : 'Background');
    }
    const blocking = this.#dependentNodes(uid).filter(
      (dependent) => referenceTo(dependent.object, uid)?.blockOwnerDeletion === true,
    );
    if (blocking.length === 0) this.#removeFinalizer(owner, FOREGROUND_FINALIZER);
  }

  #dependentNodes(uid: string): Node[] {
    const nodes: Node[] = [];
    for (const dependentUid of this.#dependents.get(uid) ?? []) {
      const node = this.#nodes.get(dependentUid);
      if (node) nodes.push(node);
    }
    return nodes;
  }

  #deleteNode(node: Node, propagationPolicy: PropagationPolicy): void {
    const { namespace, name, uid } = node.object.metadata;
    const resource = this.#resourceOf(node);
    if (!resource) return;
    this.#client.delete(resource, namespace, name!, { propagationPolicy, preconditions: { uid: uid! } });
  }

  #setOwnerReferences(node: Node, refs: OwnerReference[]): void {
    this.#updateCurrent(node, (object) => {
      if (refs.length > 0) object.metadata.ownerReferences = refs;
      else delete object.metadata.ownerReferences;
    });
  }

  #removeFinalizer(node: Node, finalizer: string): void {
    this.#updateCurrent(node, (object) => {
      object.metadata.finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    });
  }

  /** Re-reads the object, changes it and writes it back with its resourceVersion (409 retries). */
  #updateCurrent(node: Node, change: (object: KubeObject) => void): void {
    const resource = this.#resourceOf(node);
    const { namespace, name, uid } = node.object.metadata;
    const current = resource && this.#client.get(resource, namespace, name!);
    if (!current || current.metadata.uid !== uid) return;
    change(current);
    this.#client.update(resource, current);
  }

  /** The client's name for a bucket's resource (core Events win over events.k8s.io, which share it). */
  #resourceOf(node: Node): string | undefined {
    const types = this.#client.api.registry.all().filter((type) => type.bucket === node.bucket);
    const type = types.find((t) => t.group === '') ?? types[0];
    if (!type) return undefined;
    return type.group ? `${type.group}/${type.resource}` : type.resource;
  }
}

function referenceTo(object: KubeObject, ownerUid: string): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.uid === ownerUid);
}
