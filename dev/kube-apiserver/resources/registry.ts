import { pathNotFound } from '../errors.ts';
import { servedVersion, type ResourceType, type ServedVersion } from './resource-type.ts';

/**
 * The resources the server serves right now: the built-ins, plus one entry per established CRD.
 * Discovery, OpenAPI and request routing all read from here, so a CRD is served the moment it is
 * registered.
 */
export class ResourceRegistry {
  readonly #types = new Map<string, ResourceType>();
  #generation = 0;

  /** Bumped on every change; caches of discovery and OpenAPI documents key on it. */
  get generation(): number {
    return this.#generation;
  }

  register(type: ResourceType): void {
    this.#types.set(key(type.group, type.resource), type);
    this.#generation += 1;
  }

  unregister(group: string, resource: string): void {
    if (this.#types.delete(key(group, resource))) this.#generation += 1;
  }

  all(): ResourceType[] {
    return [...this.#types.values()];
  }

  find(group: string, resource: string): ResourceType | undefined {
    return this.#types.get(key(group, resource));
  }

  /** The type and version serving `group/version/resource`; 404 Status when none does. */
  resolve(group: string, version: string, resource: string): { type: ResourceType; version: ServedVersion } {
    const type = this.find(group, resource);
    const served = type && servedVersion(type, version);
    if (!type || !served) throw pathNotFound();
    return { type, version: served };
  }

  /** The type of a kind in a group, e.g. for ownerReferences (`apps/v1`, `ReplicaSet`). */
  findByKind(group: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.kind === kind);
  }

  /** Group versions in preference order, with their resources, for discovery. */
  groups(): Map<string, { versions: string[]; types: ResourceType[] }> {
    const groups = new Map<string, { versions: string[]; types: ResourceType[] }>();
    for (const type of this.#types.values()) {
      let entry = groups.get(type.group);
      if (!entry) groups.set(type.group, (entry = { versions: [], types: [] }));
      entry.types.push(type);
      for (const v of type.versions)
        if (v.served && !entry.versions.includes(v.name)) entry.versions.push(v.name);
    }
    for (const entry of groups.values()) entry.versions.sort(compareKubeVersions);
    return groups;
  }
}

function key(group: string, resource: string): string {
  return `${group}/${resource}`;
}

const VERSION_PATTERN = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Kubernetes version priority: GA before beta before alpha, higher numbers first; others by name. */
export function compareKubeVersions(a: string, b: string): number {
  const pa = VERSION_PATTERN.exec(a);
  const pb = VERSION_PATTERN.exec(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  const stability = (m: RegExpExecArray): number => (m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1);
  const bySability = stability(pb) - stability(pa);
  if (bySability !== 0) return bySability;
  const byMajor = Number(pb[1]) - Number(pa[1]);
  if (byMajor !== 0) return byMajor;
  return Number(pb[3] ?? 0) - Number(pa[3] ?? 0);
}
