import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argoRolloutsCrd } from '../../../dev/kube-apiserver/controllers/index.ts';
import { recoverOnContainerRestart, startHarness, type Harness } from './harness.ts';
import {
  allReady,
  createSecret,
  createWorkload,
  eventsOf,
  getWorkload,
  passwordOf,
  podSpec,
  podsOf,
  reloadStatusOf,
  replicaSetsOf,
  rotate,
  type Obj,
} from './fixtures.ts';

/**
 * Argo Rollouts with stakater Reloader's `reloader.stakater.com/rollout-strategy`, against the
 * emulator's Argo Rollouts stand-in: `restart` restarts through `spec.restartAt` (Argo replaces
 * the pods in place), the default `rollout` through the pod template (a new ReplicaSet).
 */

const AUTO = { 'reloader.stakater.com/auto': 'true' };
const RESTART = { ...AUTO, 'reloader.stakater.com/rollout-strategy': 'restart' };
const ROLLOUT = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };

let h: Harness;
let stopRecovering: () => void;
beforeAll(async () => {
  h = await startHarness(Date.UTC(2026, 2, 2, 0, 0, 0));
  stopRecovering = recoverOnContainerRestart(h.server);
  await h.kube.create(argoRolloutsCrd());
});
afterAll(async () => {
  stopRecovering?.();
  await h?.close();
});

const rollout = async (ns: string) => (await h.kube.get<Obj>({ ...ROLLOUT, namespace: ns, name: 'web' }))!;
const reasonOf = async (ns: string) => reloadStatusOf(await rollout(ns))?.reason;
const spec = (r: Obj) => r.spec as { restartAt?: string; template: { metadata: Obj['metadata'] } };
const status = (r: Obj) => (r.status ?? {}) as { restartedAt?: string; phase?: string };
const restartsIn = (ns: string) => h.metrics.restarts.filter((r) => r.includes(`/${ns}:`));
/** ReplicaSets of the Rollout (the fixture's helper looks for Deployment owners). */
const rolloutReplicaSets = async (ns: string) =>
  (await h.kube.list<Obj>({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: ns })).filter((rs) =>
    rs.metadata.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === 'web'),
  );

/** A managed Secret `db` and a Rollout `web` (2 replicas) reading it through env, recorded by a reloader. */
async function rolledOut(annotations: Record<string, string>) {
  const ns = await h.namespace();
  await createSecret(h.kube, ns, 'db', 'first');
  h.hooks.versions.set(`${ns}/db`, 'v1');
  const labels = { app: 'web' };
  await h.kube.create({
    ...ROLLOUT,
    metadata: { name: 'web', namespace: ns, annotations },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: podSpec('db', 'env') },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '10s' } }] } },
    },
  });
  await h.drive(() => allReady(h.kube, ns, 'web', 2));
  const reloader = await h.start(ns);
  await h.drive(async () => (await reasonOf(ns)) === 'UpToDate');
  await h.pass(1500); // the pods' creation second is over, as it would be in any real cluster
  return { ns, reloader };
}

