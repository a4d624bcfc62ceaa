import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { Informer, type InformerOptions } from './informer.ts';
import type { ListWatchSource, WatchEventType, WatchHandle } from './list-watch.ts';
import { MemoryListWatchSource } from './memory-source.ts';

interface Item {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  value?: string;
}

const item = (name: string, value = '', labels: Record<string, string> = {}): Item => ({
  metadata: { name, namespace: 'ns', labels },
  value,
});

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** An informer on `source` whose events are recorded as `verb name=value` strings. */
function recorded(source: ListWatchSource<Item>, options: Partial<InformerOptions<Item>> = {}) {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const events: string[] = [];
  const errors: unknown[] = [];
  const informer = new Informer<Item>({
    name: 'items',
    source,
    clock,
    onError: (error) => errors.push(error),
    ...options,
  });
  informer.onAdd((o) => events.push(`add ${o.metadata.name}=${o.value}`));
  informer.onUpdate((o, old) => events.push(`update ${o.metadata.name}=${old.value}->${o.value}`));
  informer.onDelete((o) => events.push(`delete ${o.metadata.name}=${o.value}`));
  started.push(informer);
  return { informer, clock, events, errors };
}

/** Keeps the objects whose `shard` label is in `shards`, like a sharded replica. */
const inShards = (shards: Set<string>) => (o: Item) => shards.has(o.metadata.labels?.shard ?? '');

/** Tells, after promises settled, whether `promise` has resolved. */
function progress(promise: Promise<void>): { resolved: boolean } {
  const state = { resolved: false };
  void promise.then(() => (state.resolved = true));
  return state;
}

/** A source whose lists wait until the test answers them, and whose one watch the test drives. */
function heldSource() {
  const pendingLists: Array<(items: Item[]) => void> = [];
  let version = 0;
  const held = {
    pendingLists,
    lists: 0,
    send: (_type: WatchEventType, _object: Item): void => {},
    /** Answers the oldest pending list with `items`. */
    answer(...items: Item[]): void {
      pendingLists.shift()!(items);
    },
    source: {
      list: () => {
        held.lists += 1;
        return new Promise((resolve) =>
          pendingLists.push((items) => resolve({ items, resourceVersion: String(++version) })),
        );
      },
      async watch(_rv, onEvent): Promise<WatchHandle> {
        held.send = onEvent;
        let end = () => {};
        return { done: new Promise((resolve) => (end = resolve)), abort: () => end() };
      },
    } satisfies ListWatchSource<Item>,
  };
  return held;
}

const at = (resourceVersion: string, object: Item): Item => ({
  ...object,
  metadata: { ...object.metadata, resourceVersion },
});

const started: Informer<Item>[] = [];
afterEach(() => {
  for (const informer of started.splice(0)) informer.stop();
});

