import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { WorkQueue } from './work-queue.ts';

const newQueue = (clock = new FakeClock()) => ({ clock, queue: new WorkQueue({ name: 'test', clock }) });

/** The next ready key, or undefined when none is ready now (without leaving a waiting get()). */
async function ready(queue: WorkQueue): Promise<string | undefined> {
  return queue.stats().depth === 0 ? undefined : queue.get();
}

describe('WorkQueue', () => {
  it('de-duplicates keys that wait, in first-added order', async () => {
    const { queue } = newQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.stats()).toMatchObject({ depth: 2, adds: 3 });
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.stats()).toMatchObject({ depth: 0, inFlight: 2 });
  });

  it('never hands out a key in process; one re-added meanwhile comes back once after done()', async () => {
    const { queue } = newQueue();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(await ready(queue)).toBeUndefined();
    queue.done('a');
    expect(await queue.get()).toBe('a');
    queue.done('a');
    expect(queue.stats()).toMatchObject({ depth: 0, inFlight: 0 });
  });

  it('wakes a waiting get() when a key arrives', async () => {
    const { queue } = newQueue();
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
    expect(queue.stats().inFlight).toBe(1);
  });

  it('backs off 1 s, 2 s, 4 s … per key, capped at 7 min, and forget() resets it', async () => {
    const { queue, clock } = newQueue();
    const delays: number[] = [];
    for (let failure = 0; failure < 11; failure += 1) {
      const startMs = clock.now();
      queue.addRateLimited('k');
      let key: string | undefined;
      const got = queue.get().then((k) => (key = k));
      let waitedMs = 0;
      while (key === undefined) {
        await clock.advance(1000);
        waitedMs += 1000;
        if (waitedMs > 500_000) throw new Error('never became ready');
      }
      await got;
      delays.push(clock.now() - startMs);
      queue.done('k');
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 420, 420].map((s) => s * 1000));
    expect(queue.failures('k')).toBe(11);
    queue.forget('k');
    expect(queue.failures('k')).toBe(0);
    expect(queue.backoffDelayMs(queue.failures('k'))).toBe(1000);
  });

  it('addAfter keeps the earliest pending time per key', async () => {
    const { queue, clock } = newQueue();
    queue.addAfter('k', 5000);
    queue.addAfter('k', 2000);
    queue.addAfter('k', 9000);
    expect(queue.stats().delayed).toBe(1);
    await clock.advance(1999);
    expect(await ready(queue)).toBeUndefined();
    await clock.advance(1);
    expect(await ready(queue)).toBe('k');
    queue.done('k');
    await clock.advance(10_000);
    expect(await ready(queue)).toBeUndefined();
    expect(clock.pendingTimers()).toBe(0);
  });

  it('addAfter with no delay adds at once', async () => {
    const { queue } = newQueue();
    queue.addAfter('k', 0);
    expect(await ready(queue)).toBe('k');
  });

  it('shutDown resolves waiting getters with undefined, cancels delays and ignores later adds', async () => {
    const { queue, clock } = newQueue();
    const waiting = queue.get();
    queue.addAfter('later', 1000);
    queue.shutDown();
    expect(await waiting).toBeUndefined();
    expect(clock.pendingTimers()).toBe(0);
    queue.add('x');
    expect(await queue.get()).toBeUndefined();
    expect(queue.stats()).toEqual({ depth: 0, inFlight: 0, delayed: 0, adds: 0 });
  });
});
