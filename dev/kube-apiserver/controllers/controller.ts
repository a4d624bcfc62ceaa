import type { StoreEvent } from '../storage/store.ts';

/**
 * The contract between a simulated controller and the manager that runs it. A controller maps
 * store events to keys and reconciles one key at a time from the current state: it is
 * level-based, so reconciling a key twice, or after a missed event, is harmless.
 */

/** Nothing more to do, or come back after a while (a deadline, a back-off, a start delay). */
export type ReconcileResult = void | { requeueAfterMs: number };

/** A key to reconcile, optionally only after `delayMs` on the controller clock. */
export interface QueuedKey {
  key: string;
  delayMs?: number;
}

export interface Controller {
  /** Names the controller in error reports: `deployment`, `garbage-collector`. */
  readonly name: string;
  /**
   * Keys to reconcile because of a change. Called synchronously from the store's listener, so it
   * must not write to the API (it may update the controller's own in-memory index). Must not throw.
   */
  keysFor(event: StoreEvent): Iterable<string | QueuedKey>;
  /** Keys to reconcile at start, for the state that existed before the controller. */
  initialKeys(): Iterable<string>;
  /** Makes the world right for `key`. Throwing retries the key (409 conflicts at once, then with back-off). */
  reconcile(key: string): ReconcileResult;
}

/** `namespace/name`, the key of a namespaced object. */
export function objectKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/** Splits a key made by `objectKey`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
