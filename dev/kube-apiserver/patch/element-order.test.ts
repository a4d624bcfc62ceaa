import { describe, expect, it } from 'vitest';
import { orderElements } from './element-order.ts';

const byValue = (element: unknown) => element;

describe('orderElements', () => {
  it('keeps the original order when the patch names one element in place', () => {
    expect(orderElements(['a', 'b', 'c'], ['c'], ['a', 'b', 'c'], byValue)).toEqual(['a', 'b', 'c']);
  });

  it('puts named elements in patch order and keeps server-only ones ahead of later named ones', () => {
    expect(orderElements(['a', 'b', 'c'], ['c', 'a'], ['a', 'b', 'c'], byValue)).toEqual(['b', 'c', 'a']);
    expect(orderElements(['a', 'b', 'c'], ['a', 'c'], ['a', 'b', 'c'], byValue)).toEqual(['a', 'b', 'c']);
  });

  it('puts new elements after server-only ones', () => {
    expect(orderElements(['x', 'a', 'new'], ['new', 'a'], ['x', 'a'], byValue)).toEqual(['x', 'new', 'a']);
  });

  it('identifies elements through the identity function', () => {
    const merged = [
      { name: 'a', v: 1 },
      { name: 'b', v: 2 },
    ];
    const name = (element: unknown) => (element as { name: string }).name;
    expect(orderElements(merged, [{ name: 'b' }, { name: 'a' }], merged, name)).toEqual([
      merged[1],
      merged[0],
    ]);
  });

  it('does not mutate its inputs', () => {
    const merged = Object.freeze(['b', 'a']);
    expect(orderElements(merged, Object.freeze(['a', 'b']), Object.freeze(['b', 'a']), byValue)).toEqual([
      'a',
      'b',
    ]);
  });
});
