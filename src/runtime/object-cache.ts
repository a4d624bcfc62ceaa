/**
 * The store behind an informer: objects by key, plus named secondary indexes (an index maps an
 * object to any number of values; `byIndex` finds the objects with a value). Not thread-aware:
 * the informer is its only writer.
 */

/** The object shape informers rely on: a name, an optional namespace, a resourceVersion. */
export interface ObjectWithMeta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

/** `namespace/name`, or `name` for objects without a namespace. */
export function namespacedKey(object: unknown): string {
  const meta = (object as ObjectWithMeta).metadata ?? {};
  return meta.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta.name ?? '');
}

/** The object's `metadata.resourceVersion`, or '' when it has none. */
export function resourceVersionOf(object: unknown): string {
  return (object as ObjectWithMeta).metadata?.resourceVersion ?? '';
}

type Indexer<T> = (object: T) => string[];

export class ObjectCache<T> {
  readonly #keyOf: (object: T) => string;
  readonly #objects = new Map<string, T>();
  readonly #indexers = new Map<string, Indexer<T>>();
  /** index name → value → keys. */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();

  constructor(keyOf: (object: T) => string) {
    this.#keyOf = keyOf;
  }

  keyOf(object: T): string {
    return this.#keyOf(object);
  }

  get(key: string): T | undefined {
    return this.#objects.get(key);
  }

  list(): T[] {
    return [...this.#objects.values()];
  }

  keys(): string[] {
    return [...this.#objects.keys()];
  }

  get size(): number {
    return this.#objects.size;
  }

  /** Stores `object` under its key and returns what was there before. */
  put(object: T): T | undefined {
    const key = this.#keyOf(object);
    const old = this.#objects.get(key);
    if (old !== undefined) this.#unindex(key, old);
    this.#objects.set(key, object);
    this.#index(key, object);
    return old;
  }

  /** Removes the object stored under `key` and returns it (undefined when absent). */
  remove(key: string): T | undefined {
    const old = this.#objects.get(key);
    if (old === undefined) return undefined;
    this.#unindex(key, old);
    this.#objects.delete(key);
    return old;
  }

  /** Adds (or replaces) an index and indexes what is already stored. */
  addIndex(name: string, indexer: Indexer<T>): void {
    this.#indexers.set(name, indexer);
    this.#indexes.set(name, new Map());
    for (const [key, object] of this.#objects) this.#indexOne(name, indexer, key, object);
  }

  /** Objects whose index `name` yields `value`; [] for an unknown index or value. */
  byIndex(name: string, value: string): T[] {
    const keys = this.#indexes.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((key) => this.#objects.get(key)!);
  }

  #index(key: string, object: T): void {
    for (const [name, indexer] of this.#indexers) this.#indexOne(name, indexer, key, object);
  }

  #indexOne(name: string, indexer: Indexer<T>, key: string, object: T): void {
    const index = this.#indexes.get(name)!;
    for (const value of indexer(object)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #unindex(key: string, object: T): void {
    for (const [name, indexer] of this.#indexers) {
      const index = this.#indexes.get(name)!;
      for (const value of indexer(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
