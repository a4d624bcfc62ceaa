import { LocalClient } from './api/local-client.ts';
import { ObjectApi, type Clock } from './api/object-api.ts';
import { startControllers, type ControllerClock } from './controllers/index.ts';
import { resourceTypeFromCrd } from './resources/crd.ts';
import { builtinResourceTypes } from './resources/builtins.ts';
import { ResourceRegistry } from './resources/registry.ts';
import { VersionedStore } from './storage/store.ts';
import type { KubeObject } from './types.ts';

/**
 * The emulated cluster without its HTTP face: storage, the served resources, the API semantics
 * and the simulated controllers. Tests of controllers use it directly; the HTTPS server wraps it.
 */

export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const CRD_BUCKET = 'apiextensions.k8s.io/customresourcedefinitions';

export interface ClusterOptions {
  /** Changes kept for resuming watches (default 10,000). */
  watchHistorySize?: number;
  /** Time for the API (timestamps) and the controllers (delays, deadlines). Default: real time. */
  clock?: Clock & ControllerClock;
  /** Run the simulated controllers (default true). */
  controllers?: boolean;
}

export interface Cluster {
  store: VersionedStore;
  registry: ResourceRegistry;
  api: ObjectApi;
  client: LocalClient;
  /** Resolves when the simulated controllers have no work queued or in flight. */
  idle(): Promise<void>;
  close(): void;
}

/** Serves a CRD's resource while the CRD exists; its objects go when it goes. */
function syncCustomResources(store: VersionedStore, registry: ResourceRegistry): () => void {
  return store.subscribe(CRD_BUCKET, (event) => {
    const crd = event.object;
    if (event.type !== 'DELETED') {
      registry.register(resourceTypeFromCrd(crd));
      return;
    }
    const type = resourceTypeFromCrd(crd);
    registry.unregister(type.group, type.resource);
    for (const object of store.list(type.bucket))
      store.remove(type.bucket, object.metadata.namespace, object.metadata.name!);
  });
}

export function createCluster(options: ClusterOptions = {}): Cluster {
  const store = new VersionedStore({ historySize: options.watchHistorySize ?? 10_000 });
  const registry = new ResourceRegistry();
  for (const type of builtinResourceTypes()) registry.register(type);
  const api = new ObjectApi(store, registry, options.clock ? { clock: options.clock } : {});
  const client = new LocalClient(api);
  const stopCrdSync = syncCustomResources(store, registry);
  for (const name of INITIAL_NAMESPACES) {
    client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
  }
  const controllers =
    options.controllers === false
      ? undefined
      : startControllers(client, options.clock ? { clock: options.clock } : {});
  return {
    store,
    registry,
    api,
    client,
    idle: () => controllers?.idle() ?? Promise.resolve(),
    close() {
      controllers?.stop();
      stopCrdSync();
    },
  };
}
