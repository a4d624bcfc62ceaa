import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.ts';

describe('RecentIds', () => {
  it('remembers ids up to its capacity and forgets the least recently seen first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) ids.remember(id);
    expect(ids.has('a')).toBe(true); // a becomes the most recent: b is now the oldest
    ids.remember('d');
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.has('d')]).toEqual([true, false, true, true]);
    expect(ids.size).toBe(3);
  });

  it('does not remember an id it was only asked about', () => {
    const ids = new RecentIds(2);
    expect(ids.has('x')).toBe(false);
    expect(ids.has('x')).toBe(false);
    expect(ids.size).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RecentIds(0)).toThrow(RangeError);
  });
});
