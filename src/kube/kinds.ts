/**
 * Which URL serves a kind: its plural resource name and whether it lives in a namespace. The
 * kinds kvsync uses are listed here; `KindTable.register` adds others, and kinds in neither are
 * looked up by discovery (`GET /api/v1`, `/apis/<group>/<version>`) on first use.
 */

export interface KindInfo {
  /** `v1` for the core group, else `<group>/<version>`. */
  apiVersion: string;
  kind: string;
  /** The resource name in URLs, e.g. `secrets`. */
  plural: string;
  namespaced: boolean;
}

const kind = (apiVersion: string, kind: string, plural: string, namespaced = true): KindInfo =>
  Object.freeze({ apiVersion, kind, plural, namespaced });

/** The kinds kvsync reads or writes. */
export const BUILTIN_KINDS: readonly KindInfo[] = Object.freeze([
  kind('v1', 'Secret', 'secrets'),
  kind('v1', 'ConfigMap', 'configmaps'),
  kind('v1', 'ServiceAccount', 'serviceaccounts'),
  kind('v1', 'Namespace', 'namespaces', false),
  kind('v1', 'Pod', 'pods'),
  kind('v1', 'Event', 'events'),
  kind('apps/v1', 'Deployment', 'deployments'),
  kind('apps/v1', 'StatefulSet', 'statefulsets'),
  kind('apps/v1', 'DaemonSet', 'daemonsets'),
  kind('apps/v1', 'ReplicaSet', 'replicasets'),
  kind('coordination.k8s.io/v1', 'Lease', 'leases'),
  kind('events.k8s.io/v1', 'Event', 'events'),
  kind('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  kind('external-secrets.io/v1', 'ExternalSecret', 'externalsecrets'),
  kind('external-secrets.io/v1', 'SecretStore', 'secretstores'),
  kind('external-secrets.io/v1', 'ClusterSecretStore', 'clustersecretstores', false),
  kind('external-secrets.io/v1beta1', 'ExternalSecret', 'externalsecrets'),
  kind('external-secrets.io/v1beta1', 'SecretStore', 'secretstores'),
  kind('external-secrets.io/v1beta1', 'ClusterSecretStore', 'clustersecretstores', false),
  kind('argoproj.io/v1alpha1', 'Rollout', 'rollouts'),
]);

const tableKey = (apiVersion: string, kindName: string) => `${apiVersion}/${kindName}`;

/** A per-client table of kinds, seeded with `BUILTIN_KINDS`. */
export class KindTable {
  readonly #kinds = new Map<string, KindInfo>();

  constructor(extra: readonly KindInfo[] = []) {
    for (const info of [...BUILTIN_KINDS, ...extra]) this.register(info);
  }

  /** Adds or replaces a kind. */
  register(info: KindInfo): void {
    this.#kinds.set(tableKey(info.apiVersion, info.kind), Object.freeze({ ...info }));
  }

  /** The kind's entry, or undefined when it was never registered or discovered. */
  lookup(apiVersion: string, kindName: string): KindInfo | undefined {
    return this.#kinds.get(tableKey(apiVersion, kindName));
  }
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** The collection URL path; all namespaces when a namespaced kind gets no namespace. */
export function collectionPath(info: KindInfo, namespace?: string): string {
  const scope = info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(info.apiVersion)}${scope}/${info.plural}`;
}

/** The object URL path, optionally of a subresource such as `status`. */
export function objectPath(
  info: KindInfo,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const path = `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${path}/${subresource}` : path;
}
