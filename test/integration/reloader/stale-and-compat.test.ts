import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import {
  allReady,
  createSecret,
  createWorkload,
  getWorkload,
  podsOf,
  reloadStatusOf,
  replicaSetsOf,
  rotate,
  secretManifest,
  type Obj,
} from './fixtures.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(Date.UTC(2026, 2, 2, 0, 0, 0));
});
afterAll(() => h?.close());

describe('stale pods', () => {
  it('lists pods reading a Secret through env or subPath until they are replaced, never a plain volume mount', async () => {
    const ns = await h.namespace();
    await createSecret(h.kube, ns, 'db', 'first');
    h.hooks.versions.set(`${ns}/db`, 'v1');
    for (const [name, use] of [
      ['env-app', 'env'],
      ['sub-app', 'subPath'],
      ['vol-app', 'volume'],
    ] as const)
      await createWorkload(h.kube, ns, name, { secretName: 'db', use, replicas: 1 });
    await h.drive(
      async () =>
        (await allReady(h.kube, ns, 'env-app', 1)) &&
        (await allReady(h.kube, ns, 'sub-app', 1)) &&
        allReady(h.kube, ns, 'vol-app', 1),
    );
    const reloader = await h.start(ns);
    await h.pass(3000);
    expect(reloader.state().stalePods).toEqual([]);

    await rotate(h.kube, ns, 'db', 'second');
    const staleOf = () => reloader.state().stalePods.find((s) => s.secret === 'db');
    await h.drive(() => staleOf()?.pods.length === 2);
    expect(staleOf()!.pods.map((p) => p.workload)).toEqual(['Deployment/env-app', 'Deployment/sub-app']);
    expect(h.metrics.stale.get(`${ns}/db`)).toBe(2);
    await h.drive(() => h.hooks.staleReports.some((r) => r.es === `${ns}/db` && r.count === 2));
    const report = h.hooks.staleReports.filter((r) => r.es === `${ns}/db`).at(-1)!;
    expect(report).toMatchObject({
      secret: 'db',
      count: 2,
      workloads: ['Deployment/env-app', 'Deployment/sub-app'],
    });
    expect(JSON.stringify(report)).not.toContain('second');

    // Replacing the env pod clears it; the subPath pod stays stale until it is replaced too.
    const [envPod] = await podsOf(h.kube, ns, 'env-app');
    await h.kube.delete({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: envPod!.metadata.name });
    await h.drive(() => staleOf()?.pods.length === 1);
    expect(staleOf()!.pods[0]!.workload).toBe('Deployment/sub-app');
    await h.kube.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'sub-app' },
      { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now' } } } } },
    );
    await h.drive(() => staleOf() === undefined);
    await h.drive(() => h.hooks.staleReports.filter((r) => r.es === `${ns}/db`).at(-1)?.count === 0);
    expect(h.metrics.stale.get(`${ns}/db`)).toBe(0);
  });
});

describe('stakater Reloader annotations, as its documentation shows them', () => {
  const workloads: Array<
    [name: string, reads: string[], annotations: Record<string, string>, template?: Record<string, string>]
  > = [
    ['auto', ['db', 'cfg'], { 'reloader.stakater.com/auto': 'true' }],
    ['typed-secret', ['db', 'cfg'], { 'secret.reloader.stakater.com/auto': 'true' }],
    ['named', ['db'], { 'secret.reloader.stakater.com/reload': 'oth.*,nope' }],
    ['search', ['tagged', 'plain'], { 'reloader.stakater.com/search': 'true' }],
    ['ignored', ['ignored'], { 'reloader.stakater.com/auto': 'true' }],
    ['on-template', ['db'], {}, { 'reloader.stakater.com/auto': 'true' }],
    [
      'excluded',
      ['db'],
      { 'reloader.stakater.com/auto': 'true', 'secrets.exclude.reloader.stakater.com/reload': 'db' },
    ],
    ['off', ['db'], { 'reloader.stakater.com/auto': 'false' }],
  ];

  function manifest(
    ns: string,
    name: string,
    reads: string[],
    annotations: Record<string, string>,
    template?: Record<string, string>,
  ): Obj {
    const env = reads.map((source, i) =>
      source === 'cfg'
        ? { name: `V${i}`, valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }
        : { name: `V${i}`, valueFrom: { secretKeyRef: { name: source, key: 'password' } } },
    );
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, annotations },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name }, ...(template ? { annotations: template } : {}) },
          spec: { containers: [{ name: 'app', image: 'registry.example/app:1', env }] },
        },
      },
    };
  }

  const rolledOut = async (ns: string) =>
    Object.fromEntries(
      await Promise.all(
        workloads.map(async ([name]) => [name, (await replicaSetsOf(h.kube, ns, name)).length - 1]),
      ),
    );

  it('restart exactly the workloads Reloader would restart', async () => {
    const ns = await h.namespace();
    for (const name of ['db', 'other', 'tagged', 'plain']) await createSecret(h.kube, ns, name, 'one', false);
    const ignored = secretManifest(ns, 'ignored', 'one', false);
    ignored.metadata.annotations = { 'reloader.stakater.com/ignore': 'true' };
    await h.kube.create(ignored);
    const tagged = (await h.kube.get<Obj>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns,
      name: 'tagged',
    }))!;
    await h.kube.replace({
      ...tagged,
      metadata: { ...tagged.metadata, annotations: { 'reloader.stakater.com/match': 'true' } },
    });
    await h.kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: ns },
      data: { mode: 'a' },
    });
    for (const [name, reads, annotations, template] of workloads)
      await h.kube.create(manifest(ns, name, reads, annotations, template));
    await h.drive(async () =>
      (await Promise.all(workloads.map(([name]) => allReady(h.kube, ns, name, 1)))).every(Boolean),
    );
    await h.start(ns);
    await h.pass(3000);

    await rotate(h.kube, ns, 'db', 'two');
    await h.pass(20_000, 250);
    expect(await rolledOut(ns)).toEqual({
      auto: 1,
      'typed-secret': 1,
      named: 0,
      search: 0,
      ignored: 0,
      'on-template': 1,
      excluded: 0,
      off: 0,
    });

    for (const name of ['other', 'tagged', 'plain', 'ignored']) await rotate(h.kube, ns, name, 'two');
    const cfg = (await h.kube.get<Obj>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'cfg' }))!;
    await h.kube.replace({ ...cfg, data: { mode: 'b' } });
    await h.pass(20_000, 250);
    expect(await rolledOut(ns)).toEqual({
      auto: 2,
      'typed-secret': 1,
      named: 1,
      search: 1,
      ignored: 0,
      'on-template': 1,
      excluded: 0,
      off: 0,
    });
    expect(reloadStatusOf(await getWorkload(h.kube, ns, 'off'))).toBeUndefined();
  });
});
