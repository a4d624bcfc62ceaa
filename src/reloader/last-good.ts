import type { KubeClient } from '../kube/index.ts';
import { ANNOTATION_ESO_DATA_HASH, KVSYNC, KVSYNC_LABELS, LAST_GOOD_SUFFIX } from './annotations.ts';
import type { SourceObject } from './types.ts';

/**
 * The last good data of a Secret, kept by kvsync in a Secret it owns, `<secret>-kvsync-last-good`,
 * in the same namespace (never anywhere else, never logged). It holds the data of up to
 * `MAX_VERSIONS` hashes, newest first, each key stored as `<hash>.<key>`, so that a workload
 * whose rollout fails can go back to what *it* ran with even when another workload has moved on.
 * The copy is owned by the Secret (owner reference): deleting the Secret deletes the copy.
 */

export const MAX_VERSIONS = 3;
const MAX_KEY_CHARS = 253;

export interface KeptVersion {
  hash: string;
  savedAt: string;
  /** ESO's data-hash annotation as it was, restored with the data. */
  esoDataHash?: string;
}

export function lastGoodName(secretName: string): string {
  return `${secretName}${LAST_GOOD_SUFFIX}`;
}

function keptVersions(copy: SourceObject | undefined): KeptVersion[] {
  try {
    const parsed: unknown = JSON.parse(copy?.metadata.annotations?.[KVSYNC.lastGoodVersions] ?? '[]');
    return Array.isArray(parsed) ? (parsed as KeptVersion[]).filter((v) => typeof v?.hash === 'string') : [];
  } catch {
    return [];
  }
}

/** The data kept for `hash` in `copy`, or undefined. */
export function recallFrom(
  copy: SourceObject | undefined,
  hash: string,
): { data: Record<string, string>; esoDataHash?: string } | undefined {
  const version = keptVersions(copy).find((v) => v.hash === hash);
  if (!version || !copy) return undefined;
  const prefix = `${hash}.`;
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(copy.data ?? {}))
    if (key.startsWith(prefix)) data[key.slice(prefix.length)] = value;
  return version.esoDataHash === undefined ? { data } : { data, esoDataHash: version.esoDataHash };
}

export interface LastGoodOptions {
  kube: KubeClient;
  /** The cached Secret `namespace/name`, or undefined. */
  cachedSecret(namespace: string, name: string): SourceObject | undefined;
  fieldManager?: string;
}

export class LastGoodStore {
  readonly #options: LastGoodOptions;

  constructor(options: LastGoodOptions) {
    this.#options = options;
  }

  /** True when the copy of `secretName` holds `hash` (from the cache). */
  holds(namespace: string, secretName: string, hash: string): boolean {
    const copy = this.#options.cachedSecret(namespace, lastGoodName(secretName));
    return keptVersions(copy).some((v) => v.hash === hash);
  }

  /** The data kept for `hash` of `namespace/secretName`, read fresh from the API; undefined when not kept. */
  async recall(namespace: string, secretName: string, hash: string) {
    const copy = await this.#options.kube.get<SourceObject>(this.#ref(namespace, secretName));
    return recallFrom(copy, hash);
  }

  /**
   * Keeps `source`'s current data under `hash` (which must be its hash now). Does nothing when
   * the cache says it is kept already. Keys too long to prefix are skipped: returns false then.
   */
  async remember(source: SourceObject, hash: string, nowMs: number): Promise<boolean> {
    const { namespace = '', name = '' } = source.metadata;
    if (this.holds(namespace, name, hash)) return true;
    const keys = Object.keys(source.data ?? {});
    if (keys.some((key) => hash.length + 1 + key.length > MAX_KEY_CHARS)) return false;
    const existing = await this.#options.kube.get<SourceObject>(this.#ref(namespace, name));
    const desired = this.#desired(source, hash, existing, nowMs);
    if (!desired) return true;
    // A copy created or changed concurrently fails with AlreadyExists or Conflict; the caller retries.
    if (existing) await this.#options.kube.replace(desired, this.#writeOptions());
    else await this.#options.kube.create(desired, this.#writeOptions());
    return true;
  }

  #desired(source: SourceObject, hash: string, existing: SourceObject | undefined, nowMs: number) {
    const versions = keptVersions(existing);
    if (versions.some((v) => v.hash === hash)) return undefined;
    const esoDataHash = source.metadata.annotations?.[ANNOTATION_ESO_DATA_HASH];
    const added: KeptVersion = { hash, savedAt: new Date(nowMs).toISOString() };
    if (esoDataHash !== undefined) added.esoDataHash = esoDataHash;
    const kept = [added, ...versions].slice(0, MAX_VERSIONS);
    const keptHashes = new Set(kept.map((v) => v.hash));
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(existing?.data ?? {}))
      if (keptHashes.has(key.slice(0, key.indexOf('.')))) data[key] = value;
    for (const [key, value] of Object.entries(source.data ?? {})) data[`${hash}.${key}`] = value;
    return this.#copyObject(source, existing, kept, data);
  }

  #copyObject(
    source: SourceObject,
    existing: SourceObject | undefined,
    kept: KeptVersion[],
    data: Record<string, string>,
  ): SourceObject {
    const { namespace, name = '', uid = '' } = source.metadata;
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: lastGoodName(name),
        namespace,
        ...(existing?.metadata.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
        labels: { [KVSYNC_LABELS.lastGoodOf]: name, [KVSYNC_LABELS.managedBy]: 'kvsync' },
        annotations: { [KVSYNC.lastGoodVersions]: JSON.stringify(kept) },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name, uid }],
      },
      type: 'Opaque',
      data,
    };
  }

  /**
   * Writes the data kept for `hash` back into `source` (a replace guarded by its
   * resourceVersion: a Secret changed meanwhile gives a Conflict). False when nothing is kept.
   */
  async restore(source: SourceObject, hash: string): Promise<boolean> {
    const { namespace = '', name = '' } = source.metadata;
    const kept = await this.recall(namespace, name, hash);
    if (!kept) return false;
    const annotations = { ...source.metadata.annotations };
    if (kept.esoDataHash !== undefined) annotations[ANNOTATION_ESO_DATA_HASH] = kept.esoDataHash;
    const restored: SourceObject = {
      ...source,
      metadata: { ...source.metadata, annotations },
      data: kept.data,
    };
    await this.#options.kube.replace(restored, this.#writeOptions());
    return true;
  }

  #ref(namespace: string, secretName: string) {
    return { apiVersion: 'v1', kind: 'Secret', namespace, name: lastGoodName(secretName) };
  }

  #writeOptions() {
    return this.#options.fieldManager ? { fieldManager: this.#options.fieldManager } : {};
  }
}
