import { KVSYNC_LABELS } from './annotations.ts';
import { referencedSources, sourceKey, type SourceKey } from './references.ts';
import {
  isIgnoredSource,
  isSearchMatch,
  SOURCE_KINDS,
  type ReloadSelection,
  type SourceKind,
} from './reload-config.ts';
import type { PodSpec, SourceObject } from './types.ts';

/**
 * Which Secrets and ConfigMaps a workload reloads for, in Reloader's order of checks: a source
 * marked `ignore` never counts; a name on the exclude list never counts; a name matching the
 * `reload` list counts even when the pod spec does not reference it; `search` counts referenced
 * sources marked `match`; `auto` counts every referenced source. Only existing sources are
 * returned (a missing one cannot be hashed; its pods cannot start anyway). kvsync's last-good
 * copies never count.
 */

/** The Secrets and ConfigMaps of the workload's namespace, from the informer caches. */
export interface SourceLookup {
  get(kind: SourceKind, name: string): SourceObject | undefined;
  /** Every name of `kind` in the namespace. */
  names(kind: SourceKind): Iterable<string>;
}

function counts(
  kind: SourceKind,
  name: string,
  selection: ReloadSelection,
  referenced: ReadonlySet<SourceKey>,
  source: SourceObject,
): boolean {
  const select = selection[kind];
  if (isIgnoredSource(source.metadata.annotations)) return false;
  if (source.metadata.labels?.[KVSYNC_LABELS.lastGoodOf] !== undefined) return false;
  if (select.excluded.has(name)) return false;
  if (select.named.some((pattern) => pattern.test(name))) return true;
  if (!referenced.has(sourceKey(kind, name))) return false;
  return select.auto || (select.search && isSearchMatch(source.metadata.annotations));
}

/** The tracked sources, sorted by key. */
export function trackedSources(
  selection: ReloadSelection,
  spec: PodSpec | undefined,
  lookup: SourceLookup,
): SourceKey[] {
  const referenced = referencedSources(spec);
  const tracked = new Set<SourceKey>();
  for (const kind of SOURCE_KINDS) {
    const candidates = new Set<string>();
    if (selection[kind].named.length > 0) for (const name of lookup.names(kind)) candidates.add(name);
    for (const key of referenced) if (key.startsWith(`${kind}/`)) candidates.add(key.slice(kind.length + 1));
    for (const name of candidates) {
      const source = lookup.get(kind, name);
      if (source && counts(kind, name, selection, referenced, source)) tracked.add(sourceKey(kind, name));
    }
  }
  return [...tracked].sort();
}