describe('Argo Rollouts: rollout-strategy', () => {
  it('restart: a burst of changes gives one spec.restartAt restart, in place, without a template change', async () => {
    const { ns } = await rolledOut(RESTART);
    const before = await rollout(ns);
    const podsBefore = (await podsOf(h.kube, ns, 'web')).map((p) => p.metadata.name);
    h.hooks.versions.set(`${ns}/db`, 'v4');
    for (const value of ['second', 'third', 'fourth']) {
      await rotate(h.kube, ns, 'db', value);
      await h.pass(1500);
    }
    expect(spec(await rollout(ns)).restartAt).toBeUndefined(); // still settling
    await h.drive(async () => (await reasonOf(ns)) === 'RolloutSucceeded');

    const after = await rollout(ns);
    const restartAt = spec(after).restartAt!;
    expect(restartAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(status(after)).toMatchObject({ restartedAt: restartAt, phase: 'Healthy' });
    expect(spec(after).template).toEqual(spec(before).template); // no template change
    expect(JSON.parse(after.metadata.annotations!['kvsync.io/secret-hashes']!)).toHaveProperty('Secret/db');
    expect(after.metadata.annotations?.['kvsync.io/rollout']).toBeUndefined();
    // Argo replaced the pods in place: same ReplicaSet, every pod created since restartAt.
    expect(await rolloutReplicaSets(ns)).toHaveLength(1);
    await h.drive(() => allReady(h.kube, ns, 'web', 2));
    const podsAfter = await podsOf(h.kube, ns, 'web');
    expect(podsAfter.filter((p) => podsBefore.includes(p.metadata.name))).toEqual([]);
    for (const pod of podsAfter)
      expect(Date.parse(pod.metadata.creationTimestamp!)).toBeGreaterThanOrEqual(Date.parse(restartAt));

    await h.pass(20_000, 500);
    expect(spec(await rollout(ns)).restartAt).toBe(restartAt);
    expect(restartsIn(ns)).toEqual([`Rollout/${ns}:change`]);
    await h.events.flush();
    const events = await eventsOf(h.kube, ns, 'Rollout', 'web');
    expect(events.map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Reloaded', 'ReloadRolloutSucceeded']),
    );
    expect(events.find((e) => e.reason === 'Reloaded')?.message).toContain('spec.restartAt');
    for (const event of events) expect(event.message).not.toContain('fourth');
  });

  it('restart: a new kvsync neither restarts again nor loses the restart it finds running', async () => {
    const { ns, reloader } = await rolledOut(RESTART);
    await rotate(h.kube, ns, 'db', 'second');
    await h.drive(async () => spec(await rollout(ns)).restartAt !== undefined);
    await reloader.stop(); // stopped while Argo restarts the pods
    const restartAt = spec(await rollout(ns)).restartAt;
    const second = await h.start(ns);
    await h.drive(async () => (await reasonOf(ns)) === 'RolloutSucceeded');
    await second.stop();
    await h.start(ns); // and once more after it ended
    await h.pass(20_000, 500);
    expect(spec(await rollout(ns)).restartAt).toBe(restartAt);
    expect(status(await rollout(ns)).restartedAt).toBe(restartAt);
    expect(restartsIn(ns)).toEqual([`Rollout/${ns}:change`]);
    expect(await reasonOf(ns)).toBe('RolloutSucceeded');
  });

  it('rollout (the default): the pod template changes and a new ReplicaSet takes over; no restartAt', async () => {
    const { ns } = await rolledOut(AUTO);
    await rotate(h.kube, ns, 'db', 'second');
    await h.drive(async () => (await reasonOf(ns)) === 'RolloutSucceeded');
    const after = await rollout(ns);
    expect(spec(after).restartAt).toBeUndefined();
    expect(spec(after).template.metadata.annotations?.['kvsync.io/secret-hashes']).toBe(
      after.metadata.annotations?.['kvsync.io/secret-hashes'],
    );
    expect(await rolloutReplicaSets(ns)).toHaveLength(2);
  });

  it('an invalid strategy is reported and holds the restart until it is fixed', async () => {
    const { ns } = await rolledOut({ ...AUTO, 'reloader.stakater.com/rollout-strategy': 'Restart' });
    await h.events.flush();
    const invalid = (await eventsOf(h.kube, ns, 'Rollout', 'web')).find(
      (e) => e.reason === 'ReloadInvalidAnnotation',
    );
    expect(invalid?.message).toContain('reloader.stakater.com/rollout-strategy');
    await rotate(h.kube, ns, 'db', 'second');
    await h.drive(async () => (await reasonOf(ns)) === 'InvalidAnnotation');
    await h.pass(10_000, 500);
    const held = await rollout(ns);
    expect(spec(held).restartAt).toBeUndefined();
    expect(spec(held).template.metadata.annotations?.['kvsync.io/secret-hashes']).toBeUndefined();
    await h.kube.mergePatch(
      { ...ROLLOUT, namespace: ns, name: 'web' },
      { metadata: { annotations: { 'reloader.stakater.com/rollout-strategy': 'restart' } } },
    );
    await h.drive(async () => (await reasonOf(ns)) === 'RolloutSucceeded');
    expect(spec(await rollout(ns)).restartAt).toBeDefined();
    expect(await rolloutReplicaSets(ns)).toHaveLength(1);
  });

  it('is ignored on a Deployment, as Reloader ignores it there', async () => {
    const ns = await h.namespace();
    await createSecret(h.kube, ns, 'db', 'first');
    await createWorkload(h.kube, ns, 'web', { secretName: 'db', annotations: RESTART });
    await h.drive(() => allReady(h.kube, ns, 'web', 2));
    await h.start(ns);
    const deployReason = async () => reloadStatusOf(await getWorkload(h.kube, ns, 'web'))?.reason;
    await h.drive(async () => (await deployReason()) === 'UpToDate');
    await rotate(h.kube, ns, 'db', 'second');
    await h.drive(async () => (await deployReason()) === 'RolloutSucceeded');
    expect(await replicaSetsOf(h.kube, ns, 'web')).toHaveLength(2);
    await h.events.flush();
    const reasons = (await eventsOf(h.kube, ns, 'Deployment', 'web')).map((e) => e.reason);
    expect(reasons).not.toContain('ReloadInvalidAnnotation');
  });

  it('restart with rollback auto: a bad value is rolled back to the last good data through another restartAt', async () => {
    const { ns } = await rolledOut({ ...RESTART, 'kvsync.io/rollback': 'auto' });
    const template = spec(await rollout(ns)).template;
    h.hooks.versions.set(`${ns}/db`, 'v2-bad');
    await rotate(h.kube, ns, 'db', 'bad-password');
    await h.drive(async () => (await reasonOf(ns)) === 'RollingOut');
    const firstRestartAt = spec(await rollout(ns)).restartAt!;
    await h.drive(async () => (await reasonOf(ns)) === 'RollingBack');
    expect(await passwordOf(h.kube, ns, 'db')).toBe('first');
    const secondRestartAt = spec(await rollout(ns)).restartAt!;
    expect(Date.parse(secondRestartAt)).toBeGreaterThan(Date.parse(firstRestartAt));

    await h.drive(async () => (await reasonOf(ns)) === 'RolledBack', { maxFakeMs: 180_000 });
    const after = await rollout(ns);
    expect(status(after)).toMatchObject({ restartedAt: secondRestartAt, phase: 'Healthy' });
    expect(spec(after).template).toEqual(template);
    expect(Object.keys(JSON.parse(after.metadata.annotations!['kvsync.io/rejected']!))).toEqual([
      'Secret/db',
    ]);
    expect(await rolloutReplicaSets(ns)).toHaveLength(1);
    await h.drive(() => allReady(h.kube, ns, 'web', 2));
    for (const pod of await podsOf(h.kube, ns, 'web'))
      expect(Date.parse(pod.metadata.creationTimestamp!)).toBeGreaterThanOrEqual(Date.parse(secondRestartAt));
    expect(h.metrics.finished.filter((f) => f.includes(`/${ns}:`))).toEqual([
      `Rollout/${ns}:failed`,
      `Rollout/${ns}:rolled-back`,
    ]);
    expect(h.hooks.rejections.get(`${ns}/db`)).toEqual([
      expect.objectContaining({ key: 'kv-db', version: 'v2-bad', workload: 'Rollout/web' }),
    ]);
    // No loop: nothing restarts afterwards.
    await h.pass(30_000, 1000);
    expect(spec(await rollout(ns)).restartAt).toBe(secondRestartAt);
    await h.events.flush();
    for (const event of await eventsOf(h.kube, ns, 'Rollout', 'web'))
      expect(event.message).not.toContain('bad-password');
  });
});