describe('Informer', () => {
  it('syncs from the first list, then follows the watch', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('a', '1'));
    const { informer, events } = recorded(source);
    expect(informer.hasSynced()).toBe(false);
    await informer.start();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.get('ns/a')?.value).toBe('1');
    await settle();
    source.put(item('a', '2'));
    source.put(item('b', '1'));
    source.remove('ns/a');
    expect(events).toEqual(['add a=1', 'update a=1->2', 'add b=1', 'delete a=2']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['b']);
    expect(source.lists).toBe(1);
  });

  it('emits nothing for an object whose resourceVersion did not change', async () => {
    const source = new MemoryListWatchSource<Item>();
    const stored = source.put(item('a', '1'));
    const { informer, events, clock } = recorded(source);
    await informer.start();
    await clock.advance(10_000);
    // A relist that returns the stored object again changes nothing for it.
    source.dropWatches();
    source.put(item('b', '1'));
    source.compact();
    await settle();
    expect(source.lists).toBe(2);
    expect(events).toEqual(['add a=1', 'add b=1']);
    expect(informer.get('ns/a')).toEqual(stored);
  });

  it('after a clean close, watches again from the last resourceVersion without relisting', async () => {
    const source = new MemoryListWatchSource<Item>();
    const { informer, events } = recorded(source);
    await informer.start();
    await settle();
    source.put(item('a', '1'));
    source.dropWatches();
    source.put(item('a', '2')); // happens while disconnected: replayed from history
    await settle();
    expect(source.watches).toBe(2);
    expect(source.lists).toBe(1);
    expect(events).toEqual(['add a=1', 'update a=1->2']);
  });

  it('does not spin when the server closes every watch at once', async () => {
    const inner = new MemoryListWatchSource<Item>();
    let watches = 0;
    const closing: ListWatchSource<Item> = {
      list: () => inner.list(),
      async watch(): Promise<WatchHandle> {
        watches += 1;
        return { done: Promise.resolve(), abort() {} };
      },
    };
    const { informer, clock } = recorded(closing);
    await informer.start();
    await settle();
    expect(watches).toBe(2); // the first immediate close is retried at once, then 1 s
    await clock.advance(1000);
    expect(watches).toBe(3);
    await clock.advance(2000);
    expect(watches).toBe(4);
    await clock.advance(4000);
    expect(watches).toBe(5);
    await clock.advance(600_000);
    expect(watches).toBeLessThan(30); // capped at one every 30 s
    expect(watches).toBeGreaterThan(20);
  });

  it('on ERROR 410 relists and emits add/update/delete for what it missed', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('keep', '1'));
    source.put(item('change', '1'));
    source.put(item('gone', '1'));
    const { informer, events } = recorded(source);
    await informer.start();
    await settle();
    events.length = 0;
    // Changes while disconnected, then the history no longer reaches back.
    source.dropWatches();
    source.put(item('change', '2'));
    source.remove('ns/gone');
    source.put(item('new', '1'));
    source.compact();
    await settle();
    expect(source.lists).toBe(2);
    expect(events.sort()).toEqual(['add new=1', 'delete gone=1', 'update change=1->2']);
    expect(source.openWatches()).toBe(1);
    source.put(item('after', '1'));
    expect(events).toContain('add after=1');
  });

  it('relists at once after a 410, but spaces out a server that answers 410 to every watch', async () => {
    const inner = new MemoryListWatchSource<Item>();
    let lists = 0;
    const expiring: ListWatchSource<Item> = {
      list: () => {
        lists += 1;
        return inner.list();
      },
      async watch(_rv, onEvent): Promise<WatchHandle> {
        onEvent('ERROR', { code: 410, reason: 'Expired' } as unknown as Item);
        return { done: Promise.resolve(), abort() {} };
      },
    };
    const { informer, clock } = recorded(expiring);
    await informer.start();
    await settle();
    expect(lists).toBe(2);
    await clock.advance(1000);
    expect(lists).toBe(3);
    await clock.advance(2000);
    expect(lists).toBe(4);
  });

  it('after other failures backs off 1 s, 2 s, 4 s … on the clock, relists, and never gives up', async () => {
    const source = new MemoryListWatchSource<Item>();
    const { informer, clock, errors, events } = recorded(source);
    await informer.start();
    await settle();
    source.listFailure = new Error('list refused');
    source.failWatches(new Error('connection reset'));
    await settle();
    expect(source.lists).toBe(1);
    await clock.advance(999);
    expect(source.lists).toBe(1);
    await clock.advance(1);
    expect(source.lists).toBe(2);
    await clock.advance(2000);
    expect(source.lists).toBe(3);
    await clock.advance(4000);
    expect(source.lists).toBe(4);
    source.put(item('a', '1'));
    source.listFailure = undefined;
    await clock.advance(8000);
    expect(source.lists).toBe(5);
    expect(events).toEqual(['add a=1']);
    expect(source.openWatches()).toBe(1);
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'connection reset',
      'list refused',
      'list refused',
      'list refused',
    ]);
  });

  it('treats an ERROR event other than 410 as a failure', async () => {
    const source = new MemoryListWatchSource<Item>();
    const failing: ListWatchSource<Item> = {
      list: () => source.list(),
      async watch(rv, onEvent, signal) {
        if (source.watches === 0) queueMicrotask(() => onEvent('ERROR', { code: 500 } as unknown as Item));
        return source.watch(rv, onEvent, signal);
      },
    };
    const { informer, clock, errors } = recorded(failing);
    await informer.start();
    await settle();
    expect(errors).toHaveLength(1);
    expect(source.lists).toBe(1);
    await clock.advance(1000);
    expect(source.lists).toBe(2);
    expect(source.openWatches()).toBe(1);
  });

  it('restarts a watch that stayed silent, and bookmarks count as life', async () => {
    const source = new MemoryListWatchSource<Item>();
    const { informer, clock } = recorded(source, { silentWatchTimeoutMs: 60_000 });
    await informer.start();
    await settle();
    await clock.advance(50_000);
    source.bookmark();
    await clock.advance(50_000);
    expect(source.watches).toBe(1);
    await clock.advance(10_000);
    expect(source.watches).toBe(2);
    expect(source.lists).toBe(1);
    expect(source.openWatches()).toBe(1);
  });

  it('resyncs: passes every cached object to the update handlers periodically', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('a', '1'));
    const { informer, clock, events } = recorded(source, { resyncMs: 30_000 });
    await informer.start();
    await clock.advance(60_000);
    expect(events).toEqual(['add a=1', 'update a=1->1', 'update a=1->1']);
  });

  it('keeps secondary indexes current', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('a', '1', { team: 'x' }));
    source.put(item('b', '1', { team: 'y' }));
    const { informer } = recorded(source);
    informer.addIndex('team', (o) => (o.metadata.labels?.team ? [o.metadata.labels.team] : []));
    await informer.start();
    await settle();
    expect(informer.byIndex('team', 'x').map((o) => o.metadata.name)).toEqual(['a']);
    source.put(item('b', '2', { team: 'x' }));
    expect(informer.byIndex('team', 'x').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(informer.byIndex('team', 'y')).toEqual([]);
    source.remove('ns/a');
    expect(informer.byIndex('team', 'x').map((o) => o.metadata.name)).toEqual(['b']);
  });

  it('survives a throwing handler and reports it', async () => {
    const source = new MemoryListWatchSource<Item>();
    const { informer, events, errors } = recorded(source);
    informer.onAdd(() => {
      throw new Error('handler bug');
    });
    await informer.start();
    await settle();
    source.put(item('a', '1'));
    source.put(item('b', '1'));
    expect(events).toEqual(['add a=1', 'add b=1']);
    expect(errors).toHaveLength(2);
  });

  it('stop() ends the watch and leaves no timers; start() before sync resolves on stop', async () => {
    const source = new MemoryListWatchSource<Item>();
    const { informer, clock } = recorded(source, { resyncMs: 1000 });
    await informer.start();
    await settle();
    expect(source.openWatches()).toBe(1);
    informer.stop();
    await settle();
    expect(source.openWatches()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);

    source.listFailure = new Error('down');
    const other = recorded(source);
    const starting = other.informer.start();
    await settle();
    other.informer.stop();
    await starting;
    expect(other.informer.hasSynced()).toBe(false);
    expect(other.clock.pendingTimers()).toBe(0);
  });

  it('keep: caches and reports only the objects it accepts, from the list and the watch', async () => {
    const inner = new MemoryListWatchSource<Item>();
    const watchedFrom: string[] = [];
    const source: ListWatchSource<Item> = {
      list: () => inner.list(),
      watch: (rv, onEvent, signal) => {
        watchedFrom.push(rv);
        return inner.watch(rv, onEvent, signal);
      },
    };
    inner.put(item('a', '1', { shard: '1' }));
    inner.put(item('b', '1', { shard: '2' }));
    const { informer, events } = recorded(source, { keep: inShards(new Set(['1'])) });
    await informer.start();
    await settle();
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a']);
    inner.put(item('c', '1', { shard: '1' }));
    inner.put(item('b', '2', { shard: '2' }));
    inner.remove('ns/b');
    inner.remove('ns/c');
    const refused = inner.put(item('d', '1', { shard: '2' }));
    expect(events).toEqual(['add a=1', 'add c=1', 'delete c=1']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['a']);
    // A refused object's resourceVersion still counts: the next watch resumes after it.
    inner.dropWatches();
    await settle();
    expect(watchedFrom).toEqual(['2', refused.metadata.resourceVersion]);
  });

  it('keep: an object that stops being kept leaves the cache without a delete event', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('watched', '1', { shard: '1' }));
    source.put(item('listed', '1', { shard: '1' }));
    source.put(item('gone', '1', { shard: '1' }));
    const { informer, events } = recorded(source, { keep: inShards(new Set(['1'])) });
    await informer.start();
    await settle();
    events.length = 0;
    source.put(item('watched', '2', { shard: '2' }));
    expect(informer.get('ns/watched')).toBeUndefined();
    // Moved while disconnected, then the history no longer reaches back: seen by the relist.
    source.dropWatches();
    source.put(item('listed', '2', { shard: '2' }));
    source.remove('ns/gone');
    source.compact();
    await settle();
    expect(source.lists).toBe(2);
    expect(informer.list()).toEqual([]);
    expect(events).toEqual(['delete gone=1']);
  });

  it('keep: DELETED of a cached object emits delete even when keep refuses its last state', async () => {
    const held = heldSource();
    const { informer, events } = recorded(held.source, { keep: inShards(new Set(['1'])) });
    const starting = informer.start();
    held.answer(at('1', item('a', '1', { shard: '1' })));
    await starting;
    await settle();
    held.send('DELETED', at('2', item('a', '2', { shard: '2' })));
    held.send('DELETED', at('3', item('never', '1', { shard: '1' })));
    expect(events).toEqual(['add a=1', 'delete a=2']);
  });

  it('refilter() drops what is no longer kept silently, and relists to add what now is', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('a', '1', { shard: '1' }));
    source.put(item('b', '1', { shard: '2' }));
    const shards = new Set(['1']);
    const { informer, events, errors } = recorded(source, { keep: inShards(shards) });
    await informer.start();
    await settle();
    shards.add('2');
    await informer.refilter();
    expect(source.lists).toBe(2);
    expect(events).toEqual(['add a=1', 'add b=1']); // a is unchanged: no event for it
    await settle();
    expect(source.openWatches()).toBe(1);

    shards.delete('1');
    const refiltering = progress(informer.refilter());
    expect(informer.get('ns/a')).toBeUndefined(); // at once, before the list
    // Ending the watch again at once is not spaced out like a server's immediate closes.
    await settle();
    expect(refiltering.resolved).toBe(true);
    expect(events).toEqual(['add a=1', 'add b=1']);
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['b']);
    // The watch goes on from the new list.
    expect(source.openWatches()).toBe(1);
    source.put(item('b', '2', { shard: '2' }));
    expect(events).toEqual(['add a=1', 'add b=1', 'update b=1->2']);
    expect(source.lists).toBe(3);
    expect(errors).toEqual([]);
  });

  it('prune() drops what is no longer kept silently, listing nothing and keeping the watch', async () => {
    const source = new MemoryListWatchSource<Item>();
    source.put(item('a', '1', { shard: '1' }));
    source.put(item('b', '1', { shard: '2' }));
    const shards = new Set(['1', '2']);
    const { informer, events } = recorded(source, { keep: inShards(shards) });
    await informer.start();
    await settle();
    shards.delete('1');
    informer.prune();
    expect(informer.list().map((o) => o.metadata.name)).toEqual(['b']);
    await settle();
    expect(source.lists).toBe(1);
    expect(source.openWatches()).toBe(1);
    source.put(item('a', '2', { shard: '1' }));
    source.put(item('b', '2', { shard: '2' }));
    expect(events).toEqual(['add a=1', 'add b=1', 'update b=1->2']);
  });

  it('refilter() during a list asks for one more list; calls before a list starts share it', async () => {
    const held = heldSource();
    const shards = new Set(['1']);
    const { informer, events } = recorded(held.source, { keep: inShards(shards) });
    const starting = informer.start();
    held.answer(at('1', item('a', '1', { shard: '1' })));
    await starting;
    await settle();

    const first = progress(informer.refilter());
    const shared = progress(informer.refilter());
    await settle();
    expect(held.lists).toBe(2);
    // The list is under way; this call's change of shards may come too late for it.
    shards.add('2');
    const late = progress(informer.refilter());
    held.answer(at('1', item('a', '1', { shard: '1' })));
    await settle();
    expect(first.resolved && shared.resolved).toBe(true);
    expect(late.resolved).toBe(false);
    expect(held.lists).toBe(3);
    held.answer(at('1', item('a', '1', { shard: '1' })), at('2', item('b', '1', { shard: '2' })));
    await settle();
    expect(late.resolved).toBe(true);
    expect(held.lists).toBe(3);
    expect(events).toEqual(['add a=1', 'add b=1']);
  });

  it('refilter() retries a failed list as usual and resolves after the next successful one', async () => {
    const source = new MemoryListWatchSource<Item>();
    const shards = new Set(['1']);
    const { informer, clock, events } = recorded(source, { keep: inShards(shards) });
    await informer.start();
    await settle();
    source.put(item('b', '1', { shard: '2' }));
    source.listFailure = new Error('list refused');
    shards.add('2');
    const refiltering = progress(informer.refilter());
    await settle();
    expect(source.lists).toBe(2);
    expect(refiltering.resolved).toBe(false);
    source.listFailure = undefined;
    await clock.advance(1000);
    expect(source.lists).toBe(3);
    expect(refiltering.resolved).toBe(true);
    expect(events).toEqual(['add b=1']);
  });

  it('refilter() before start() resolves once the first list is in, and resolves on stop()', async () => {
    const held = heldSource();
    const { informer } = recorded(held.source, { keep: inShards(new Set(['1'])) });
    const early = progress(informer.refilter());
    void informer.start();
    await settle();
    expect(early.resolved).toBe(false);
    held.answer(at('1', item('a', '1', { shard: '1' })));
    await settle();
    expect(early.resolved).toBe(true);
    expect(held.lists).toBe(1);

    const pending = progress(informer.refilter());
    await settle();
    expect(held.pendingLists).toHaveLength(1);
    informer.stop();
    await settle();
    expect(pending.resolved).toBe(true);
    await informer.refilter();
    expect(held.lists).toBe(2);
  });
});
