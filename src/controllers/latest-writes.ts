import { withoutManagedFields } from './operator-informers.ts';

/**
 * Remembers the objects this process wrote last, so that a reconcile that runs before the
 * informer has seen its own write does not act on the older copy (which would fetch from Key
 * Vault twice, or fail a replace with a conflict). An entry is used only while it is newer
 * than what the cache holds, compared as etcd revisions; entries expire once the cache
 * catches up or after `maxAgeMs`. `follow` drops them as soon as the informer catches up, so
 * that a cluster's worth of written objects is not kept twice.
 */

interface Versioned {
  metadata?: {
    resourceVersion?: string;
    uid?: string;
    namespace?: string;
    name?: string;
    managedFields?: unknown;
  };
}

/** The informer events `follow` listens to. */
interface Followed<T> {
  get(key: string): T | undefined;
  onAdd(handler: (object: T) => void): void;
  onUpdate(handler: (object: T, old: T) => void): void;
  onDelete(handler: (object: T) => void): void;
}

const keyOf = (object: Versioned) => `${object.metadata?.namespace}/${object.metadata?.name}`;

function revision(object: Versioned | undefined): bigint | undefined {
  const version = object?.metadata?.resourceVersion;
  return version && /^\d+$/.test(version) ? BigInt(version) : undefined;
}

export class LatestWrites<T extends Versioned> {
  readonly #written = new Map<string, { object: T; atMs: number }>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #followed: Followed<T> | undefined;

  constructor(now: () => number, maxAgeMs = 60_000) {
    this.#now = now;
    this.#maxAgeMs = maxAgeMs;
  }

  /** Records what the API server returned for a write of `key` (less its managedFields). */
  remember(key: string, object: T): void {
    this.#written.set(key, { object: withoutManagedFields(object), atMs: this.#now() });
    // The watch event may have come before the response: then there is nothing to remember.
    if (this.#followed) this.freshest(key, this.#followed.get(key));
  }

  /** Forgets writes once `informer` has caught up with them, and deleted objects. */
  follow(informer: Followed<T>): void {
    this.#followed = informer;
    const caughtUp = (object: T) => void this.freshest(keyOf(object), object);
    informer.onAdd(caughtUp);
    informer.onUpdate(caughtUp);
    informer.onDelete((object) => this.forget(keyOf(object)));
  }

  /** Forgets `key`, e.g. after a delete. */
  forget(key: string): void {
    this.#written.delete(key);
  }

  /** The newer of `cached` and the last write of `key` (same uid only). */
  freshest(key: string, cached: T | undefined): T | undefined {
    const entry = this.#written.get(key);
    if (!entry) return cached;
    const written = revision(entry.object);
    const seen = revision(cached);
    const expired = this.#now() - entry.atMs > this.#maxAgeMs;
    const sameObject = !cached || cached.metadata?.uid === entry.object.metadata?.uid;
    if (expired || !sameObject || written === undefined || (seen !== undefined && seen >= written)) {
      this.#written.delete(key);
      return cached;
    }
    return entry.object;
  }
}
