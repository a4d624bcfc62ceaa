import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import {
  allReady,
  createSecret,
  createWorkload,
  eventsOf,
  getWorkload,
  podsOf,
  reloadStatusOf,
  replicaSetsOf,
  rotate,
} from './fixtures.ts';

const AUTO = { 'reloader.stakater.com/auto': 'true' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** A managed Secret `db` and an annotated Deployment `web` reading it, rolled out and recorded. */
async function deployed(annotations: Record<string, string> = AUTO, version = 'v1') {
  const ns = await h.namespace();
  await createSecret(h.kube, ns, 'db', 'first');
  h.hooks.versions.set(`${ns}/db`, version);
  await createWorkload(h.kube, ns, 'web', { secretName: 'db', annotations });
  await h.drive(() => allReady(h.kube, ns, 'web', 2));
  const reloader = await h.start(ns);
  await h.drive(async () => reloadStatusOf(await getWorkload(h.kube, ns, 'web'))?.reason === 'UpToDate');
  return { ns, reloader };
}

describe('reloader on the emulator', () => {
  it('records a workload on first sight without restarting it', async () => {
    const { ns } = await deployed();
    await h.pass(10_000);
    const web = await getWorkload(h.kube, ns, 'web');
    expect(JSON.parse(web.metadata.annotations!['kvsync.io/secret-hashes']!)).toHaveProperty('Secret/db');
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(1);
  });

  it('rotating a Secret rolls the Deployment once, to new pods, with events on both sides', async () => {
    const { ns } = await deployed();
    const before = (await podsOf(h.kube, ns, 'web')).map((pod) => pod.metadata.name);
    h.hooks.versions.set(`${ns}/db`, 'v2');
    await rotate(h.kube, ns, 'db', 'second');
    await h.drive(
      async () => reloadStatusOf(await getWorkload(h.kube, ns, 'web'))?.reason === 'RolloutSucceeded',
    );
    await h.drive(() => allReady(h.kube, ns, 'web', 2));
    const after = (await podsOf(h.kube, ns, 'web')).map((pod) => pod.metadata.name);
    expect(after.filter((name) => before.includes(name))).toEqual([]);
    await h.pass(20_000, 500);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(2);
    expect(h.metrics.restarts.filter((r) => r.includes(ns))).toEqual([`Deployment/${ns}:change`]);
    await h.events.flush();
    const reasons = (await eventsOf(h.kube, ns, 'Deployment', 'web')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Reloaded', 'ReloadRolloutSucceeded']));
    const esEvents = await eventsOf(h.kube, ns, 'ExternalSecret', 'db');
    expect(esEvents.find((e) => e.reason === 'Reloaded')?.message).toContain('kv-db@v2');
    for (const event of [...esEvents, ...(await eventsOf(h.kube, ns, 'Deployment', 'web'))]) {
      expect(event.message).not.toContain('second');
      expect(event.message).not.toContain(Buffer.from('second').toString('base64'));
    }
  });

  it('three changes in quick succession give one rollout', async () => {
    const { ns } = await deployed();
    for (const value of ['a', 'b', 'c']) {
      await rotate(h.kube, ns, 'db', value);
      await h.pass(1500);
    }
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(1); // still settling
    await h.drive(
      async () => reloadStatusOf(await getWorkload(h.kube, ns, 'web'))?.reason === 'RolloutSucceeded',
    );
    await h.pass(20_000, 500);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(2);
  });

  it('outside its restart window a restart is pending, visibly, and runs when the window opens', async () => {
    const openHour = (new Date(h.clock.now()).getUTCHours() + 2) % 24;
    const hh = String(openHour).padStart(2, '0');
    const { ns, reloader } = await deployed({ ...AUTO, 'kvsync.io/restart-window': `${hh}:00-${hh}:30 UTC` });
    await rotate(h.kube, ns, 'db', 'windowed');
    await h.drive(
      async () => reloadStatusOf(await getWorkload(h.kube, ns, 'web'))?.reason === 'OutsideRestartWindow',
    );
    const status = reloadStatusOf(await getWorkload(h.kube, ns, 'web'))!;
    const opensMs = Date.parse(status.until!);
    expect(new Date(opensMs).getUTCHours()).toBe(openHour);
    expect(new Date(opensMs).getUTCMinutes()).toBe(0);
    expect(reloader.state().workloads.find((w) => w.name === 'web')).toMatchObject({
      reason: 'OutsideRestartWindow',
    });
    await h.events.flush();
    const pending = (await eventsOf(h.kube, ns, 'Deployment', 'web')).find(
      (e) => e.reason === 'ReloadPending',
    );
    expect(pending?.message).toContain(`restart pending until`);
    await h.clock.advance(opensMs - h.clock.now() - 2000);
    await h.pass(1000);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(1);
    await h.drive(async () => (await replicaSetsOf(h.kube, ns, 'web')).length === 2);
    expect(h.clock.now()).toBeGreaterThanOrEqual(opensMs);
  });

  it('a kvsync stopped mid-way and started again neither restarts twice nor misses a change', async () => {
    const { ns, reloader } = await deployed();
    await rotate(h.kube, ns, 'db', 'during-settle');
    await h.pass(2000);
    await reloader.stop(); // stopped while the change settles
    await h.pass(10_000);
    const second = await h.start(ns);
    await h.drive(
      async () =>
        (await getWorkload(h.kube, ns, 'web')).metadata.annotations?.['kvsync.io/rollout'] !== undefined,
    );
    await second.stop(); // stopped while the rollout runs
    await rotate(h.kube, ns, 'db', 'while-down'); // changed while no kvsync runs
    await h.pass(5000);
    await h.start(ns);
    await h.drive(async () => (await replicaSetsOf(h.kube, ns, 'web')).length === 3, { maxFakeMs: 120_000 });
    await h.drive(
      async () => reloadStatusOf(await getWorkload(h.kube, ns, 'web'))?.reason === 'RolloutSucceeded',
    );
    await h.pass(20_000, 500);
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(3);
    expect(h.metrics.restarts.filter((r) => r.includes(`/${ns}:`))).toHaveLength(2);
  });

  it('runs at most maxConcurrentRollouts rollouts at once, the others wait for a slot', async () => {
    const ns = await h.namespace();
    await createSecret(h.kube, ns, 'db', 'first');
    const names = ['one', 'two', 'three'];
    for (const name of names) await createWorkload(h.kube, ns, name, { secretName: 'db', annotations: AUTO });
    await h.drive(async () =>
      (await Promise.all(names.map((n) => allReady(h.kube, ns, n, 2)))).every(Boolean),
    );
    const reloader = await h.start(ns, { maxConcurrentRollouts: 1 });
    await h.pass(2000);
    await rotate(h.kube, ns, 'db', 'second');
    let mostAtOnce = 0;
    let sawWaiting = false;
    await h.drive(
      async () => {
        const rolling = await Promise.all(
          names.map(
            async (n) => (await getWorkload(h.kube, ns, n)).metadata.annotations?.['kvsync.io/rollout'],
          ),
        );
        mostAtOnce = Math.max(mostAtOnce, rolling.filter(Boolean).length);
        sawWaiting ||= reloader.state().workloads.some((w) => w.reason === 'WaitingForRolloutSlot');
        const done = await Promise.all(
          names.map(async (n) => reloadStatusOf(await getWorkload(h.kube, ns, n))?.reason),
        );
        return done.every((reason) => reason === 'RolloutSucceeded');
      },
      { stepMs: 50 },
    );
    expect(mostAtOnce).toBe(1);
    expect(sawWaiting).toBe(true);
    for (const name of names) expect(await replicaSetsOf(h.kube, ns, name)).toHaveLength(2);
  });

  it('restarts StatefulSets and DaemonSets through their pod templates', async () => {
    const ns = await h.namespace();
    await createSecret(h.kube, ns, 'db', 'first');
    await createWorkload(h.kube, ns, 'sts', { kind: 'StatefulSet', secretName: 'db', annotations: AUTO });
    await createWorkload(h.kube, ns, 'ds', {
      kind: 'DaemonSet',
      secretName: 'db',
      annotations: { 'secret.reloader.stakater.com/reload': 'db' },
    });
    await h.drive(async () => (await allReady(h.kube, ns, 'sts', 2)) && allReady(h.kube, ns, 'ds', 1));
    await h.start(ns);
    const recorded = async (name: string, kind: string) =>
      reloadStatusOf(await getWorkload(h.kube, ns, name, kind))?.reason;
    await h.drive(
      async () =>
        (await recorded('sts', 'StatefulSet')) === 'UpToDate' &&
        (await recorded('ds', 'DaemonSet')) === 'UpToDate',
    );
    const podsBefore = (await podsOf(h.kube, ns, 'sts')).map((p) => p.metadata.uid);
    await rotate(h.kube, ns, 'db', 'second');
    await h.drive(
      async () =>
        (await recorded('sts', 'StatefulSet')) === 'RolloutSucceeded' &&
        (await recorded('ds', 'DaemonSet')) === 'RolloutSucceeded',
    );
    const podsAfter = await podsOf(h.kube, ns, 'sts');
    expect(podsAfter.filter((p) => podsBefore.includes(p.metadata.uid))).toEqual([]);
    expect(
      (await podsOf(h.kube, ns, 'ds'))[0]!.metadata.annotations?.['kvsync.io/secret-hashes'],
    ).toBeDefined();
  });
});
