import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../dev/kube-apiserver/index.ts';
import { Informer, type ListWatchSource } from '../../../src/runtime/index.ts';
import { createKubeClient, type KubeClient } from '../../../src/kube/client.ts';

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

let namespaces = 0;

describe('Informer over KubeClient.listWatchSource against the API emulator', () => {
  let server: KubeApiServer;
  let kube: KubeClient;
  const informers: Informer<ConfigMap>[] = [];

  beforeAll(async () => {
    server = await startKubeApiServer({ port: 0, controllers: false });
    kube = createKubeClient({ kubeconfigPath: server.kubeconfig });
  });
  afterEach(() => {
    for (const informer of informers.splice(0)) informer.stop();
  });
  afterAll(() => server?.close());

  /** A namespace of its own and a synced informer on its ConfigMaps; `counts` counts list/watch calls. */
  async function startInformer(existing: string[] = []) {
    namespaces += 1;
    const namespace = `informer-${namespaces}`;
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const name of existing) await kube.create(configMap(namespace, name, 'v0'));
    const source = kube.listWatchSource<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace });
    const counts = { lists: 0, watches: 0 };
    const counted: ListWatchSource<ConfigMap> = {
      list: () => ((counts.lists += 1), source.list()),
      watch: (rv, onEvent, signal) => ((counts.watches += 1), source.watch(rv, onEvent, signal)),
    };
    const errors: unknown[] = [];
    const informer = new Informer<ConfigMap>({
      name: 'configmaps',
      source: counted,
      onError: (e) => errors.push(e),
    });
    informers.push(informer);
    const events: string[] = [];
    informer.onAdd((o) => events.push(`add ${o.metadata.name}=${o.data?.v}`));
    informer.onUpdate((o) => events.push(`update ${o.metadata.name}=${o.data?.v}`));
    informer.onDelete((o) => events.push(`delete ${o.metadata.name}`));
    await informer.start();
    return { namespace, informer, counts, events, errors };
  }

  const configMap = (namespace: string, name: string, v: string): ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace },
    data: { v },
  });
  const ref = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name });
  const valueIn = (informer: Informer<ConfigMap>, namespace: string, name: string) =>
    informer.get(`${namespace}/${name}`)?.data?.v;

  /** Resolves once the informer's watch is established on the server: a write has reached it. */
  async function untilWatching(namespace: string, informer: Informer<ConfigMap>): Promise<void> {
    await kube.create(configMap(namespace, 'probe', 'live'));
    await expect.poll(() => valueIn(informer, namespace, 'probe')).toBe('live');
  }

  it('lists, then follows creates, updates and deletes', async () => {
    const { namespace, informer, events, counts } = await startInformer(['a']);
    expect(informer.get(`${namespace}/a`)).toMatchObject({ kind: 'ConfigMap', data: { v: 'v0' } });
    await kube.create(configMap(namespace, 'b', 'v1'));
    await kube.mergePatch(ref(namespace, 'a'), { data: { v: 'v2' } });
    await kube.delete(ref(namespace, 'b'));
    await expect.poll(() => events).toEqual(['add a=v0', 'add b=v1', 'update a=v2', 'delete b']);
    expect(counts.lists).toBe(1);
  });

  it('survives dropped watches: resumes from its resourceVersion without relisting or losing an update', async () => {
    const { namespace, informer, counts, errors } = await startInformer(['a']);
    await untilWatching(namespace, informer);
    for (let round = 1; round <= 3; round += 1) {
      server.dropWatches();
      await kube.mergePatch(ref(namespace, 'a'), { data: { v: `v${round}` } });
      await expect.poll(() => valueIn(informer, namespace, 'a')).toBe(`v${round}`);
    }
    expect(counts.lists).toBe(1);
    expect(counts.watches).toBe(4);
    expect(errors).toEqual([]);
  });

  it('after compaction, the 410 on resume leads to a relist that catches up without losing an update', async () => {
    const { namespace, informer, counts, events, errors } = await startInformer(['a', 'b']);
    await untilWatching(namespace, informer);
    // Move the server's version past the informer's (a write it does not watch), then forget history.
    await kube.create(configMap('default', `elsewhere-${namespace}`, 'x'));
    server.compactWatchHistory();
    server.dropWatches();
    const writes = Promise.all([
      kube.mergePatch(ref(namespace, 'a'), { data: { v: 'v1' } }),
      kube.delete(ref(namespace, 'b')),
      kube.create(configMap(namespace, 'c', 'v1')),
    ]);
    await writes;
    await expect
      .poll(() =>
        informer
          .list()
          .map((o) => `${o.metadata.name}=${o.data?.v}`)
          .sort(),
      )
      .toEqual(['a=v1', 'c=v1', 'probe=live']);
    expect(counts.lists).toBe(2);
    expect(errors).toEqual([]);
    expect(events.slice(3).sort()).toEqual(['add c=v1', 'delete b', 'update a=v1']);
  });
});
