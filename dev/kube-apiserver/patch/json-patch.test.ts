import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from './json-patch.ts';
import { REJECTED_MESSAGE } from './patch-errors.ts';
import { deepFreeze, expectStatusError } from './test-helpers.ts';

describe('applyJsonPatch', () => {
  describe('RFC 6902 appendix A', () => {
    it('adds an object member', () => {
      expect(applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({
        foo: 'bar',
        baz: 'qux',
      });
    });

    it('adds an array element before the index', () => {
      const result = applyJsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]);
      expect(result).toEqual({ foo: ['bar', 'qux', 'baz'] });
    });

    it('removes an object member and an array element', () => {
      expect(applyJsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({
        foo: 'bar',
      });
      expect(applyJsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({
        foo: ['bar', 'baz'],
      });
    });

    it('replaces a value', () => {
      const result = applyJsonPatch({ baz: 'qux', foo: 'bar' }, [
        { op: 'replace', path: '/baz', value: 'boo' },
      ]);
      expect(result).toEqual({ baz: 'boo', foo: 'bar' });
    });

    it('moves a value and an array element', () => {
      const document = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
      expect(applyJsonPatch(document, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({
        foo: { bar: 'baz' },
        qux: { corge: 'grault', thud: 'fred' },
      });
      const list = { foo: ['all', 'grass', 'cows', 'eat'] };
      expect(applyJsonPatch(list, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).toEqual({
        foo: ['all', 'cows', 'eat', 'grass'],
      });
    });

    it('passes a test of a value', () => {
      const document = { baz: 'qux', foo: ['a', 2, 'c'] };
      const operations = [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ];
      expect(applyJsonPatch(document, operations)).toEqual(document);
    });

    it('adds a nested member object and appends with "-"', () => {
      expect(
        applyJsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }]),
      ).toEqual({
        foo: 'bar',
        child: { grandchild: {} },
      });
      expect(
        applyJsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }]),
      ).toEqual({
        foo: ['bar', ['abc', 'def']],
      });
    });

    it('unescapes ~0 and ~1 in pointers', () => {
      const document = { '/': 9, '~1': 10 };
      const operations = [
        { op: 'test', path: '/~01', value: 10 },
        { op: 'replace', path: '/~1', value: 1 },
      ];
      expect(applyJsonPatch(document, operations)).toEqual({ '/': 1, '~1': 10 });
    });

    it('compares objects in a test regardless of key order', () => {
      const document = { a: { x: 1, y: [1, { z: null }] } };
      expect(
        applyJsonPatch(document, [{ op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } }]),
      ).toEqual(document);
    });
  });

  it('edits a Kubernetes annotation whose key contains "/"', () => {
    const secret = { metadata: { annotations: { 'kvsync.io/owner': 'a' } } };
    const result = applyJsonPatch(secret, [
      { op: 'replace', path: '/metadata/annotations/kvsync.io~1owner', value: 'b' },
    ]);
    expect(result).toEqual({ metadata: { annotations: { 'kvsync.io/owner': 'b' } } });
  });

  it('copies deep values without aliasing them', () => {
    const result = applyJsonPatch({ a: { b: [1] } }, [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'add', path: '/c/b/-', value: 2 },
    ]);
    expect(result).toEqual({ a: { b: [1] }, c: { b: [1, 2] } });
  });

  it('replaces or adds the whole document with an empty path', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it('moves a value onto itself as a no-op', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'move', from: '/a', path: '/a' }])).toEqual({ a: 1 });
  });

  it('keeps __proto__ as data', () => {
    const result = applyJsonPatch({}, [
      { op: 'add', path: '/__proto__', value: { polluted: true } },
    ]) as object;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
  });

  it('never mutates the document or the operations', () => {
    const document = deepFreeze({ list: [1, 2], map: { a: 1 } });
    const operations = deepFreeze([
      { op: 'add', path: '/list/0', value: { x: 1 } },
      { op: 'remove', path: '/map/a' },
      { op: 'move', from: '/list/1', path: '/moved' },
    ]);
    const result = applyJsonPatch(document, operations);
    expect(result).toEqual({ list: [{ x: 1 }, 2], map: {}, moved: 1 });
    (result as { list: { x: number }[] }).list[0]!.x = 5;
    expect(operations[0]!.value).toEqual({ x: 1 });
  });

  describe('malformed patches answer 400 BadRequest', () => {
    it.each([
      ['a merge-style object', { metadata: { labels: { a: 'b' } } }],
      ['an operation that is not an object', ['add']],
      ['an unknown op', [{ op: 'increment', path: '/a' }]],
      ['a missing path', [{ op: 'remove' }]],
      ['a path without a leading slash', [{ op: 'remove', path: 'a' }]],
      ['a bad escape', [{ op: 'remove', path: '/a~2' }]],
      ['an add without value', [{ op: 'add', path: '/a' }]],
      ['a move without from', [{ op: 'move', path: '/a' }]],
    ])('rejects %s', (_name, operations) => {
      expectStatusError(() => applyJsonPatch({ a: 1 }, operations), 400, 'BadRequest');
    });
  });

  describe('patches that do not apply answer 422 Invalid', () => {
    it.each([
      ['a failed test', [{ op: 'test', path: '/a', value: 2 }]],
      ['a test of a missing path', [{ op: 'test', path: '/missing', value: 1 }]],
      ['removing a missing key', [{ op: 'remove', path: '/missing' }]],
      ['replacing a missing key', [{ op: 'replace', path: '/missing', value: 1 }]],
      ['adding under a missing parent', [{ op: 'add', path: '/missing/child', value: 1 }]],
      ['adding past the end of an array', [{ op: 'add', path: '/list/5', value: 1 }]],
      ['an array index with a leading zero', [{ op: 'replace', path: '/list/01', value: 1 }]],
      ['a "-" index outside add', [{ op: 'remove', path: '/list/-' }]],
      ['moving from a missing path', [{ op: 'move', from: '/missing', path: '/b' }]],
      ['moving a value into its own child', [{ op: 'move', from: '/map', path: '/map/inner' }]],
      ['adding under a scalar', [{ op: 'add', path: '/a/b', value: 1 }]],
      ['removing the whole document', [{ op: 'remove', path: '' }]],
    ])('rejects %s', (_name, operations) => {
      const document = { a: 1, list: [0], map: { x: 1 } };
      const error = expectStatusError(() => applyJsonPatch(document, operations), 422, 'Invalid');
      expect(error.message).toBe(REJECTED_MESSAGE);
      expect(error.details?.causes?.length).toBe(1);
    });

    it('applies nothing when a later operation fails', () => {
      const document = deepFreeze({ a: 1 });
      const operations = [
        { op: 'replace', path: '/a', value: 2 },
        { op: 'test', path: '/a', value: 1 },
      ];
      expectStatusError(() => applyJsonPatch(document, operations), 422, 'Invalid');
      expect(document).toEqual({ a: 1 });
    });
  });
});
