import type { LocalClient } from '../api/local-client.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import type { Controller } from './controller.ts';
import { RESOURCE } from './workload-helpers.ts';

/**
 * The service account controller: every active Namespace has a ServiceAccount named `default`,
 * created when missing (also for namespaces that existed before the controllers started, and
 * again if someone deletes it). Keys are namespace names.
 */

export const DEFAULT_SERVICE_ACCOUNT = 'default';

/** Creates the service account controller. */
export function createServiceAccountController(client: LocalClient): Controller {
  const namespaceBucket = client.target(RESOURCE.namespaces).type.bucket;
  const serviceAccountBucket = client.target(RESOURCE.serviceAccounts).type.bucket;
  return {
    name: 'serviceaccount',
    keysFor(event: StoreEvent) {
      const { metadata } = event.object;
      if (event.bucket === namespaceBucket && event.type === 'ADDED') return [metadata.name!];
      const isDefault = event.bucket === serviceAccountBucket && metadata.name === DEFAULT_SERVICE_ACCOUNT;
      return isDefault && event.type === 'DELETED' ? [metadata.namespace!] : [];
    },
    initialKeys: () => client.list(RESOURCE.namespaces).map((ns) => ns.metadata.name!),
    reconcile(namespaceName) {
      const namespace = client.get(RESOURCE.namespaces, undefined, namespaceName);
      if (!namespace || namespace.metadata.deletionTimestamp) return;
      if (client.get(RESOURCE.serviceAccounts, namespaceName, DEFAULT_SERVICE_ACCOUNT)) return;
      client.create(RESOURCE.serviceAccounts, defaultServiceAccount(namespaceName));
    },
  };
}

function defaultServiceAccount(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SERVICE_ACCOUNT, namespace } };
}
