import type { KubeObject } from '../types.ts';

/**
 * The emulator's etcd: objects in buckets (one per group/resource), one global resourceVersion
 * counter shared by every bucket, a bounded history of changes for resuming watches, and
 * synchronous fan-out to subscribers. It knows nothing of Kubernetes semantics beyond that.
 */

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  bucket: string;
  resourceVersion: number;
  /** The object after the change (for DELETED: its last state, carrying the new resourceVersion). */
  object: KubeObject;
  /** The object before the change, for MODIFIED and DELETED. */
  previous: KubeObject | undefined;
}

export type StoreListener = (event: StoreEvent) => void;

export interface VersionedStoreOptions {
  /**
   * How many changes are kept for resuming watches (up to a quarter more between trims); older
   * resourceVersions get 410. Default 10,000.
   */
  historySize?: number;
}

export type HistoryQuery = { events: StoreEvent[] } | { expired: true };

const DEFAULT_HISTORY_SIZE = 10_000;

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class VersionedStore {
  readonly #buckets = new Map<string, Map<string, KubeObject>>();
  /** Each bucket's keys in order, built when asked and dropped when a key comes or goes. */
  readonly #sortedKeys = new Map<string, string[]>();
  readonly #listeners = new Map<string, Set<StoreListener>>();
  readonly #anyListeners = new Set<StoreListener>();
  readonly #history: StoreEvent[] = [];
  readonly #historySize: number;
  #resourceVersion = 0;
  /** Every event at or below this resourceVersion has left the history. */
  #compactedThrough = 0;

  constructor(options: VersionedStoreOptions = {}) {
    this.#historySize = options.historySize ?? DEFAULT_HISTORY_SIZE;
  }

  get resourceVersion(): number {
    return this.#resourceVersion;
  }

  /** The stored object, or undefined. The caller must not mutate it (objects are frozen). */
  get(bucket: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.#buckets.get(bucket)?.get(objectKey(namespace, name));
  }

  /** Every object of a bucket, optionally of one namespace, in insertion order. Frozen objects. */
  list(bucket: string, namespace?: string): KubeObject[] {
    const objects = this.#buckets.get(bucket);
    if (!objects) return [];
    const all = [...objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /**
   * The keys (`namespace/name`, `/name` without a namespace) of a bucket in etcd's order, for
   * paging through a list without sorting it per page. Kept until a key is added or removed.
   */
  sortedKeys(bucket: string): readonly string[] {
    let keys = this.#sortedKeys.get(bucket);
    if (!keys) {
      keys = [...(this.#buckets.get(bucket)?.keys() ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.#sortedKeys.set(bucket, keys);
    }
    return keys;
  }

  /** The stored object under a key of `sortedKeys`. Frozen. */
  getByKey(bucket: string, key: string): KubeObject | undefined {
    return this.#buckets.get(bucket)?.get(key);
  }

  /** Stores a new object or a new state of one, stamping the next resourceVersion. */
  put(bucket: string, object: KubeObject): KubeObject {
    const key = objectKey(object.metadata.namespace, object.metadata.name ?? '');
    const objects = this.#bucket(bucket);
    const previous = objects.get(key);
    const stored = this.#stamp(object);
    objects.set(key, stored);
    if (!previous) this.#sortedKeys.delete(bucket);
    this.#record({
      type: previous ? 'MODIFIED' : 'ADDED',
      bucket,
      resourceVersion: this.#resourceVersion,
      object: stored,
      previous,
    });
    return stored;
  }

  /** Removes an object; its DELETED event carries the last state with a new resourceVersion. */
  remove(bucket: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const objects = this.#buckets.get(bucket);
    const key = objectKey(namespace, name);
    const previous = objects?.get(key);
    if (!objects || !previous) return undefined;
    objects.delete(key);
    this.#sortedKeys.delete(bucket);
    const last = this.#stamp(previous);
    this.#record({ type: 'DELETED', bucket, resourceVersion: this.#resourceVersion, object: last, previous });
    return last;
  }

  /** Every change of a bucket after `resourceVersion`, or `expired` when history no longer reaches back. */
  eventsSince(bucket: string, resourceVersion: number): HistoryQuery {
    if (resourceVersion < this.#compactedThrough) return { expired: true };
    const events = this.#history.filter((e) => e.resourceVersion > resourceVersion && e.bucket === bucket);
    return { events };
  }

  /** Calls `listener` synchronously for each change in `bucket`; returns the unsubscribe function. */
  subscribe(bucket: string, listener: StoreListener): () => void {
    let set = this.#listeners.get(bucket);
    if (!set) this.#listeners.set(bucket, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls `listener` for every change in every bucket (for controllers and garbage collection). */
  subscribeAll(listener: StoreListener): () => void {
    this.#anyListeners.add(listener);
    return () => this.#anyListeners.delete(listener);
  }

  /** Forgets the whole history, so that any resume from an older resourceVersion gets 410 (tests). */
  compactHistory(): void {
    this.#history.length = 0;
    this.#compactedThrough = this.#resourceVersion;
  }

  #bucket(bucket: string): Map<string, KubeObject> {
    let objects = this.#buckets.get(bucket);
    if (!objects) this.#buckets.set(bucket, (objects = new Map()));
    return objects;
  }

  #stamp(object: KubeObject): KubeObject {
    this.#resourceVersion += 1;
    const stamped = {
      ...object,
      metadata: { ...object.metadata, resourceVersion: String(this.#resourceVersion) },
    };
    return deepFreeze(stamped);
  }

  #record(event: StoreEvent): void {
    this.#history.push(event);
    // Trimmed a quarter at a time: trimming on every write shifted the whole history each time.
    if (this.#history.length > this.#historySize + Math.ceil(this.#historySize / 4)) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historySize);
      this.#compactedThrough = dropped[dropped.length - 1]!.resourceVersion;
    }
    for (const listener of this.#listeners.get(event.bucket) ?? []) listener(event);
    for (const listener of this.#anyListeners) listener(event);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
