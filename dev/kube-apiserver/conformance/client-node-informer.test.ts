import {
  CoreV1Api,
  ListWatch,
  Watch,
  makeInformer,
  type Informer,
  type KubeConfig,
  type ObjectCache,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './client-node-helper.ts';
import { eventually, uniqueName } from './eventually.ts';
import { useKubeEnvironment } from './test-env.ts';

type ConfigMapInformer = Informer<V1ConfigMap> & ObjectCache<V1ConfigMap>;

/** What an informer reported, in order, as `verb name=value` strings. */
interface Recorder {
  events: string[];
  errors: unknown[];
  connects: number;
}

function record(informer: ConfigMapInformer): Recorder {
  const recorder: Recorder = { events: [], errors: [], connects: 0 };
  const describe = (verb: string) => (object: V1ConfigMap) =>
    recorder.events.push(`${verb} ${object.metadata?.name}=${object.data?.value ?? ''}`);
  informer.on('add', describe('add'));
  informer.on('update', describe('update'));
  informer.on('delete', describe('delete'));
  informer.on('error', (error) => recorder.errors.push(error));
  informer.on('connect', () => (recorder.connects += 1));
  return recorder;
}

describe('client-node informers', () => {
  const env = useKubeEnvironment();
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  const running: ConfigMapInformer[] = [];

  beforeAll(() => {
    kubeConfig = loadKubeConfig(env.server.kubeconfig);
    core = kubeConfig.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((informer) => informer.stop()));
  });

  /** A namespace of its own, so each informer sees only its test's ConfigMaps. */
  const newNamespace = async (): Promise<string> => {
    const name = uniqueName('informer');
    await core.createNamespace({ body: { metadata: { name } } });
    return name;
  };

  /** Starts an informer on one namespace's ConfigMaps; `lists.count` counts its list calls. */
  const startInformer = async (
    namespace: string,
    labelSelector?: string,
  ): Promise<[ConfigMapInformer, Recorder, { count: number }]> => {
    const lists = { count: 0 };
    const informer = makeInformer<V1ConfigMap>(
      kubeConfig,
      `/api/v1/namespaces/${namespace}/configmaps`,
      () => {
        lists.count += 1;
        return core.listNamespacedConfigMap({ namespace, labelSelector });
      },
      labelSelector,
    );
    const recorder = record(informer);
    running.push(informer);
    await informer.start();
    return [informer, recorder, lists];
  };

  const putConfigMap = async (
    namespace: string,
    name: string,
    value: string,
    labels?: Record<string, string>,
  ) => {
    try {
      const existing = await core.readNamespacedConfigMap({ name, namespace });
      return await core.replaceNamespacedConfigMap({
        name,
        namespace,
        body: { ...existing, data: { value } },
      });
    } catch {
      return core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, labels }, data: { value } },
      });
    }
  };

  it('lists existing objects, then sees adds, updates and deletes', async () => {
    const namespace = await newNamespace();
    await putConfigMap(namespace, 'before', '1');
    const [informer, recorder] = await startInformer(namespace);
    await eventually(() => expect(recorder.events).toEqual(['add before=1']));

    await putConfigMap(namespace, 'after', '1');
    await putConfigMap(namespace, 'before', '2');
    await core.deleteNamespacedConfigMap({ name: 'after', namespace });
    await eventually(() =>
      expect(recorder.events).toEqual(['add before=1', 'add after=1', 'update before=2', 'delete after=1']),
    );
    expect(informer.get('before', namespace)?.data).toEqual({ value: '2' });
    expect(informer.list(namespace).map((item) => item.metadata?.name)).toEqual(['before']);
    expect(recorder.errors).toEqual([]);
  });

  it('does not report an update that changes nothing', async () => {
    const namespace = await newNamespace();
    const [, recorder] = await startInformer(namespace);
    const created = await putConfigMap(namespace, 'steady', '1');
    await core.replaceNamespacedConfigMap({ name: 'steady', namespace, body: created });
    await putConfigMap(namespace, 'marker', '1');
    await eventually(() => expect(recorder.events).toEqual(['add steady=1', 'add marker=1']));
  });

  it('honours its label selector', async () => {
    const namespace = await newNamespace();
    const [, recorder] = await startInformer(namespace, 'watched=yes');
    await putConfigMap(namespace, 'ignored', '1', { watched: 'no' });
    await putConfigMap(namespace, 'seen', '1', { watched: 'yes' });
    await eventually(() => expect(recorder.events).toEqual(['add seen=1']));
  });

  it('keeps seeing changes after the server drops every watch', async () => {
    const namespace = await newNamespace();
    const [informer, recorder, lists] = await startInformer(namespace);
    await putConfigMap(namespace, 'first', '1');
    await eventually(() => expect(recorder.events).toEqual(['add first=1']));
    const connectsBefore = recorder.connects;

    env.server.dropWatches();
    await eventually(() => expect(recorder.connects).toBeGreaterThan(connectsBefore));
    await putConfigMap(namespace, 'first', '2');
    await putConfigMap(namespace, 'second', '1');
    await eventually(() =>
      expect(recorder.events).toEqual(['add first=1', 'update first=2', 'add second=1']),
    );
    // A clean close is resumed from the last resourceVersion, which the server still has.
    expect(lists.count).toBe(1);

    // A second drop right after also recovers.
    env.server.dropWatches();
    await putConfigMap(namespace, 'third', '1');
    await eventually(() => expect(informer.get('third', namespace)).toBeDefined(), { timeoutMs: 10_000 });
    expect(recorder.errors).toEqual([]);
  });

  it('relists after the history is compacted and its watch must resume from a forgotten version', async () => {
    const namespace = await newNamespace();
    const [informer, recorder, lists] = await startInformer(namespace);
    await putConfigMap(namespace, 'kept', '1');
    await putConfigMap(namespace, 'removed', '1');
    await eventually(() => expect(recorder.events).toEqual(['add kept=1', 'add removed=1']));
    expect(lists.count).toBe(1);

    // A write elsewhere moves the global resourceVersion past the informer's, then history is
    // forgotten: the informer's resume must get 410 and it must list again.
    const elsewhere = await newNamespace();
    await putConfigMap(elsewhere, 'unrelated', '1');
    env.server.compactWatchHistory();
    env.server.dropWatches();
    await eventually(() => expect(lists.count).toBe(2), { timeoutMs: 10_000 });

    await putConfigMap(namespace, 'later', '1');
    await putConfigMap(namespace, 'kept', '2');
    await core.deleteNamespacedConfigMap({ name: 'removed', namespace });
    await eventually(
      () => {
        expect(informer.get('later', namespace)).toBeDefined();
        expect(informer.get('kept', namespace)?.data).toEqual({ value: '2' });
        expect(informer.get('removed', namespace)).toBeUndefined();
      },
      { timeoutMs: 10_000 },
    );
    // The relist found nothing new, so it reported nothing; the later changes came by watch.
    expect(recorder.events).toEqual([
      'add kept=1',
      'add removed=1',
      'add later=1',
      'update kept=2',
      'delete removed=1',
    ]);
    expect(recorder.errors).toEqual([]);
  });

  it('a watch resuming from a compacted version gets ERROR 410 and the informer relists', async () => {
    const namespace = await newNamespace();
    const [informer, recorder] = await startInformer(namespace);
    await putConfigMap(namespace, 'a', '1');
    await eventually(() => expect(recorder.events).toEqual(['add a=1']));
    const staleVersion = informer instanceof ListWatch ? informer.latestResourceVersion() : '';

    // Raw watch from the stale version after compaction: one ERROR 410 event, then the stream ends.
    await putConfigMap(namespace, 'b', '1');
    env.server.compactWatchHistory();
    const events: { type: string; object: { code?: number; reason?: string; kind?: string } }[] = [];
    await new Promise<void>((resolve, reject) => {
      void new Watch(kubeConfig).watch(
        `/api/v1/namespaces/${namespace}/configmaps`,
        { resourceVersion: staleVersion },
        (type, object: { code?: number; reason?: string; kind?: string }) => events.push({ type, object }),
        (error: unknown) => (error ? reject(error as Error) : resolve()),
      );
    }).catch((error: { statusCode?: number }) => {
      // Answering HTTP 410 before the stream starts is accepted too.
      expect(error.statusCode).toBe(410);
      events.push({ type: 'ERROR', object: { code: 410, kind: 'Status', reason: 'Expired' } });
    });
    expect(events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410 }) },
    ]);
    expect(events[0]?.object.reason).toMatch(/^(Expired|Gone)$/);

    env.server.dropWatches();
    await putConfigMap(namespace, 'c', '1');
    await eventually(() => expect(informer.list(namespace)).toHaveLength(3), { timeoutMs: 10_000 });
  });

  it('a ListWatch with a field selector sees only the named object', async () => {
    const namespace = await newNamespace();
    const watch = new Watch(kubeConfig);
    const fieldSelector = 'metadata.name=chosen';
    const informer = new ListWatch<V1ConfigMap>(
      `/api/v1/namespaces/${namespace}/configmaps`,
      watch,
      () => core.listNamespacedConfigMap({ namespace, fieldSelector }),
      false,
      undefined,
      fieldSelector,
    );
    const recorder = record(informer);
    running.push(informer);
    await informer.start();
    await putConfigMap(namespace, 'other', '1');
    await putConfigMap(namespace, 'chosen', '1');
    await putConfigMap(namespace, 'chosen', '2');
    await eventually(() => expect(recorder.events).toEqual(['add chosen=1', 'update chosen=2']));
  });
});
