import { listWatchInNamespaces, type KubeClient } from '../kube/index.ts';
import { Informer, type Clock } from '../runtime/index.ts';
import type { ReloaderCaches } from './context.ts';
import { containersReadingAtStart } from './stale-pods.ts';
import { sourceUses } from './references.ts';
import type { SourceKind } from './reload-config.ts';
import type { PodObject, SourceObject, WorkloadObject } from './types.ts';
import { KIND_ADAPTERS, type WorkloadKind } from './workload-kinds.ts';

/**
 * The reloader's informers (Secrets, ConfigMaps, pods and one per workload kind), indexed by
 * namespace, and the read-only cache view the reconcilers use. With watched namespaces, each
 * informer lists and watches in those only (one list and watch per namespace, as Roles there
 * allow); with none, across the cluster.
 */

export const BY_NAMESPACE = 'namespace';
/** Pod index: `namespace/secret` for every Secret a container reads at start. */
export const BY_SECRET_READ_AT_START = 'secret-read-at-start';

export interface ReloaderInformers {
  secrets: Informer<SourceObject>;
  configMaps: Informer<SourceObject>;
  pods: Informer<PodObject>;
  workloads: Partial<Record<WorkloadKind, Informer<WorkloadObject>>>;
  all(): Array<Informer<unknown>>;
}

const namespaceOf = (object: { metadata: { namespace?: string } }) => [object.metadata.namespace ?? ''];

/** The Secrets pod reads at start, as `namespace/name` keys. */
export function secretsReadAtStart(pod: PodObject): string[] {
  const names = new Set(
    sourceUses(pod.spec)
      .filter((u) => u.kind === 'Secret')
      .map((u) => u.name),
  );
  return [...names]
    .filter((name) => containersReadingAtStart(pod, name).length > 0)
    .map((name) => `${pod.metadata.namespace}/${name}`);
}

export function createInformers(
  kube: KubeClient,
  clock: Clock,
  namespaces: readonly string[],
  kinds: readonly WorkloadKind[],
  onError: (error: unknown) => void,
): ReloaderInformers {
  const make = <T extends { metadata: { namespace?: string } }>(
    name: string,
    apiVersion: string,
    kind: string,
  ) => {
    const informer = new Informer<T>({
      name: `reloader-${name}`,
      clock,
      onError,
      source: listWatchInNamespaces<T>(kube, { apiVersion, kind }, namespaces),
    });
    informer.addIndex(BY_NAMESPACE, namespaceOf);
    return informer;
  };
  const pods = make<PodObject>('pods', 'v1', 'Pod');
  pods.addIndex(BY_SECRET_READ_AT_START, secretsReadAtStart);
  const workloads: Partial<Record<WorkloadKind, Informer<WorkloadObject>>> = {};
  for (const kind of kinds)
    workloads[kind] = make<WorkloadObject>(kind.toLowerCase(), KIND_ADAPTERS[kind].apiVersion, kind);
  const informers = {
    secrets: make<SourceObject>('secrets', 'v1', 'Secret'),
    configMaps: make<SourceObject>('configmaps', 'v1', 'ConfigMap'),
    pods,
    workloads,
  };
  return {
    ...informers,
    all: () =>
      [informers.secrets, informers.configMaps, pods, ...Object.values(workloads)] as Array<
        Informer<unknown>
      >,
  };
}

/** The cache view over the informers. */
export function cachesOf(informers: ReloaderInformers): ReloaderCaches {
  const sources = (kind: SourceKind) => (kind === 'Secret' ? informers.secrets : informers.configMaps);
  return {
    source: (kind, namespace, name) => sources(kind).get(`${namespace}/${name}`),
    sourceNames: (kind, namespace) =>
      sources(kind)
        .byIndex(BY_NAMESPACE, namespace)
        .map((object) => object.metadata.name ?? ''),
    workload: (kind, namespace, name) => informers.workloads[kind]?.get(`${namespace}/${name}`),
    podsIn: (namespace) => informers.pods.byIndex(BY_NAMESPACE, namespace),
  };
}
