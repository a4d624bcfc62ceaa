/**
 * The list/watch contract an informer consumes: a consistent list with its resourceVersion,
 * then a stream of changes after that version. An adapter implements it over HTTP; tests use
 * `MemoryListWatchSource`.
 */

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchHandle {
  /** Resolves when the stream ends cleanly or after `abort()`; rejects when it fails. */
  done: Promise<void>;
  /** Ends the stream; `done` then resolves. Idempotent. */
  abort(): void;
}

export interface ListedObjects<T> {
  items: T[];
  /** The version the list is consistent at; a watch from it misses nothing. */
  resourceVersion: string;
}

export interface ListWatchSource<T> {
  /** Lists every object in scope. */
  list(): Promise<ListedObjects<T>>;
  /**
   * Starts a watch for changes after `resourceVersion` and resolves once it is established
   * (rejects when it cannot be). Events arrive through `onEvent` in order. A resourceVersion
   * the server no longer remembers must be reported as one `ERROR` event whose object has
   * `code: 410`, after which the stream ends. Aborting `signal` ends the watch like `abort()`,
   * and makes a pending `watch()` reject with `signal.reason`.
   */
  watch(
    resourceVersion: string,
    onEvent: (type: WatchEventType, object: T) => void,
    signal?: AbortSignal,
  ): Promise<WatchHandle>;
}

/** True for the object of an `ERROR` event that says the resourceVersion is too old (HTTP 410). */
export function isExpiredEvent(object: unknown): boolean {
  return typeof object === 'object' && object !== null && (object as { code?: unknown }).code === 410;
}
