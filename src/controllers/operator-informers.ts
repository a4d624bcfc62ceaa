import {
  CONDITION_READY,
  LABEL_MANAGED,
  type ClusterSecretStore,
  type ExternalSecret,
  type SecretStore,
} from '../api/index.ts';
import { listWatchInNamespaces, type KubeClient } from '../kube/index.ts';
import { Informer, type Clock } from '../runtime/index.ts';
import { controllerOf, type SecretObject } from './external-secret/target.ts';

/** The operator's caches and the keys that connect them (ExternalSecret ↔ target ↔ store). */

export const ES_API = 'external-secrets.io/v1';

export function keyOf(object: { metadata: { namespace?: string; name?: string } }): string {
  return object.metadata.namespace
    ? `${object.metadata.namespace}/${object.metadata.name}`
    : object.metadata.name!;
}

/** ESO's filter: status-only updates do not reconcile (no feedback loop). */
export function specOrMetadataChanged(now: ExternalSecret, old: ExternalSecret): boolean {
  const a = now.metadata;
  const b = old.metadata;
  return (
    a.generation !== b.generation ||
    JSON.stringify(a.labels ?? {}) !== JSON.stringify(b.labels ?? {}) ||
    JSON.stringify(a.annotations ?? {}) !== JSON.stringify(b.annotations ?? {}) ||
    JSON.stringify(a.finalizers ?? []) !== JSON.stringify(b.finalizers ?? []) ||
    a.deletionTimestamp !== b.deletionTimestamp
  );
}

export function isReady(store: SecretStore | ClusterSecretStore): boolean {
  return store.status?.conditions?.some((c) => c.type === CONDITION_READY && c.status === 'True') ?? false;
}

export function targetKey(es: ExternalSecret): string {
  return `${es.metadata.namespace}/${es.spec.target?.name || es.metadata.name}`;
}

export function storeRefKey(es: ExternalSecret): string {
  const kind = es.spec.secretStoreRef?.kind === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
  const name = es.spec.secretStoreRef?.name ?? '';
  return kind === 'SecretStore'
    ? `SecretStore:${es.metadata.namespace}/${name}`
    : `ClusterSecretStore:${name}`;
}

/**
 * What the operator's caches keep of an object: everything but `managedFields`, which no
 * reconciler reads (writes are patches, or a replace built from chosen fields, which leaves
 * the server's managedFields as they are) and which is often the larger part of an object.
 */
export function withoutManagedFields<T extends { metadata?: object & { managedFields?: unknown } }>(
  object: T,
): T {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/**
 * The ExternalSecret a managed Secret belongs to, by its controller reference (`namespace/name`);
 * undefined for a Secret no ExternalSecret controls (a Merge or Orphan target).
 */
export function controllingExternalSecret(secret: SecretObject): string | undefined {
  const owner = controllerOf(secret);
  return owner?.kind === 'ExternalSecret' ? `${secret.metadata.namespace}/${owner.name}` : undefined;
}

/**
 * Which ExternalSecrets (by key) a replica caches, with the Secrets they control: all of them,
 * or, on a sharded replica, those of the shards it holds, so that each replica's memory is its
 * share. Secrets no ExternalSecret controls are always kept (few: Merge and Orphan targets).
 */
export type CacheScope = (externalSecretKey: string) => boolean;

export function createInformers(
  kube: KubeClient,
  clock: Clock,
  namespaces: readonly string[],
  onError?: (error: unknown) => void,
  cached?: CacheScope,
) {
  // Namespaced kinds per watched namespace (Roles there allow no cluster-wide list); none: all.
  const informer = <T>(
    name: string,
    kind: string,
    apiVersion: string,
    inNamespaces: readonly string[],
    extra: { labelSelector?: string; keep?: (object: T) => boolean } = {},
  ) => {
    const { keep, ...selectors } = extra;
    return new Informer<T>({
      name,
      clock,
      source: listWatchInNamespaces<T>(kube, { apiVersion, kind, ...selectors }, inNamespaces),
      transform: (object) => withoutManagedFields(object as { metadata?: { managedFields?: unknown } }) as T,
      ...(keep ? { keep } : {}),
      ...(onError ? { onError } : {}),
    });
  };
  return {
    externalSecrets: informer<ExternalSecret>(
      'externalsecrets',
      'ExternalSecret',
      ES_API,
      namespaces,
      cached ? { keep: (es) => cached(keyOf(es)) } : {},
    ),
    secretStores: informer<SecretStore>('secretstores', 'SecretStore', ES_API, namespaces),
    clusterSecretStores: informer<ClusterSecretStore>(
      'clustersecretstores',
      'ClusterSecretStore',
      ES_API,
      [],
    ),
    secrets: informer<SecretObject>('secrets', 'Secret', 'v1', namespaces, {
      labelSelector: `${LABEL_MANAGED}=true`,
      ...(cached
        ? {
            keep: (secret: SecretObject) => {
              const owner = controllingExternalSecret(secret);
              return owner === undefined || cached(owner);
            },
          }
        : {}),
    }),
  };
}
