/**
 * Group, versions, kinds and resource names of the resources kvsync serves (ESO's, unchanged).
 * `v1` is the storage version; `v1beta1` is served too so that older manifests apply as written.
 */

export const GROUP = 'external-secrets.io';
export const VERSION_V1 = 'v1';
export const VERSION_V1BETA1 = 'v1beta1';
/** Served versions, storage version first. */
export const SERVED_VERSIONS = [VERSION_V1, VERSION_V1BETA1] as const;
export type ServedVersion = (typeof SERVED_VERSIONS)[number];

export const API_VERSION_V1 = `${GROUP}/${VERSION_V1}`;
export const API_VERSION_V1BETA1 = `${GROUP}/${VERSION_V1BETA1}`;

/** `kubectl get external-secrets` lists every kind in this category. */
export const CATEGORY = 'external-secrets';

export interface ResourceNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortName: string;
  scope: 'Namespaced' | 'Cluster';
}

export const EXTERNAL_SECRET = {
  kind: 'ExternalSecret',
  listKind: 'ExternalSecretList',
  plural: 'externalsecrets',
  singular: 'externalsecret',
  shortName: 'es',
  scope: 'Namespaced',
} as const satisfies ResourceNames;

export const SECRET_STORE = {
  kind: 'SecretStore',
  listKind: 'SecretStoreList',
  plural: 'secretstores',
  singular: 'secretstore',
  shortName: 'ss',
  scope: 'Namespaced',
} as const satisfies ResourceNames;

export const CLUSTER_SECRET_STORE = {
  kind: 'ClusterSecretStore',
  listKind: 'ClusterSecretStoreList',
  plural: 'clustersecretstores',
  singular: 'clustersecretstore',
  shortName: 'css',
  scope: 'Cluster',
} as const satisfies ResourceNames;

/** `metadata.name` of a kind's CustomResourceDefinition: `<plural>.<group>`. */
export function crdName(names: ResourceNames): string {
  return `${names.plural}.${GROUP}`;
}
