import { describe, expect, it } from 'vitest';
import { applyMergePatch, createTwoWayMergePatch } from './merge-patch.ts';
import { deepFreeze } from './test-helpers.ts';

describe('applyMergePatch', () => {
  // RFC 7386 appendix A, row by row: original, patch, result.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('merges %j with %j into %j', (original, patch, result) => {
    expect(applyMergePatch(original, patch)).toEqual(result);
  });

  it('merges kubectl annotate bodies and removes keys sent as null', () => {
    const secret = { metadata: { name: 's', annotations: { keep: '1', foo: 'bar' } }, data: { a: 'YQ==' } };
    const added = applyMergePatch(secret, { metadata: { annotations: { foo: 'baz' } } });
    expect(added).toEqual({
      metadata: { name: 's', annotations: { keep: '1', foo: 'baz' } },
      data: { a: 'YQ==' },
    });
    const removed = applyMergePatch(added, { metadata: { annotations: { foo: null } } });
    expect(removed).toEqual({ metadata: { name: 's', annotations: { keep: '1' } }, data: { a: 'YQ==' } });
  });

  it('never mutates its arguments and shares no structure with them', () => {
    const target = deepFreeze({ a: { b: [1] }, c: 1 });
    const patch = deepFreeze({ a: { d: { e: 1 } }, c: null });
    const result = applyMergePatch(target, patch) as { a: { b: number[]; d: { e: number } } };
    expect(result).toEqual({ a: { b: [1], d: { e: 1 } } });
    result.a.b.push(2);
    result.a.d.e = 2;
    expect(target.a.b).toEqual([1]);
    expect(patch.a.d.e).toBe(1);
  });
});

describe('createTwoWayMergePatch', () => {
  it('produces null for removed keys and recurses into changed objects', () => {
    const original = { a: 1, b: { c: 1, d: 2 }, e: [1], f: 'same' };
    const modified = { b: { c: 1, d: 3, g: 4 }, e: [1, 2], f: 'same', h: { i: 1 } };
    expect(createTwoWayMergePatch(original, modified)).toEqual({
      a: null,
      b: { d: 3, g: 4 },
      e: [1, 2],
      h: { i: 1 },
    });
  });

  it('is empty for equal objects and replaces non-objects', () => {
    expect(createTwoWayMergePatch({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toEqual({});
    expect(createTwoWayMergePatch({ a: 1 }, [1])).toEqual([1]);
    expect(createTwoWayMergePatch('x', { a: 1 })).toEqual({ a: 1 });
  });

  it('round-trips through applyMergePatch', () => {
    const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1, list: [1, 2] } };
    const modified = { metadata: { labels: { a: '1', c: '3' } }, spec: { list: [3] }, status: {} };
    const patch = createTwoWayMergePatch(original, modified);
    expect(applyMergePatch(original, patch)).toEqual(modified);
  });
});
