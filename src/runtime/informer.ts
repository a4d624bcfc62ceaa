import { exponentialDelayMs } from './backoff.ts';
import { systemClock, type Clock, type Timer } from './clock.ts';
import {
  isExpiredEvent,
  untilEnded,
  WatchErrorEvent,
  type ListWatchSource,
  type WatchEventType,
} from './list-watch.ts';
import type { InformerOptions } from './informer-options.ts';
import { namespacedKey, ObjectCache, resourceVersionOf } from './object-cache.ts';

export type { ListedObjects, ListWatchSource, WatchEventType, WatchHandle } from './list-watch.ts';
export { WatchErrorEvent } from './list-watch.ts';
export type { InformerOptions } from './informer-options.ts';

/**
 * An informer keeps a local cache of one kind of object in step with a `ListWatchSource`, and
 * tells handlers what changed. It never stops for good on an error, restarts a watch that has
 * been silent too long (a half-open TCP connection), and does not spin against a server that
 * closes watches at once.
 *
 * - clean close → watch again from the last resourceVersion (after repeated immediate closes,
 *   with a delay of 1 s doubling to 30 s);
 * - ERROR 410 → list again at once and diff against the cache (add/update/delete for what
 *   changed); repeated 410s in a row are spaced out like immediate closes;
 * - any other failure → wait 1 s doubling to 30 s (on the clock), then list again;
 * - an object whose resourceVersion did not change produces no event.
 */

const FIRST_RETRY_DELAY_MS = 1000;
const MAX_RETRY_DELAY_MS = 30_000;
/** A watch that ends sooner than this without an event counts as an immediate close. */
const IMMEDIATE_CLOSE_MS = 1000;

/** No delay for the first of a run of immediate ends, then 1 s doubling to 30 s. */
function spacingDelayMs(inARow: number): number {
  return inARow < 2 ? 0 : exponentialDelayMs(inARow - 2, FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS);
}

/** Why a watch ended, when it did not fail; `refiltered`: ended by `refilter()`, to relist. */
type WatchEnd = 'closed' | 'expired' | 'silent' | 'refiltered';

interface WatchSession {
  abort: AbortController;
  sawChange: boolean;
  /** Set by `#endSession`: the first cause wins. */
  end: WatchEnd;
  failure: unknown;
}

export class Informer<T> {
  readonly name: string;
  readonly #source: ListWatchSource<T>;
  readonly #transform: (object: T) => T;
  readonly #keep: (object: T) => boolean;
  readonly #clock: Clock;
  readonly #cache: ObjectCache<T>;
  readonly #resyncMs: number | undefined;
  readonly #silentWatchTimeoutMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #addHandlers: Array<(object: T) => void> = [];
  readonly #updateHandlers: Array<(object: T, old: T) => void> = [];
  readonly #deleteHandlers: Array<(object: T) => void> = [];
  /** Aborted by stop(): ends sleeps and the current watch. */
  readonly #lifetime = new AbortController();
  #started: Promise<void> | undefined;
  #markSynced: () => void = () => {};
  #synced = false;
  #resourceVersion = '';
  #needsList = true;
  #failures = 0;
  #immediateCloses = 0;
  #expiriesInARow = 0;
  #resyncTimer: Timer | undefined;
  /** The open watch, which `refilter()` ends. */
  #session: WatchSession | undefined;
  /** Numbers the `refilter()` calls, so that a list knows which calls it answers. */
  #refilterCalls = 0;
  /** Pending `refilter()` calls (in call order), resolved by the first list that starts after them. */
  #refilterWaiters: Array<{ call: number; resolve: () => void }> = [];

  constructor(options: InformerOptions<T>) {
    this.name = options.name;
    this.#source = options.source;
    this.#transform = options.transform ?? ((object) => object);
    this.#keep = options.keep ?? (() => true);
    this.#clock = options.clock ?? systemClock;
    this.#cache = new ObjectCache(options.keyOf ?? namespacedKey);
    this.#resyncMs = options.resyncMs;
    this.#silentWatchTimeoutMs = options.silentWatchTimeoutMs ?? 300_000;
    this.#onError = options.onError;
  }

