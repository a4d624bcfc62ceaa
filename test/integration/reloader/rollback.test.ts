import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import {
  allReady,
  createSecret,
  createWorkload,
  eventsOf,
  getWorkload,
  passwordOf,
  reloadStatusOf,
  replicaSetsOf,
  rotate,
  type Obj,
} from './fixtures.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness(Date.UTC(2026, 1, 2, 0, 0, 0));
});
afterAll(() => h?.close());

const reasonOf = async (ns: string, name = 'web') =>
  reloadStatusOf(await getWorkload(h.kube, ns, name))?.reason;

async function deployed(annotations: Record<string, string>) {
  const ns = await h.namespace();
  await createSecret(h.kube, ns, 'db', 'good');
  h.hooks.versions.set(`${ns}/db`, 'v1');
  await createWorkload(h.kube, ns, 'web', { secretName: 'db', annotations, progressDeadlineSeconds: 60 });
  await h.drive(() => allReady(h.kube, ns, 'web', 2));
  const reloader = await h.start(ns);
  await h.drive(async () => (await reasonOf(ns)) === 'UpToDate');
  return { ns, reloader };
}

describe('health checks and rollback', () => {
  it('a value that breaks the new pods is rolled back to the last good data, rejected, and never applied again', async () => {
    const { ns, reloader } = await deployed({
      'reloader.stakater.com/auto': 'true',
      'kvsync.io/rollback': 'auto',
    });
    const lastGood = await h.kube.get<Obj>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns,
      name: 'db-kvsync-last-good',
    });
    expect(lastGood?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Secret', name: 'db' });
    const firstRs = (await replicaSetsOf(h.kube, ns, 'web')).map((rs) => rs.metadata.name);

    h.hooks.versions.set(`${ns}/db`, 'v2-bad');
    await rotate(h.kube, ns, 'db', 'bad-password');
    await h.drive(async () => (await reasonOf(ns)) === 'RolledBack', { maxFakeMs: 120_000 });
    expect(await passwordOf(h.kube, ns, 'db')).toBe('good');
    await h.drive(() => allReady(h.kube, ns, 'web', 2));
    const web = await getWorkload(h.kube, ns, 'web');
    expect(web.metadata.annotations?.['kvsync.io/rollout']).toBeUndefined();
    expect(Object.keys(JSON.parse(web.metadata.annotations!['kvsync.io/rejected']!))).toEqual(['Secret/db']);
    // Back to the template it had: the first ReplicaSet runs the pods again.
    const active = (await replicaSetsOf(h.kube, ns, 'web')).filter(
      (rs) => (rs.spec?.['replicas'] as number) > 0,
    );
    expect(active.map((rs) => rs.metadata.name)).toEqual(firstRs);
    expect(h.hooks.rejections.get(`${ns}/db`)).toEqual([
      expect.objectContaining({ key: 'kv-db', version: 'v2-bad', workload: 'Deployment/web' }),
    ]);
    expect(h.metrics.finished.filter((f) => f.includes(`/${ns}:`))).toEqual([
      `Deployment/${ns}:failed`,
      `Deployment/${ns}:rolled-back`,
    ]);
    await h.events.flush();
    const reasons = (await eventsOf(h.kube, ns, 'Deployment', 'web')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Reloaded', 'ReloadRolloutFailed', 'ReloadRolledBack']));
    const esFailure = (await eventsOf(h.kube, ns, 'ExternalSecret', 'db')).find(
      (e) => e.reason === 'ReloadRolloutFailed',
    );
    expect(esFailure?.message).toContain('kv-db@v2-bad');
    expect(esFailure?.message).not.toContain('bad-password');

    // No loop: time passes, nothing restarts.
    const replicaSets = (await replicaSetsOf(h.kube, ns, 'web')).length;
    await h.pass(60_000, 1000);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(replicaSets);

    // An ExternalSecret controller that writes the rejected version anyway does not restart the pods.
    await rotate(h.kube, ns, 'db', 'bad-password');
    await h.drive(async () => (await reasonOf(ns)) === 'RejectedValue');
    await h.pass(30_000, 1000);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(replicaSets);
    expect(reloader.state().workloads.find((w) => w.name === 'web')).toMatchObject({
      status: 'False',
      reason: 'RejectedValue',
    });

    // A newer, good value rolls out normally.
    h.hooks.versions.set(`${ns}/db`, 'v3');
    await rotate(h.kube, ns, 'db', 'better');
    await h.drive(async () => (await reasonOf(ns)) === 'RolloutSucceeded', { maxFakeMs: 120_000 });
    expect(await passwordOf(h.kube, ns, 'db')).toBe('better');
  });

  it('without rollback: auto a failed rollout is reported and left alone', async () => {
    const { ns } = await deployed({ 'reloader.stakater.com/auto': 'true' });
    await rotate(h.kube, ns, 'db', 'bad-again');
    await h.drive(async () => (await reasonOf(ns)) === 'RolloutFailed', { maxFakeMs: 120_000 });
    expect(await passwordOf(h.kube, ns, 'db')).toBe('bad-again');
    const replicaSets = (await replicaSetsOf(h.kube, ns, 'web')).length;
    await h.pass(30_000, 1000);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(replicaSets);
    expect(h.hooks.rejections.get(`${ns}/db`) ?? []).toEqual([]);
  });

  it('pods that never become ready fail the rollout at the progress deadline, then roll back', async () => {
    const { ns } = await deployed({ 'reloader.stakater.com/auto': 'true', 'kvsync.io/rollback': 'auto' });
    // Not-ready pods, not crashing ones: the template itself says so, the Secret is fine.
    await h.kube.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web' },
      { spec: { template: { metadata: { annotations: { 'emulator.kvsync.io/behavior': 'not-ready' } } } } },
    );
    await h.pass(2000);
    await rotate(h.kube, ns, 'db', 'fine-but-slow');
    await h.drive(async () => (await reasonOf(ns)) === 'RollingOut');
    await h.pass(30_000, 1000);
    expect(await reasonOf(ns)).toBe('RollingOut'); // not ready is progress, until the deadline
    await h.drive(
      async () => ['RollingBack', 'RolledBack', 'RollbackFailed'].includes((await reasonOf(ns)) ?? ''),
      {
        maxFakeMs: 120_000,
        stepMs: 1000,
      },
    );
    const status = reloadStatusOf(await getWorkload(h.kube, ns, 'web'))!;
    expect(status.message).toContain('ProgressDeadlineExceeded');
    expect(await passwordOf(h.kube, ns, 'db')).toBe('good');
  });
});
