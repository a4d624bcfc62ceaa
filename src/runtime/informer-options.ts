import type { Clock } from './clock.ts';
import type { ListWatchSource } from './list-watch.ts';

/** How an `Informer` lists, watches, keys, transforms and filters what it caches. */
export interface InformerOptions<T> {
  /** Names the informer in errors and logs. */
  name: string;
  source: ListWatchSource<T>;
  /** Default: the system clock. */
  clock?: Clock;
  /** Cache key of an object; default `namespace/name`, or `name` without a namespace. */
  keyOf?: (object: T) => string;
  /** When set, every cached object is passed to the update handlers (object, object) this often. */
  resyncMs?: number;
  /** Restart a watch that delivered nothing (not even a bookmark) for this long; default 5 min. */
  silentWatchTimeoutMs?: number;
  /** Told about list/watch failures (retried anyway) and handler exceptions (swallowed). */
  onError?: (error: unknown) => void;
  /**
   * Applied to every listed or watched object before it is cached and handed to handlers, e.g.
   * to drop fields nobody reads (client-go's `SetTransform`). Must keep metadata name,
   * namespace and resourceVersion.
   */
  transform?: (object: T) => T;
  /**
   * The informer caches, and tells handlers about, only the objects `keep` accepts (after
   * `transform`), e.g. a sharded replica keeps only the objects of its shards. An object it
   * refuses that was cached leaves the cache without a delete event: it was not deleted, it is
   * just no longer ours. The answer for an object may change only together with a call to
   * `refilter()`. Default: keep everything.
   */
  keep?: (object: T) => boolean;
}
