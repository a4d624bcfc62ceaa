import type { LocalClient } from '../api/local-client.ts';
import type { StoreEvent } from '../storage/store.ts';
import { objectKey, type Controller, type ReconcileResult } from './controller.ts';
import { controllerKey, RESOURCE } from './workload-helpers.ts';

export interface PodOwnerControllerOptions {
  /** Names the controller in error reports. */
  name: string;
  /** The owning resource, e.g. `RESOURCE.replicaSets`. */
  resource: string;
  /** Its kind, as it appears in the pods' controller reference. */
  kind: string;
  reconcile(key: string): ReconcileResult;
}

/**
 * A controller of a workload kind that owns pods (ReplicaSet, StatefulSet, DaemonSet): keyed by
 * `namespace/name` of the workload, woken by changes to the workload and to the pods it controls.
 * A deleted workload needs no reconcile: the garbage collector removes its pods.
 */
export function podOwnerController(client: LocalClient, options: PodOwnerControllerOptions): Controller {
  const ownerBucket = client.target(options.resource).type.bucket;
  const podBucket = client.target(RESOURCE.pods).type.bucket;
  return {
    name: options.name,
    keysFor(event: StoreEvent) {
      const { object } = event;
      if (event.bucket === ownerBucket)
        return event.type === 'DELETED' ? [] : [objectKey(object.metadata.namespace, object.metadata.name)];
      const owner = event.bucket === podBucket ? controllerKey(object, options.kind) : undefined;
      return owner ? [owner] : [];
    },
    initialKeys: () =>
      client.list(options.resource).map((o) => objectKey(o.metadata.namespace, o.metadata.name)),
    reconcile: options.reconcile,
  };
}
