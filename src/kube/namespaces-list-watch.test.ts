import { afterEach, describe, expect, it } from 'vitest';
import {
  Informer,
  MemoryListWatchSource,
  type ListWatchSource,
  type WatchEventType,
  type WatchHandle,
} from '../runtime/index.ts';
import { createNamespacesListWatch, listWatchInNamespaces } from './namespaces-list-watch.ts';
import type { ListScope } from './types.ts';

interface Item {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  v?: string;
}

const item = (namespace: string, name: string, v = '1'): Item => ({ metadata: { name, namespace }, v });

/** Two namespaces, each its own source with its own version counter (as separate collections). */
function twoNamespaces() {
  const a = new MemoryListWatchSource<Item>();
  const b = new MemoryListWatchSource<Item>();
  // `a` far ahead of `b`: a version of one resumed in the other would skip or replay events.
  for (let i = 0; i < 20; i += 1) a.put(item('a', 'busy', String(i)));
  b.put(item('b', 'quiet'));
  // While `held` is set, new watches of `b` wait for it: changes can land with no watch open.
  const gate: { held?: Promise<void>; waiting: number } = { waiting: 0 };
  const gatedB: ListWatchSource<Item> = {
    list: () => b.list(),
    watch: async (...args) => {
      gate.waiting += 1;
      await gate.held;
      return b.watch(...args);
    },
  };
  const byNamespace: Record<string, ListWatchSource<Item>> = { a, b: gatedB };
  const merged = createNamespacesListWatch((namespace) => byNamespace[namespace]!, ['a', 'b']);
  return { a, b, merged, gate };
}

/** Opens a watch and collects its events as `type namespace/name=v`. */
async function collect(source: ListWatchSource<Item>, resourceVersion = '', signal?: AbortSignal) {
  const events: string[] = [];
  const versions: string[] = [];
  const handle = await source.watch(
    resourceVersion,
    (type: WatchEventType, object: Item) => {
      if (type === 'ERROR') events.push(`ERROR ${(object as unknown as { code: number }).code}`);
      else if (type !== 'BOOKMARK')
        events.push(`${type} ${object.metadata.namespace}/${object.metadata.name}=${object.v}`);
      versions.push(object.metadata?.resourceVersion ?? '');
    },
    signal,
  );
  return { events, versions, handle };
}

const handles: WatchHandle[] = [];
afterEach(() => {
  for (const handle of handles.splice(0)) handle.abort();
});

