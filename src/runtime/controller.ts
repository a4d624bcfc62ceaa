import { systemClock, type Clock } from './clock.ts';
import { WorkQueue } from './work-queue.ts';

/**
 * A controller drains a work queue with N workers and hands each key to a reconciler
 * (controller-runtime's model): the reconciler reads the current state for the key and makes
 * the world match it. Sources (watches, timers, webhooks) only add keys to `controller.queue`.
 */

/** What a reconcile asks for: nothing (done), or to run again after a delay. */
export type ReconcileResult = { requeueAfterMs: number } | void;

export interface Reconciler {
  /** Reconciles one key. Throwing retries with back-off; a `TerminalError` does not retry. */
  reconcile(key: string): Promise<ReconcileResult>;
}

/**
 * Thrown by a reconciler for a failure that retrying cannot fix ("do not retry until
 * something changes"): the key is forgotten and not queued again until a source adds it.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

export interface ReconcileOutcome {
  controller: string;
  key: string;
  durationMs: number;
  result: 'success' | 'requeue' | 'error' | 'terminal';
  /** The thrown value for `error` and `terminal`. */
  error?: unknown;
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  /** Concurrent reconciles (never two for one key); default 1. */
  workers?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: a new queue named after the controller, on `clock`. */
  queue?: WorkQueue;
  /** Called after every reconcile, for metrics and logs; an exception it throws is ignored. */
  onOutcome?: (outcome: ReconcileOutcome) => void;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #reconciler: Reconciler;
  readonly #workers: number;
  readonly #clock: Clock;
  readonly #onOutcome: ((outcome: ReconcileOutcome) => void) | undefined;
  #running: Promise<void>[] = [];

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#reconciler = options.reconciler;
    this.#workers = Math.max(1, options.workers ?? 1);
    this.#clock = options.clock ?? systemClock;
    this.queue = options.queue ?? new WorkQueue({ name: options.name, clock: this.#clock });
    this.#onOutcome = options.onOutcome;
  }

  /** Starts the workers. Keys added before `start()` wait in the queue. Calling it twice does nothing. */
  start(): void {
    if (this.#running.length > 0) return;
    for (let worker = 0; worker < this.#workers; worker += 1) this.#running.push(this.#work());
  }

  /**
   * Shuts the queue down (pending and delayed keys are dropped) and resolves once every
   * in-flight reconcile has finished. The controller cannot be started again.
   */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.#running);
  }

  async #work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        await this.#process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #process(key: string): Promise<void> {
    const startMs = this.#clock.now();
    let result: ReconcileOutcome['result'];
    let error: unknown;
    try {
      const outcome = await this.#reconciler.reconcile(key);
      this.queue.forget(key);
      if (outcome && typeof outcome.requeueAfterMs === 'number') {
        this.queue.addAfter(key, outcome.requeueAfterMs);
        result = 'requeue';
      } else result = 'success';
    } catch (thrown) {
      error = thrown;
      if (thrown instanceof TerminalError) {
        this.queue.forget(key);
        result = 'terminal';
      } else {
        this.queue.addRateLimited(key);
        result = 'error';
      }
    }
    this.#report({ controller: this.name, key, durationMs: this.#clock.now() - startMs, result, error });
  }

  #report(outcome: ReconcileOutcome): void {
    if (outcome.error === undefined) delete outcome.error;
    try {
      this.#onOutcome?.(outcome);
    } catch {
      // Reporting must not break the worker loop.
    }
  }
}
