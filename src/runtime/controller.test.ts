import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { Controller, TerminalError, type ReconcileOutcome, type ReconcileResult } from './controller.ts';

/** A promise with its resolve function, to hold a reconcile open. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Controller', () => {
  it('runs up to `workers` reconciles at once, never two for one key', async () => {
    const clock = new FakeClock();
    const gates = new Map<string, ReturnType<typeof deferred>>();
    let running = 0;
    let peak = 0;
    const started: string[] = [];
    const controller = new Controller({
      name: 'c',
      clock,
      workers: 2,
      reconciler: {
        async reconcile(key) {
          started.push(key);
          running += 1;
          peak = Math.max(peak, running);
          const gate = deferred();
          gates.set(key, gate);
          await gate.promise;
          running -= 1;
        },
      },
    });
    controller.start();
    for (const key of ['a', 'b', 'c']) controller.queue.add(key);
    await settle();
    expect(started).toEqual(['a', 'b']);
    controller.queue.add('a'); // in flight: must wait for a's first reconcile
    gates.get('b')!.resolve();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    gates.get('a')!.resolve();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'a']);
    expect(peak).toBe(2);
    gates.get('c')!.resolve();
    gates.get('a')!.resolve();
    await controller.stop();
  });

  it('requeues after requeueAfterMs, retries errors with back-off, and drops terminal errors', async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const outcomes: ReconcileOutcome[] = [];
    let failuresLeft = 2;
    const controller = new Controller({
      name: 'c',
      clock,
      onOutcome: (outcome) => outcomes.push(outcome),
      reconciler: {
        async reconcile(key): Promise<ReconcileResult> {
          calls.push(`${key}@${clock.now() - start}`);
          if (key === 'requeue') return calls.length < 3 ? { requeueAfterMs: 60_000 } : undefined;
          if (key === 'flaky' && failuresLeft-- > 0) throw new Error('boom');
          if (key === 'bad') throw new TerminalError('fix the spec');
        },
      },
    });
    const start = clock.now();
    controller.start();
    controller.queue.add('requeue');
    await clock.advance(120_000);
    expect(calls).toEqual(['requeue@0', 'requeue@60000', 'requeue@120000']);

    calls.length = 0;
    outcomes.length = 0;
    const flakyStart = clock.now();
    controller.queue.add('flaky');
    await clock.advance(3000);
    expect(calls.map((c) => Number(c.split('@')[1]) - (flakyStart - start))).toEqual([0, 1000, 3000]);
    expect(outcomes.map((o) => o.result)).toEqual(['error', 'error', 'success']);
    expect(controller.queue.failures('flaky')).toBe(0);

    outcomes.length = 0;
    controller.queue.add('bad');
    await clock.advance(600_000);
    expect(outcomes.map((o) => [o.key, o.result])).toEqual([['bad', 'terminal']]);
    expect(outcomes[0]!.error).toBeInstanceOf(TerminalError);
    expect(clock.pendingTimers()).toBe(0);
    await controller.stop();
  });

  it('reports durations on the clock and a requeue outcome', async () => {
    const clock = new FakeClock();
    const outcomes: ReconcileOutcome[] = [];
    const controller = new Controller({
      name: 'timed',
      clock,
      onOutcome: (outcome) => outcomes.push(outcome),
      reconciler: {
        async reconcile() {
          await clock.sleep(250);
          return { requeueAfterMs: 1000 };
        },
      },
    });
    controller.start();
    controller.queue.add('k');
    await clock.advance(250);
    expect(outcomes).toEqual([{ controller: 'timed', key: 'k', durationMs: 250, result: 'requeue' }]);
    await controller.stop();
  });

  it('stop() waits for in-flight reconciles and drops queued keys', async () => {
    const gate = deferred();
    const seen: string[] = [];
    const controller = new Controller({
      name: 'c',
      reconciler: {
        async reconcile(key) {
          seen.push(key);
          await gate.promise;
        },
      },
    });
    controller.start();
    controller.queue.add('a');
    controller.queue.add('b');
    await settle();
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(seen).toEqual(['a']);
  });
});
