import { beforeEach, describe, expect, it } from 'vitest';
import { LatestWrites } from './latest-writes.ts';

interface Obj {
  metadata: { resourceVersion?: string; uid?: string };
  tag?: string;
}

const obj = (resourceVersion: string | undefined, tag: string, uid = 'u1'): Obj => ({
  metadata: { ...(resourceVersion === undefined ? {} : { resourceVersion }), uid },
  tag,
});

describe('LatestWrites', () => {
  let nowMs: number;
  let writes: LatestWrites<Obj>;
  beforeEach(() => {
    nowMs = 1_000_000;
    writes = new LatestWrites<Obj>(() => nowMs, 60_000);
  });

  it('returns the cached object when nothing was written', () => {
    const cached = obj('5', 'cache');
    expect(writes.freshest('ns/a', cached)).toBe(cached);
    expect(writes.freshest('ns/a', undefined)).toBeUndefined();
  });

  it('returns the written object while the cache holds an older revision', () => {
    writes.remember('ns/a', obj('10', 'written'));
    expect(writes.freshest('ns/a', obj('9', 'cache'))?.tag).toBe('written');
    expect(writes.freshest('ns/a', undefined)?.tag).toBe('written');
  });

  it('compares revisions as numbers, not strings', () => {
    writes.remember('ns/a', obj('10', 'written'));
    expect(writes.freshest('ns/a', obj('9', 'cache'))?.tag).toBe('written');
    expect(writes.freshest('ns/a', obj('100', 'cache'))?.tag).toBe('cache');
  });

  it('returns the cache and forgets the write once the cache has caught up', () => {
    writes.remember('ns/a', obj('10', 'written'));
    expect(writes.freshest('ns/a', obj('10', 'cache'))?.tag).toBe('cache');
    // Forgotten: an older cached copy (e.g. a stale relist) is no longer overridden.
    expect(writes.freshest('ns/a', obj('9', 'cache'))?.tag).toBe('cache');
  });

  it('ignores a write of another object with the same key (deleted and re-created: other uid)', () => {
    writes.remember('ns/a', obj('10', 'written', 'old-uid'));
    expect(writes.freshest('ns/a', obj('3', 'cache', 'new-uid'))?.tag).toBe('cache');
  });

  it('expires a write after maxAgeMs', () => {
    writes.remember('ns/a', obj('10', 'written'));
    nowMs += 60_000;
    expect(writes.freshest('ns/a', obj('9', 'cache'))?.tag).toBe('written');
    nowMs += 1;
    expect(writes.freshest('ns/a', obj('9', 'cache'))?.tag).toBe('cache');
  });

  it('forgets a key on request', () => {
    writes.remember('ns/a', obj('10', 'written'));
    writes.forget('ns/a');
    expect(writes.freshest('ns/a', undefined)).toBeUndefined();
  });

  it('does not use a write without a numeric revision', () => {
    writes.remember('ns/a', obj(undefined, 'written'));
    expect(writes.freshest('ns/a', obj('1', 'cache'))?.tag).toBe('cache');
  });

  it('keeps keys apart', () => {
    writes.remember('ns/a', obj('10', 'written'));
    expect(writes.freshest('ns/b', obj('1', 'cache'))?.tag).toBe('cache');
  });

  describe('follow', () => {
    /** Just the informer surface `follow` uses: a cache and its handlers. */
    function fakeInformer() {
      const cache = new Map<string, Obj>();
      const handlers: { seen: Array<(o: Obj, old: Obj) => void>; deleted: Array<(o: Obj) => void> } = {
        seen: [],
        deleted: [],
      };
      const keyed = (o: Obj) => ({ ...o, metadata: { ...o.metadata, namespace: 'ns', name: 'a' } });
      return {
        get: (key: string) => cache.get(key),
        onAdd: (handler: (o: Obj) => void) => void handlers.seen.push(handler),
        onUpdate: (handler: (o: Obj, old: Obj) => void) => void handlers.seen.push(handler),
        onDelete: (handler: (o: Obj) => void) => void handlers.deleted.push(handler),
        see(o: Obj) {
          cache.set('ns/a', keyed(o));
          for (const handler of handlers.seen) handler(keyed(o), keyed(o));
        },
        delete(o: Obj) {
          cache.delete('ns/a');
          for (const handler of handlers.deleted) handler(keyed(o));
        },
      };
    }

    it('forgets a write when the informer catches up, without anyone asking', () => {
      const informer = fakeInformer();
      writes.follow(informer);
      writes.remember('ns/a', obj('10', 'written'));
      informer.see(obj('9', 'older'));
      expect(writes.freshest('ns/a', obj('9', 'cache'))?.tag).toBe('written');
      informer.see(obj('10', 'caught up'));
      expect(writes.freshest('ns/a', obj('9', 'stale cache'))?.tag).toBe('stale cache');
    });

    it('does not keep a write whose watch event came first, and forgets deleted objects', () => {
      const informer = fakeInformer();
      writes.follow(informer);
      informer.see(obj('10', 'watched'));
      writes.remember('ns/a', obj('10', 'response'));
      expect(writes.freshest('ns/a', obj('9', 'stale cache'))?.tag).toBe('stale cache');
      writes.remember('ns/a', obj('11', 'written'));
      informer.delete(obj('11', 'gone'));
      expect(writes.freshest('ns/a', undefined)).toBeUndefined();
    });

    it('keeps no managedFields of what it remembers', () => {
      writes.remember('ns/a', {
        ...obj('10', 'written'),
        metadata: { resourceVersion: '10', managedFields: [{}] },
      } as Obj);
      expect(writes.freshest('ns/a', undefined)?.metadata).toEqual({ resourceVersion: '10' });
    });
  });
});
