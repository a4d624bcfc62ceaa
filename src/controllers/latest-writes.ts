/**
 * Remembers the objects this process wrote last, so that a reconcile that runs before the
 * informer has seen its own write does not act on the older copy (which would fetch from Key
 * Vault twice, or fail a replace with a conflict). An entry is used only while it is newer
 * than what the cache holds, compared as etcd revisions; entries expire once the cache
 * catches up or after `maxAgeMs`.
 */

interface Versioned {
  metadata?: { resourceVersion?: string; uid?: string };
}

function revision(object: Versioned | undefined): bigint | undefined {
  const version = object?.metadata?.resourceVersion;
  return version && /^\d+$/.test(version) ? BigInt(version) : undefined;
}

export class LatestWrites<T extends Versioned> {
  readonly #written = new Map<string, { object: T; atMs: number }>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(now: () => number, maxAgeMs = 60_000) {
    this.#now = now;
    this.#maxAgeMs = maxAgeMs;
  }

  /** Records what the API server returned for a write of `key`. */
  remember(key: string, object: T): void {
    this.#written.set(key, { object, atMs: this.#now() });
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
