import type { StoreEvent } from '../storage/store.ts';
import type { ControllerClock } from './clock.ts';
import type { Controller, QueuedKey } from './controller.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * Runs controllers: feeds them store events, keeps one work queue each, and drains the queues in
 * `setImmediate` batches, so no controller writes from inside a store listener and HTTP requests
 * keep being served between batches.
 */

/** Keys reconciled per macrotask before yielding to the event loop. */
const BATCH_SIZE = 200;

/** Called when a reconcile throws or an event cannot be mapped; the key is retried either way. */
export type ControllerErrorHandler = (controller: string, key: string, error: unknown) => void;

interface Entry {
  controller: Controller;
  queue: WorkQueue;
}

export class ControllerManager {
  readonly #entries: Entry[] = [];
  readonly #clock: ControllerClock;
  readonly #onError: ControllerErrorHandler;
  #idleWaiters: (() => void)[] = [];
  #drainScheduled = false;
  #stopped = false;

  constructor(clock: ControllerClock, onError: ControllerErrorHandler) {
    this.#clock = clock;
    this.#onError = onError;
  }

  /** Adds a controller and queues its initial keys. */
  add(controller: Controller): void {
    const queue = new WorkQueue(this.#clock, () => this.#scheduleDrain());
    this.#entries.push({ controller, queue });
    for (const key of controller.initialKeys()) queue.add(key);
  }

  /** The store listener: maps one event to keys for every controller. Never throws. */
  readonly handleEvent = (event: StoreEvent): void => {
    if (this.#stopped) return;
    for (const { controller, queue } of this.#entries) {
      try {
        for (const item of controller.keysFor(event)) enqueue(queue, item);
      } catch (error) {
        this.#onError(controller.name, `${event.bucket} ${event.type}`, error);
      }
    }
  };

  /** Resolves once no key is ready or being reconciled. Delayed keys (timers) do not count. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops all queued work and timers; later events are ignored. Pending `idle()` calls resolve. */
  stop(): void {
    this.#stopped = true;
    for (const { queue } of this.#entries) queue.clear();
    this.#resolveIdle();
  }

  #isIdle(): boolean {
    return this.#stopped || (!this.#drainScheduled && this.#entries.every(({ queue }) => queue.length === 0));
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled || this.#stopped) return;
    this.#drainScheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#drainScheduled = false;
    let processed = 0;
    while (!this.#stopped && processed < BATCH_SIZE) {
      const before = processed;
      for (const entry of this.#entries) {
        const key = entry.queue.take();
        if (key === undefined) continue;
        this.#reconcile(entry, key);
        processed += 1;
      }
      if (processed === before) break;
    }
    if (this.#entries.some(({ queue }) => queue.length > 0)) this.#scheduleDrain();
    else this.#resolveIdle();
  }

  #reconcile({ controller, queue }: Entry, key: string): void {
    try {
      const result = controller.reconcile(key);
      queue.forget(key);
      if (result) queue.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      if (!isConflict(error)) this.#onError(controller.name, key, error);
      queue.retry(key);
    }
  }

  #resolveIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function enqueue(queue: WorkQueue, item: string | QueuedKey): void {
  if (typeof item === 'string') queue.add(item);
  else queue.addAfter(item.key, item.delayMs ?? 0);
}

/** 409 Conflict or AlreadyExists: the state moved under the reconcile, which re-reads it on retry. */
function isConflict(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 409;
}