describe('createNamespacesListWatch', () => {
  it('lists every namespace and resumes each from its own version, whatever version it is handed', async () => {
    const { a, b, merged } = twoNamespaces();
    const listed = await merged.list();
    expect(listed.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual([
      'a/busy',
      'b/quiet',
    ]);
    expect(listed.resourceVersion).toBe('a=20,b=1');
    // Changes in both while no watch is open; the informer then hands back a's latest version.
    a.put(item('a', 'busy', 'x'));
    b.put(item('b', 'new'));
    const { events, handle } = await collect(merged, '21');
    handles.push(handle);
    expect(events.sort()).toEqual(['ADDED b/new=1', 'MODIFIED a/busy=x']);
  });

  it("follows each namespace's events: a later watch resumes after the last one seen there", async () => {
    const { a, b, merged } = twoNamespaces();
    await merged.list();
    const first = await collect(merged);
    b.put(item('b', 'quiet', '2'));
    a.put(item('a', 'busy', 'y'));
    expect(first.events).toEqual(['MODIFIED b/quiet=2', 'MODIFIED a/busy=y']);
    first.handle.abort();
    await first.handle.done;
    b.put(item('b', 'quiet', '3'));
    const second = await collect(merged, 'ignored');
    handles.push(second.handle);
    expect(second.events).toEqual(['MODIFIED b/quiet=3']);
  });

  it('reports a 410 in one namespace as expiry, ends the other watch, and a new list resets the versions', async () => {
    const { a, b, merged } = twoNamespaces();
    await merged.list();
    b.put(item('b', 'quiet', '2'));
    b.compact();
    const expired = await collect(merged);
    await expired.handle.done;
    expect(expired.events).toEqual(['ERROR 410']);
    expect(a.openWatches() + b.openWatches()).toBe(0);

    await merged.list();
    const resumed = await collect(merged);
    handles.push(resumed.handle);
    b.put(item('b', 'quiet', '3'));
    expect(resumed.events).toEqual(['MODIFIED b/quiet=3']);
  });

  it('ends when one namespace’s watch ends, and fails when one fails; the other is closed either way', async () => {
    const { a, b, merged } = twoNamespaces();
    await merged.list();
    const closed = await collect(merged);
    b.dropWatches();
    await closed.handle.done;
    expect(a.openWatches()).toBe(0);

    const failing = await collect(merged);
    const broken = new Error('connection reset');
    a.failWatches(broken);
    await expect(failing.handle.done).rejects.toBe(broken);
    expect(b.openWatches()).toBe(0);
  });

  it('fails to start when one namespace’s watch cannot start, leaving no watch open', async () => {
    const { a, b, merged } = twoNamespaces();
    await merged.list();
    const refused = new Error('403 Forbidden');
    b.watchFailure = refused;
    await expect(merged.watch('', () => {})).rejects.toBe(refused);
    expect(a.openWatches()).toBe(0);
  });

  it('fails to list when one namespace’s list fails, keeping the versions of the last good list', async () => {
    const { a, b, merged } = twoNamespaces();
    await merged.list();
    b.listFailure = new Error('403 Forbidden');
    await expect(merged.list()).rejects.toThrow('403');
    a.put(item('a', 'busy', 'z'));
    const after = await collect(merged);
    handles.push(after.handle);
    expect(after.events).toEqual(['MODIFIED a/busy=z']);
  });

  it('ends every watch when aborted, and rejects at once with an aborted signal', async () => {
    const { a, b, merged } = twoNamespaces();
    await merged.list();
    const abort = new AbortController();
    const open = await collect(merged, '', abort.signal);
    expect(a.openWatches() + b.openWatches()).toBe(2);
    abort.abort(new Error('stopped'));
    await open.handle.done;
    expect(a.openWatches() + b.openWatches()).toBe(0);
    await expect(merged.watch('', () => {}, abort.signal)).rejects.toThrow('stopped');
    expect(a.watches + b.watches).toBe(2);
  });

  it("feeds an informer that follows both namespaces and relists after one namespace's 410", async () => {
    const { a, b, merged, gate } = twoNamespaces();
    const informer = new Informer<Item>({ name: 'items', source: merged });
    try {
      await informer.start();
      expect(informer.list()).toHaveLength(2);
      b.put(item('b', 'fresh'));
      await expect.poll(() => informer.get('b/fresh')?.v).toBe('1');
      let release = () => {};
      gate.held = new Promise((resolve) => (release = resolve));
      const waitingBefore = gate.waiting;
      b.dropWatches();
      await expect.poll(() => gate.waiting).toBe(waitingBefore + 1);
      // Missed while no watch was open, and then forgotten: resuming `b` must get a 410.
      b.put(item('b', 'missed'));
      b.compact();
      release();
      await expect.poll(() => informer.get('b/missed')?.v).toBe('1');
      expect([a.lists, b.lists]).toEqual([2, 2]);
      a.put(item('a', 'busy', 'last'));
      await expect.poll(() => informer.get('a/busy')?.v).toBe('last');
    } finally {
      informer.stop();
    }
  });
});

describe('listWatchInNamespaces', () => {
  const recording = () => {
    const scopes: ListScope[] = [];
    const kube = {
      listWatchSource<T>(scope: ListScope): ListWatchSource<T> {
        scopes.push(scope);
        return new MemoryListWatchSource() as unknown as ListWatchSource<T>;
      },
    };
    return { scopes, kube };
  };
  const scope = { apiVersion: 'v1', kind: 'Secret', labelSelector: 'managed=true' };

  it('watches the cluster without namespaces, one namespace directly, and each of several', () => {
    const none = recording();
    listWatchInNamespaces(none.kube, scope, []);
    expect(none.scopes).toEqual([scope]);
    const one = recording();
    listWatchInNamespaces(one.kube, scope, ['apps']);
    expect(one.scopes).toEqual([{ ...scope, namespace: 'apps' }]);
    const several = recording();
    listWatchInNamespaces(several.kube, scope, ['apps', 'payments', 'apps']);
    expect(several.scopes).toEqual([
      { ...scope, namespace: 'apps' },
      { ...scope, namespace: 'payments' },
    ]);
  });
});
