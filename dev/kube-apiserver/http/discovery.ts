import type { ResourceRegistry } from '../resources/registry.ts';
import { groupVersion, type ResourceType } from '../resources/resource-type.ts';

/**
 * Discovery documents: `/version`, the aggregated v2 lists (what kubectl 1.32 asks for first)
 * and the legacy per-group-version lists (what client-node's KubernetesObjectApi reads).
 */

export const AGGREGATED_DISCOVERY_CONTENT_TYPE =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kvsync-emulator',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function wantsAggregated(accept: string | undefined): boolean {
  return (accept ?? '').includes('as=APIGroupDiscoveryList') && (accept ?? '').includes('v=v2');
}

function typesServing(registry: ResourceRegistry, group: string, version: string): ResourceType[] {
  return registry
    .all()
    .filter((t) => t.group === group && t.versions.some((v) => v.name === version && v.served));
}

/** `/api/v1` or `/apis/<g>/<v>`: an APIResourceList, undefined when nothing serves that version. */
export function resourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const types = typesServing(registry, group, version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => [
    {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
    },
    ...subresources(t).map((s) => ({
      name: `${t.resource}/${s.name}`,
      singularName: '',
      namespaced: t.namespaced,
      ...(s.group !== undefined ? { group: s.group, version: s.version } : {}),
      kind: s.kind,
      verbs: s.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function subresources(
  type: ResourceType,
): { name: string; kind: string; group?: string; version?: string; verbs: string[] }[] {
  const status = type.statusSubresource
    ? [{ name: 'status', kind: type.kind, verbs: ['get', 'patch', 'update'] }]
    : [];
  return [...status, ...type.extraSubresources];
}

function aggregatedResource(type: ResourceType, version: string): object {
  return {
    resource: type.resource,
    responseKind: { group: type.group, version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: type.verbs,
    ...(type.shortNames.length ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length ? { categories: type.categories } : {}),
    subresources: subresources(type).map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? type.group, version: s.version ?? version, kind: s.kind },
      verbs: s.verbs,
    })),
  };
}

/** The aggregated APIGroupDiscoveryList of `/api` (core only) or `/apis` (every other group). */
export function aggregatedDiscovery(registry: ResourceRegistry, core: boolean): object {
  const items = [...registry.groups()]
    .filter(([group]) => (group === '') === core)
    .map(([group, { versions, types }]) => ({
      metadata: { name: group },
      versions: versions.map((version) => ({
        version,
        freshness: 'Current',
        resources: types
          .filter((t) => t.versions.some((v) => v.name === version && v.served))
          .map((t) => aggregatedResource(t, version)),
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

function apiGroup(group: string, versions: string[]): object {
  const gv = (v: string) => ({ groupVersion: groupVersion(group, v), version: v });
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: versions.map(gv),
    preferredVersion: gv(versions[0]!),
  };
}

export function legacyApiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function legacyGroupList(registry: ResourceRegistry): object {
  const groups = [...registry.groups()]
    .filter(([group]) => group !== '')
    .map(([group, { versions }]) => apiGroup(group, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** `/apis/<group>`: an APIGroup, undefined for unknown groups. */
export function legacyGroup(registry: ResourceRegistry, group: string): object | undefined {
  const entry = registry.groups().get(group);
  return entry && group !== '' ? apiGroup(group, entry.versions) : undefined;
}
