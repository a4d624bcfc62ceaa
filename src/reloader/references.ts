import type { SourceKind } from './reload-config.ts';
import type { Container, PodSpec, Volume } from './types.ts';

/**
 * Which Secrets and ConfigMaps a pod spec uses, and how. The "how" decides staleness: values
 * read into the environment (`env`, `envFrom`) or mounted through `subPath` are fixed when the
 * container starts; a plain volume mount is updated in place by the kubelet.
 */

/** How a container sees a source. */
export type Consumption = 'env' | 'envFrom' | 'subPath' | 'volume';

export interface SourceUse {
  container: string;
  kind: SourceKind;
  name: string;
  via: Consumption;
}

/** `Kind/name`: the key of a source in hashes and maps. */
export type SourceKey = `${SourceKind}/${string}`;

export function sourceKey(kind: SourceKind, name: string): SourceKey {
  return `${kind}/${name}`;
}

/** Splits a key made by `sourceKey`. */
export function parseSourceKey(key: string): { kind: SourceKind; name: string } | undefined {
  const slash = key.indexOf('/');
  const kind = key.slice(0, slash);
  if (slash < 0 || (kind !== 'Secret' && kind !== 'ConfigMap')) return undefined;
  return { kind, name: key.slice(slash + 1) };
}

function volumeSources(volume: Volume): Array<{ kind: SourceKind; name: string }> {
  const found: Array<{ kind: SourceKind; name: string }> = [];
  if (volume.secret?.secretName) found.push({ kind: 'Secret', name: volume.secret.secretName });
  if (volume.configMap?.name) found.push({ kind: 'ConfigMap', name: volume.configMap.name });
  for (const source of volume.projected?.sources ?? []) {
    if (source.secret?.name) found.push({ kind: 'Secret', name: source.secret.name });
    if (source.configMap?.name) found.push({ kind: 'ConfigMap', name: source.configMap.name });
  }
  return found;
}

function containerUses(container: Container, volumes: ReadonlyMap<string, Volume>): SourceUse[] {
  const uses: SourceUse[] = [];
  const add = (kind: SourceKind, name: string | undefined, via: Consumption) => {
    if (name) uses.push({ container: container.name, kind, name, via });
  };
  for (const env of container.env ?? []) {
    add('Secret', env.valueFrom?.secretKeyRef?.name, 'env');
    add('ConfigMap', env.valueFrom?.configMapKeyRef?.name, 'env');
  }
  for (const from of container.envFrom ?? []) {
    add('Secret', from.secretRef?.name, 'envFrom');
    add('ConfigMap', from.configMapRef?.name, 'envFrom');
  }
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) continue;
    const via: Consumption = mount.subPath || mount.subPathExpr ? 'subPath' : 'volume';
    for (const source of volumeSources(volume)) add(source.kind, source.name, via);
  }
  return uses;
}

/** Every use of a Secret or ConfigMap by the containers and init containers of `spec`. */
export function sourceUses(spec: PodSpec | undefined): SourceUse[] {
  const volumes = new Map((spec?.volumes ?? []).map((volume) => [volume.name, volume]));
  const containers = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  return containers.flatMap((container) => containerUses(container, volumes));
}

/**
 * The sources `spec` references, including volumes no container mounts (Reloader counts a
 * volume of the pod as a reference).
 */
export function referencedSources(spec: PodSpec | undefined): Set<SourceKey> {
  const keys = new Set<SourceKey>(sourceUses(spec).map((use) => sourceKey(use.kind, use.name)));
  for (const volume of spec?.volumes ?? [])
    for (const source of volumeSources(volume)) keys.add(sourceKey(source.kind, source.name));
  return keys;
}

/** True for consumptions that never see an update while the container runs. */
export function isFixedAtStart(via: Consumption): boolean {
  return via !== 'volume';
}