  /**
   * Starts listing and watching in the background. Resolves once the first list is in the cache
   * (or when `stop()` comes first; then `hasSynced()` is false). Calling it again returns the
   * same promise; an informer cannot be started after `stop()`.
   */
  start(): Promise<void> {
    if (!this.#started) {
      this.#started = new Promise((resolve) => (this.#markSynced = resolve));
      if (this.#lifetime.signal.aborted) this.#markSynced();
      else void this.#run();
    }
    return this.#started;
  }

  /** Stops watching and cancels timers; the cache keeps its last contents. Idempotent. */
  stop(): void {
    this.#lifetime.abort(new Error(`informer ${this.name} stopped`));
    this.#resyncTimer?.cancel();
    this.#markSynced();
    for (const waiter of this.#refilterWaiters.splice(0)) waiter.resolve();
  }

  /**
   * Call after `keep`'s answers changed: drops at once (without delete events) every cached
   * object `keep` now refuses, and relists to add the objects it now accepts. Resolves once a
   * list that started after this call is in the cache, or when the informer stops. Calls before
   * the next list starts share it; a list already under way when it is called does not count.
   */
  refilter(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.prune();
    this.#refilterCalls += 1;
    const call = this.#refilterCalls;
    this.#needsList = true;
    if (this.#session)
      this.#endSession(this.#session, 'refiltered', `watch of ${this.name} ended by refilter()`);
    return new Promise((resolve) => this.#refilterWaiters.push({ call, resolve }));
  }

  /**
   * Call after `keep` came to accept less than before, and nothing more: drops at once (without
   * delete events) every cached object `keep` now refuses. Lists nothing, unlike `refilter()`.
   */
  prune(): void {
    for (const object of this.#cache.list())
      if (!this.#keep(object)) this.#cache.remove(this.#cache.keyOf(object));
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  /** The cached object with `key`, or undefined. */
  get(key: string): T | undefined {
    return this.#cache.get(key);
  }

  list(): T[] {
    return this.#cache.list();
  }

  /** Handlers see changes from the moment they are added; register them before `start()`. */
  onAdd(handler: (object: T) => void): void {
    this.#addHandlers.push(handler);
  }

  onUpdate(handler: (object: T, old: T) => void): void {
    this.#updateHandlers.push(handler);
  }

  /** Called with the object's last state. */
  onDelete(handler: (object: T) => void): void {
    this.#deleteHandlers.push(handler);
  }

  /** Adds a secondary index; `indexer` must be pure and must not throw. */
  addIndex(name: string, indexer: (object: T) => string[]): void {
    this.#cache.addIndex(name, indexer);
  }

  /** Cached objects whose index `name` yields `value`; [] when none. */
  byIndex(name: string, value: string): T[] {
    return this.#cache.byIndex(name, value);
  }

  get #stopped(): boolean {
    return this.#lifetime.signal.aborted;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (this.#needsList) await this.#relist();
        else await this.#watchOnce();
      } catch (error) {
        if (this.#stopped) return;
        this.#report(error);
        this.#needsList = true;
        await this.#pause(exponentialDelayMs(this.#failures, FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS));
        this.#failures += 1;
      }
    }
  }

  /** Waits `delayMs` on the clock; returns early (without throwing) when stopped. */
  async #pause(delayMs: number): Promise<void> {
    if (delayMs <= 0) return;
    await this.#clock.sleep(delayMs, this.#lifetime.signal).catch(() => {});
  }

  /** Lists and diffs against the cache. A `refilter()` call while it lists asks for another list. */
  async #relist(): Promise<void> {
    const answersCalls = this.#refilterCalls;
    this.#needsList = false;
    const { items, resourceVersion } = await this.#source.list();
    if (this.#stopped) return;
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(this.#cache.keyOf(item));
      this.#offer(this.#transform(item));
    }
    for (const key of this.#cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.#cache.remove(key)!;
      this.#emit(this.#deleteHandlers, old);
    }
    this.#resourceVersion = resourceVersion;
    if (!this.#synced) this.#onFirstSync();
    const waiters = this.#refilterWaiters;
    this.#refilterWaiters = waiters.filter((waiter) => waiter.call > answersCalls);
    for (const waiter of waiters) if (waiter.call <= answersCalls) waiter.resolve();
  }

  #onFirstSync(): void {
    this.#synced = true;
    this.#markSynced();
    if (this.#resyncMs && this.#resyncMs > 0) this.#armResync(this.#resyncMs);
  }

  #armResync(everyMs: number): void {
    this.#resyncTimer = this.#clock.setTimer(everyMs, () => {
      if (this.#stopped) return;
      for (const object of this.#cache.list()) this.#emitUpdate(object, object);
      this.#armResync(everyMs);
    });
  }

  /** Stores a listed or watched object that `keep` accepts; drops one it refuses from the cache, silently. */
  #offer(object: T): void {
    if (this.#keep(object)) this.#store(object);
    else this.#cache.remove(this.#cache.keyOf(object));
  }

  /** Puts `object` in the cache and emits add or update; nothing when its resourceVersion is unchanged. */
  #store(object: T): void {
    const key = this.#cache.keyOf(object);
    const old = this.#cache.get(key);
    const version = resourceVersionOf(object);
    if (old !== undefined && version !== '' && resourceVersionOf(old) === version) return;
    this.#cache.put(object);
    if (old === undefined) this.#emit(this.#addHandlers, object);
    else this.#emitUpdate(object, old);
  }

  /** One watch from the current resourceVersion, until it ends; then the pause that should follow. */
  async #watchOnce(): Promise<void> {
    const session: WatchSession = {
      abort: new AbortController(),
      sawChange: false,
      end: 'closed',
      failure: undefined,
    };
    this.#session = session;
    const endSession = () => session.abort.abort(new Error(`watch of ${this.name} ended`));
    this.#lifetime.signal.addEventListener('abort', endSession, { once: true });
    let silence = this.#armSilence(session);
    const startedMs = this.#clock.now();
    try {
      const handle = await this.#source.watch(
        this.#resourceVersion,
        (type, object) => {
          if (session.abort.signal.aborted) return;
          silence.cancel();
          silence = this.#armSilence(session);
          this.#onWatchEvent(session, type, object);
        },
        session.abort.signal,
      );
      await untilEnded(handle, session.abort.signal);
    } catch (error) {
      if (!session.abort.signal.aborted) throw error;
    } finally {
      silence.cancel();
      this.#lifetime.signal.removeEventListener('abort', endSession);
      this.#session = undefined;
    }
    if (session.failure !== undefined) throw session.failure;
    await this.#afterWatch(session, this.#clock.now() - startedMs);
  }

  #armSilence(session: WatchSession): Timer {
    return this.#clock.setTimer(this.#silentWatchTimeoutMs, () =>
      this.#endSession(
        session,
        'silent',
        `watch of ${this.name} was silent for ${this.#silentWatchTimeoutMs} ms`,
      ),
    );
  }

  /** Ends `session` because of `end`, unless it has already ended. */
  #endSession(session: WatchSession, end: WatchEnd, reason: string): void {
    if (session.abort.signal.aborted) return;
    session.end = end;
    session.abort.abort(new Error(reason));
  }

  #onWatchEvent(session: WatchSession, type: WatchEventType, object: T): void {
    if (type === 'ERROR') {
      const reason = `watch of ${this.name} got an ERROR event`;
      if (isExpiredEvent(object)) return this.#endSession(session, 'expired', reason);
      session.failure = new WatchErrorEvent(this.name, object);
      return session.abort.abort(new Error(reason));
    }
    session.sawChange = true;
    this.#failures = 0;
    const version = resourceVersionOf(object);
    if (version !== '') this.#resourceVersion = version;
    if (type === 'BOOKMARK') return;
    if (type !== 'DELETED') return this.#offer(this.#transform(object));
    const old = this.#cache.remove(this.#cache.keyOf(object));
    if (old !== undefined) this.#emit(this.#deleteHandlers, this.#transform(object));
  }

  /**
   * After a watch ends: relist on expiry or refilter, watch again otherwise. Watches that keep
   * ending at once without a change (or keep expiring) are spaced out: 1 s doubling to 30 s from
   * the second. A refilter is our own doing, so it is neither spaced out nor counted.
   */
  async #afterWatch(session: WatchSession, lastedMs: number): Promise<void> {
    if (session.sawChange) {
      this.#immediateCloses = 0;
      this.#expiriesInARow = 0;
    }
    if (session.end === 'silent' || session.end === 'refiltered') return;
    if (session.end === 'expired') {
      this.#needsList = true;
      this.#expiriesInARow += 1;
      return this.#pause(spacingDelayMs(this.#expiriesInARow));
    }
    const immediate = !session.sawChange && lastedMs < IMMEDIATE_CLOSE_MS;
    this.#immediateCloses = immediate ? this.#immediateCloses + 1 : 0;
    if (!immediate) this.#failures = 0;
    await this.#pause(spacingDelayMs(this.#immediateCloses));
  }

  #emit(handlers: Array<(object: T) => void>, object: T): void {
    for (const handler of handlers) {
      try {
        handler(object);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  #emitUpdate(object: T, old: T): void {
    for (const handler of this.#updateHandlers) {
      try {
        handler(object, old);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  #report(error: unknown): void {
    try {
      this.#onError?.(error);
    } catch {
      // A failing error reporter must not stop the informer.
    }
  }
}
