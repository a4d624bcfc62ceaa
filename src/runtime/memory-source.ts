import { ConflictError, type LeaseLock, type LeaseRecord, type VersionedLeaseRecord } from './lease-lock.ts';
import type { ListedObjects, ListWatchSource, WatchEventType, WatchHandle } from './list-watch.ts';
import { namespacedKey, type ObjectWithMeta } from './object-cache.ts';

/**
 * In-memory implementations of the runtime's contracts, for tests of informers, controllers and
 * leader election without a server: a versioned object store with list/watch (history, 410 after
 * compaction, dropped and failing watches) and a lease store whose locks can be cut off.
 */

interface Change<T> {
  type: WatchEventType;
  object: T;
  version: number;
}

interface MemoryWatcher<T> {
  onEvent: (type: WatchEventType, object: T) => void;
  end: (error?: unknown) => void;
}

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryListWatchSource<T extends ObjectWithMeta> implements ListWatchSource<T> {
  readonly #objects = new Map<string, T>();
  readonly #history: Change<T>[] = [];
  readonly #watchers = new Set<MemoryWatcher<T>>();
  #version = 0;
  /** Oldest version a watch may resume from. */
  #oldestResumable = 0;
  /** Calls of `list()` and `watch()`, for assertions. */
  lists = 0;
  watches = 0;
  /** When set, `list()` rejects with it (until cleared). */
  listFailure: unknown;
  /** When set, `watch()` rejects with it (until cleared). */
  watchFailure: unknown;

  /** Stores `object` (by `namespace/name`) with a new resourceVersion and tells watchers. Returns the stored copy. */
  put(object: T): T {
    const key = namespacedKey(object);
    const stored = this.#stamp(object);
    const type = this.#objects.has(key) ? 'MODIFIED' : 'ADDED';
    this.#objects.set(key, stored);
    this.#publish(type, stored);
    return clone(stored);
  }

  /** Deletes the object with `key`; watchers get DELETED with its last state at a new version. */
  remove(key: string): void {
    const old = this.#objects.get(key);
    if (!old) return;
    this.#objects.delete(key);
    this.#publish('DELETED', this.#stamp(old));
  }

  /** Sends a BOOKMARK at the current version to every open watch. */
  bookmark(): void {
    const object = { metadata: { resourceVersion: String(this.#version) } } as T;
    for (const watcher of this.#watchers) watcher.onEvent('BOOKMARK', clone(object));
  }

  /** Forgets the history: a watch from an older version then gets ERROR 410. */
  compact(): void {
    this.#history.length = 0;
    this.#oldestResumable = this.#version;
  }

  /** Ends every open watch cleanly. */
  dropWatches(): void {
    for (const watcher of [...this.#watchers]) watcher.end();
  }

  /** Ends every open watch with `error`. */
  failWatches(error: unknown): void {
    for (const watcher of [...this.#watchers]) watcher.end(error);
  }

  openWatches(): number {
    return this.#watchers.size;
  }

  async list(): Promise<ListedObjects<T>> {
    this.lists += 1;
    if (this.listFailure !== undefined) throw this.listFailure;
    return { items: [...this.#objects.values()].map(clone), resourceVersion: String(this.#version) };
  }

  async watch(
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: T) => void,
    signal?: AbortSignal,
  ): Promise<WatchHandle> {
    this.watches += 1;
    if (signal?.aborted) throw signal.reason;
    if (this.watchFailure !== undefined) throw this.watchFailure;
    let finish: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const done = new Promise<void>((resolve, reject) => (finish = { resolve, reject }));
    const watcher: MemoryWatcher<T> = {
      onEvent,
      end: (error) => {
        if (!this.#watchers.delete(watcher)) return;
        if (error === undefined) finish!.resolve();
        else finish!.reject(error);
      },
    };
    this.#watchers.add(watcher);
    signal?.addEventListener('abort', () => watcher.end(), { once: true });
    this.#replay(watcher, resourceVersion);
    return { done, abort: () => watcher.end() };
  }

  #replay(watcher: MemoryWatcher<T>, resourceVersion: string): void {
    if (resourceVersion === '' || resourceVersion === '0') {
      for (const object of this.#objects.values()) watcher.onEvent('ADDED', clone(object));
      return;
    }
    const from = Number(resourceVersion);
    if (from < this.#oldestResumable) {
      const expired = { code: 410, reason: 'Expired', message: `too old resource version: ${from}` };
      watcher.onEvent('ERROR', expired as unknown as T);
      watcher.end();
      return;
    }
    for (const change of this.#history)
      if (change.version > from && this.#watchers.has(watcher))
        watcher.onEvent(change.type, clone(change.object));
  }

  #stamp(object: T): T {
    this.#version += 1;
    const copy = clone(object);
    copy.metadata = { ...copy.metadata, resourceVersion: String(this.#version) };
    return copy;
  }

  #publish(type: WatchEventType, object: T): void {
    this.#history.push({ type, object, version: this.#version });
    for (const watcher of [...this.#watchers]) watcher.onEvent(type, clone(object));
  }
}

/** One lease shared by candidates; `lock()` gives each candidate its own view, which can be cut off. */
export class MemoryLeaseStore {
  #current: VersionedLeaseRecord | undefined;
  #version = 0;

  /** The stored record (a copy), or undefined. */
  current(): VersionedLeaseRecord | undefined {
    return this.#current && clone(this.#current);
  }

  /** A lock on this lease. Setting `unreachable` on it makes its calls reject, like a network partition. */
  lock(name = 'memory-lease'): LeaseLock & { unreachable: boolean; writes: number } {
    const unreachableError = () => new Error(`lease ${name} is unreachable`);
    const view = {
      unreachable: false,
      writes: 0,
      get: async () => {
        if (view.unreachable) throw unreachableError();
        return this.current();
      },
      create: async (record: LeaseRecord) => {
        if (view.unreachable) throw unreachableError();
        if (this.#current) throw new ConflictError(`lease ${name} already exists`);
        view.writes += 1;
        return this.#store(record);
      },
      update: async (record: LeaseRecord, version: string) => {
        if (view.unreachable) throw unreachableError();
        if (this.#current?.version !== version) throw new ConflictError(`lease ${name} was modified`);
        view.writes += 1;
        return this.#store(record);
      },
      describe: () => name,
    };
    return view;
  }

  #store(record: LeaseRecord): string {
    this.#version += 1;
    this.#current = { record: clone(record), version: String(this.#version) };
    return this.#current.version;
  }
}
