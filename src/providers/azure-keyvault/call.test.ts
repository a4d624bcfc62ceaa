import { describe, expect, it } from 'vitest';
import { FirstRequestLatch } from './call.ts';

/** A request that ends when told to, recording when it started. */
function controlled(log: string[], name: string) {
  let finish!: (ok: boolean) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = (ok) => (ok ? resolve(name) : reject(new Error(`${name} failed`)));
  });
  return {
    run: () => {
      log.push(`start ${name}`);
      return done;
    },
    finish,
  };
}

describe('FirstRequestLatch', () => {
  it('sends the first request alone, then the others together', async () => {
    const latch = new FirstRequestLatch();
    const log: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => controlled(log, name));
    const results = [latch.through(a!.run), latch.through(b!.run), latch.through(c!.run)];
    await Promise.resolve();
    expect(log).toEqual(['start a']);
    a!.finish(true);
    await results[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a', 'start b', 'start c']);
    b!.finish(true);
    c!.finish(true);
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
  });

  it('lets the others go when the first fails, and passes its failure only to its caller', async () => {
    const latch = new FirstRequestLatch();
    const log: string[] = [];
    const [a, b] = ['a', 'b'].map((name) => controlled(log, name));
    const first = latch.through(a!.run);
    const second = latch.through(b!.run);
    a!.finish(false);
    await expect(first).rejects.toThrow('a failed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a', 'start b']);
    b!.finish(true);
    expect(await second).toBe('b');
    const log2: string[] = [];
    const later = controlled(log2, 'later');
    const third = latch.through(later.run);
    expect(log2).toEqual(['start later']);
    later.finish(true);
    await third;
  });
});
