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

/** An ERROR event other than 410 ends the watch as a failure. */
export class WatchErrorEvent extends Error {
  readonly object: unknown;
  constructor(informer: string, object: unknown) {
    const status = object as { code?: unknown; reason?: unknown };
    super(`watch of ${informer} failed: ERROR event ${String(status.code)} ${String(status.reason)}`);
    this.name = 'WatchErrorEvent';
    this.object = object;
  }
}

/** Resolves when the stream ends or `signal` aborts (then the handle is aborted too). */
export async function untilEnded(handle: WatchHandle, signal: AbortSignal): Promise<void> {
  handle.done.catch(() => {}); // a rejection after we stopped listening is not unhandled
  if (signal.aborted) return handle.abort();
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => {
      handle.abort();
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([handle.done, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
