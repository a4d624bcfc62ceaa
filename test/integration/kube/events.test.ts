import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../dev/kube-apiserver/index.ts';
import { FakeClock } from '../../../src/runtime/index.ts';
import { createKubeClient, type KubeClient } from '../../../src/kube/client.ts';
import { createEventRecorder, type InvolvedObject } from '../../../src/kube/events.ts';

interface CoreEvent {
  metadata: { name: string; namespace: string };
  involvedObject: InvolvedObject;
  type: string;
  reason: string;
  message: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string };
  reportingComponent: string;
}

let objects = 0;

describe('EventRecorder against the API emulator', () => {
  let server: KubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    server = await startKubeApiServer({ port: 0, controllers: false });
    kube = createKubeClient({ kubeconfigPath: server.kubeconfig });
  });
  afterAll(() => server?.close());

  const externalSecret = (): InvolvedObject => {
    objects += 1;
    return {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      namespace: 'default',
      name: `es-${objects}`,
      uid: `uid-${objects}`,
    };
  };

  /** The core/v1 Events about `involved`, read the way `kubectl describe` selects them. */
  const eventsFor = (involved: InvolvedObject) =>
    kube.list<CoreEvent>({
      apiVersion: 'v1',
      kind: 'Event',
      namespace: involved.namespace ?? 'default',
      fieldSelector: `involvedObject.name=${involved.name},involvedObject.kind=${involved.kind}`,
    });

  const newRecorder = (clock: FakeClock, errors: unknown[] = []) =>
    createEventRecorder(kube, { component: 'kvsync', clock, onError: (e) => errors.push(e) });

  it('writes a core/v1 Event with the fields kubectl describe shows', async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    const recorder = newRecorder(clock);
    const es = externalSecret();
    recorder.record(es, 'Warning', 'UpdateFailed', 'could not read secret db-password: 403 Forbidden');
    await recorder.flush();
    const [event, ...more] = await eventsFor(es);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      metadata: { namespace: 'default' },
      involvedObject: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        name: es.name,
        uid: es.uid,
      },
      type: 'Warning',
      reason: 'UpdateFailed',
      message: 'could not read secret db-password: 403 Forbidden',
      count: 1,
      firstTimestamp: '2026-03-01T12:00:00Z',
      lastTimestamp: '2026-03-01T12:00:00Z',
      source: { component: 'kvsync' },
      reportingComponent: 'kvsync',
    });
    expect(event!.metadata.name.startsWith(`${es.name}.`)).toBe(true);
  });

  it('counts repeats within 10 minutes on one Event, and starts a new one after', async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 1, 12, 0, 0));
    const recorder = newRecorder(clock);
    const es = externalSecret();
    recorder.record(es, 'Normal', 'Updated', 'synced');
    await clock.advance(60_000);
    recorder.record(es, 'Normal', 'Updated', 'synced');
    await clock.advance(9 * 60_000);
    recorder.record(es, 'Normal', 'Updated', 'synced');
    recorder.record(es, 'Normal', 'Updated', 'synced at a new version');
    await recorder.flush();
    let events = await eventsFor(es);
    events.sort((x, y) => x.message.localeCompare(y.message));
    expect(events.map((e) => [e.message, e.count, e.firstTimestamp, e.lastTimestamp])).toEqual([
      ['synced', 3, '2026-03-01T12:00:00Z', '2026-03-01T12:10:00Z'],
      ['synced at a new version', 1, '2026-03-01T12:10:00Z', '2026-03-01T12:10:00Z'],
    ]);
    await clock.advance(11 * 60_000);
    recorder.record(es, 'Normal', 'Updated', 'synced');
    await recorder.flush();
    events = await eventsFor(es);
    expect(events.filter((e) => e.message === 'synced').map((e) => e.count)).toEqual(
      expect.arrayContaining([3, 1]),
    );
    expect(events).toHaveLength(3);
  });

  it('rate-limits each object: a burst of 25, then one more every 5 minutes', async () => {
    const clock = new FakeClock();
    const recorder = newRecorder(clock);
    const hot = externalSecret();
    const calm = externalSecret();
    for (let i = 0; i < 40; i += 1) recorder.record(hot, 'Warning', 'UpdateFailed', `attempt ${i}`);
    recorder.record(calm, 'Normal', 'Updated', 'synced');
    await recorder.flush();
    expect(await eventsFor(hot)).toHaveLength(25);
    expect(await eventsFor(calm)).toHaveLength(1);
    expect(recorder.dropped()).toBe(15);
    await clock.advance(5 * 60_000);
    recorder.record(hot, 'Warning', 'UpdateFailed', 'after the pause');
    recorder.record(hot, 'Warning', 'UpdateFailed', 'one too many');
    await recorder.flush();
    expect((await eventsFor(hot)).map((e) => e.message)).toContain('after the pause');
    expect(recorder.dropped()).toBe(16);
  });

  it('writes at most 8 at a time, keeps 1,000 waiting, and drops (and counts) what does not fit', async () => {
    let running = 0;
    let most = 0;
    const counting: KubeClient = Object.create(kube) as KubeClient;
    counting.create = async (object, options) => {
      running += 1;
      most = Math.max(most, running);
      try {
        return await kube.create(object, options);
      } finally {
        running -= 1;
      }
    };
    const recorder = createEventRecorder(counting, { component: 'kvsync', clock: new FakeClock() });
    const burst = Array.from({ length: 1_100 }, () => externalSecret());
    for (const involved of burst) recorder.record(involved, 'Normal', 'Updated', 'synced');
    expect(recorder.dropped()).toBe(92);
    await recorder.flush();
    expect(most).toBe(8);
    expect(await eventsFor(burst[1_007]!)).toHaveLength(1);
    expect(await eventsFor(burst[1_008]!)).toHaveLength(0);
    recorder.record(burst[1_099]!, 'Normal', 'Updated', 'synced');
    await recorder.flush();
    expect(await eventsFor(burst[1_099]!)).toHaveLength(1);
  });

  it('puts Events of cluster-scoped objects in default', async () => {
    const recorder = newRecorder(new FakeClock());
    const store = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      name: `css-${++objects}`,
    };
    recorder.record(store, 'Normal', 'Valid', 'store validated');
    await recorder.flush();
    const events = await kube.list<CoreEvent>({
      apiVersion: 'v1',
      kind: 'Event',
      namespace: 'default',
      fieldSelector: `involvedObject.name=${store.name}`,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ metadata: { namespace: 'default' }, involvedObject: store });
  });

  it('never throws from record(); failed writes go to onError', async () => {
    const errors: unknown[] = [];
    const recorder = newRecorder(new FakeClock(), errors);
    const orphan = { ...externalSecret(), namespace: 'no-such-namespace' };
    expect(() => recorder.record(orphan, 'Warning', 'X', 'y')).not.toThrow();
    await recorder.flush();
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ERR_KUBE_API');
  });
});
