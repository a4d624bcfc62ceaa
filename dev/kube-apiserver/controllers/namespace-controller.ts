import type { LocalClient } from '../api/local-client.ts';
import type { ResourceType } from '../resources/resource-type.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import type { Controller } from './controller.ts';
import { RESOURCE, type Json } from './workload-helpers.ts';

/**
 * The namespace lifecycle controller: a Namespace marked for deletion (phase Terminating) has
 * every namespaced object in it deleted; once nothing is left, its `kubernetes` finalizer is
 * removed from `spec.finalizers`, and the API removes the Namespace. Keys are namespace names.
 */

export const NAMESPACE_FINALIZER = 'kubernetes';

/** Creates the namespace controller. */
export function createNamespaceController(client: LocalClient): Controller {
  const namespaceBucket = client.target(RESOURCE.namespaces).type.bucket;
  return {
    name: 'namespace',
    keysFor(event: StoreEvent) {
      if (event.bucket === namespaceBucket)
        return event.type === 'DELETED' ? [] : [event.object.metadata.name!];
      // A namespaced object going away may be the last one a terminating namespace waits for.
      const namespace = event.object.metadata.namespace;
      if (!namespace || event.type === 'ADDED') return [];
      return isTerminating(client.api.store.get(namespaceBucket, undefined, namespace)) ? [namespace] : [];
    },
    initialKeys: () => client.list(RESOURCE.namespaces).map((ns) => ns.metadata.name!),
    reconcile: (name) => reconcileNamespace(client, name),
  };
}

function isTerminating(namespace: KubeObject | undefined): boolean {
  return namespace?.metadata.deletionTimestamp !== undefined;
}

function reconcileNamespace(client: LocalClient, name: string): void {
  const namespace = client.get(RESOURCE.namespaces, undefined, name);
  if (!namespace || !isTerminating(namespace)) return;
  if (deleteContent(client, name) > 0) return;
  const spec = (namespace['spec'] ?? {}) as Json;
  const finalizers = (spec['finalizers'] ?? []) as string[];
  if (!finalizers.includes(NAMESPACE_FINALIZER)) return;
  const remaining = finalizers.filter((f) => f !== NAMESPACE_FINALIZER);
  namespace['spec'] = { ...spec, finalizers: remaining };
  client.update(RESOURCE.namespaces, namespace);
}

/** Deletes every namespaced object of `namespace`; returns how many are still there. */
function deleteContent(client: LocalClient, namespace: string): number {
  let remaining = 0;
  for (const resource of namespacedResources(client)) {
    for (const object of client.list(resource, namespace)) {
      remaining += 1;
      if (object.metadata.deletionTimestamp) continue;
      const result = client.delete(resource, namespace, object.metadata.name!, {
        propagationPolicy: 'Background',
      });
      if (result?.deleted) remaining -= 1;
    }
  }
  return remaining;
}

/** One client resource name per storage bucket of namespaced types (core Events cover events.k8s.io). */
function namespacedResources(client: LocalClient): string[] {
  const byBucket = new Map<string, ResourceType>();
  for (const type of client.api.registry.all()) {
    if (!type.namespaced) continue;
    const seen = byBucket.get(type.bucket);
    if (!seen || type.group === '') byBucket.set(type.bucket, type);
  }
  return [...byBucket.values()].map((type) =>
    type.group ? `${type.group}/${type.resource}` : type.resource,
  );
}
