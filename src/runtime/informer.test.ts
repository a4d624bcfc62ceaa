import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { Informer, type InformerOptions } from './informer.ts';
import type { ListWatchSource, WatchHandle } from './list-watch.ts';
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
});
