import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Kvsync } from '../../src/main.ts';
import type { FakeClock } from '../../src/runtime/index.ts';

/**
 * Simulated time for an operator running in this process on a `FakeClock`, against emulators in
 * other processes. The clock moves in steps; after each step the benchmark waits, in real time,
 * until the work the step started has finished: no HTTP request of this process in flight (watch
 * streams excepted), both work queues empty, and nothing new for a short quiet period. Steps in
 * which nothing happened cost almost nothing, so an hour in 1 s steps takes seconds.
 */

const REQUEST_START = 'http.client.request.start';

/** Counts this process's outgoing HTTP requests that have started and not yet closed. */
export class HttpActivity {
  inFlight = 0;
  started = 0;
  readonly #onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    // Watches stay open for good; they are not work in progress.
    if (/[?&]watch=(true|1)/.test(request.path)) return;
    this.inFlight++;
    this.started++;
    request.once('close', () => this.inFlight--);
  };

  constructor() {
    subscribe(REQUEST_START, this.#onStart);
  }

  stop(): void {
    unsubscribe(REQUEST_START, this.#onStart);
  }
}

function queueWork(kvsync: Kvsync): { busy: boolean; adds: number } {
  let busy = false;
  let adds = 0;
  for (const { stats } of kvsync.operator.queues()) {
    busy ||= stats.depth > 0 || stats.inFlight > 0;
    adds += stats.adds;
  }
  return { busy, adds };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const realSleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SimulationOptions {
  clock: FakeClock;
  kvsync: Kvsync;
  activity: HttpActivity;
}

export class Simulation {
  readonly #options: SimulationOptions;
  readonly #startMs: number;
  #seenStarted = 0;
  #seenAdds = 0;

  constructor(options: SimulationOptions) {
    this.#options = options;
    this.#startMs = options.clock.now();
  }

  /** Simulated milliseconds since the simulation was created. */
  elapsedMs(): number {
    return this.#options.clock.now() - this.#startMs;
  }

  /**
   * Waits (real time) until no request is in flight, the queues are idle, and nothing new
   * started for `quietMs`. Returns at once when nothing happened since the last call.
   */
  async settle(quietMs: number): Promise<void> {
    const { kvsync, activity } = this.#options;
    await nextTurn();
    let lastBusyMs: number | undefined;
    for (;;) {
      const queues = queueWork(kvsync);
      const changed = activity.started !== this.#seenStarted || queues.adds !== this.#seenAdds;
      this.#seenStarted = activity.started;
      this.#seenAdds = queues.adds;
      const now = performance.now();
      if (activity.inFlight > 0 || queues.busy || changed) lastBusyMs = now;
      else if (lastBusyMs === undefined || now - lastBusyMs >= quietMs) return;
      await realSleep(1);
    }
  }

  /** Advances the clock to `elapsedMs` (since the start) in steps of `stepMs`, settling after each. */
  async runUntil(elapsedMs: number, stepMs: number, quietMs: () => number): Promise<void> {
    while (this.elapsedMs() < elapsedMs) {
      await this.#options.clock.advance(Math.min(stepMs, elapsedMs - this.elapsedMs()));
      await this.settle(quietMs());
    }
  }
}
