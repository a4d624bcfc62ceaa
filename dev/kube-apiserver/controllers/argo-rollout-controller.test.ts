import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import {
  argoRolloutsCrd,
  ROLLOUTS_POD_TEMPLATE_HASH_LABEL,
  ROLLOUTS_RESOURCE,
} from './argo-rollout-controller.ts';
import { deploymentManifest, podsOf, startTestCluster, statusOf, type TestCluster } from './test-cluster.ts';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

const CRDS = 'apiextensions.k8s.io/customresourcedefinitions';

function rolloutManifest(name = 'web', replicas = 3): KubeObject {
  return { ...deploymentManifest({ name, replicas }), apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
}

const rollout = () => t.client.get(ROLLOUTS_RESOURCE, 'default', 'web');
const replicaSets = () =>
  t.client
    .list('apps/replicasets', 'default')
    .filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Rollout' && o.name === 'web'));
const createdMs = (pod: KubeObject) => Date.parse(pod.metadata.creationTimestamp!);
/** RFC 3339 with whole seconds, `seconds` after the cluster's clock now (rounded down). */
const secondsFromNow = (seconds: number) =>
  new Date(Math.floor(t.clock.now().getTime() / 1000) * 1000 + seconds * 1000)
    .toISOString()
    .replace('.000Z', 'Z');

async function deployed(): Promise<void> {
  t.client.create(CRDS, argoRolloutsCrd());
  t.client.create(ROLLOUTS_RESOURCE, rolloutManifest());
  await t.run(100);
}

describe('Argo Rollout stand-in', () => {
  it('runs the pods through one ReplicaSet per template hash and reports Healthy', async () => {
    await deployed();
    const [rs, ...others] = replicaSets();
    expect(others).toEqual([]);
    const hash = rs!.metadata.labels![ROLLOUTS_POD_TEMPLATE_HASH_LABEL]!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    const pods = podsOf(t.client, 'web');
    expect(pods).toHaveLength(3);
    for (const pod of pods) expect(pod.metadata.labels?.[ROLLOUTS_POD_TEMPLATE_HASH_LABEL]).toBe(hash);
    expect(statusOf(rollout())).toEqual({
      observedGeneration: '1',
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      currentPodHash: hash,
      stableRS: hash,
      phase: 'Healthy',
    });
  });

  it('restarts through spec.restartAt: waits for the time, replaces one pod at a time, then sets restartedAt', async () => {
    await deployed();
    await t.run(1500);
    const before = podsOf(t.client, 'web').map((pod) => pod.metadata.name);
    const restartAt = secondsFromNow(2);
    t.client.mergePatch(ROLLOUTS_RESOURCE, 'default', 'web', { spec: { restartAt } });
    await t.run(1000);
    expect(podsOf(t.client, 'web').map((pod) => pod.metadata.name)).toEqual(before); // not yet time
    expect(statusOf(rollout())['restartedAt']).toBeUndefined();

    await t.run(1000 - (t.clock.now().getTime() % 1000)); // the restartAt second begins
    const during = podsOf(t.client, 'web');
    expect(during.filter((pod) => !before.includes(pod.metadata.name!))).toHaveLength(1);
    expect(statusOf(rollout())).toMatchObject({ phase: 'Progressing' });
    expect(statusOf(rollout())['restartedAt']).toBeUndefined();

    await t.run(200);
    const after = podsOf(t.client, 'web');
    expect(after.filter((pod) => before.includes(pod.metadata.name!))).toEqual([]);
    for (const pod of after) expect(createdMs(pod)).toBeGreaterThanOrEqual(Date.parse(restartAt));
    expect(replicaSets()).toHaveLength(1); // no new ReplicaSet
    expect(statusOf(rollout())).toMatchObject({
      restartedAt: restartAt,
      phase: 'Healthy',
      observedGeneration: '2',
    });

    // Done is done: the same restartAt again restarts nothing.
    t.client.mergePatch(ROLLOUTS_RESOURCE, 'default', 'web', {
      metadata: { annotations: { touched: 'yes' } },
      spec: { restartAt },
    });
    await t.run(500);
    expect(podsOf(t.client, 'web').map((pod) => pod.metadata.name)).toEqual(
      after.map((pod) => pod.metadata.name),
    );
  });

  it('does not restart pods created in the restartAt second', async () => {
    await deployed();
    const restartAt = secondsFromNow(0); // the second the pods were created in
    t.client.mergePatch(ROLLOUTS_RESOURCE, 'default', 'web', { spec: { restartAt } });
    const before = podsOf(t.client, 'web').map((pod) => pod.metadata.name);
    await t.run(100);
    expect(podsOf(t.client, 'web').map((pod) => pod.metadata.name)).toEqual(before);
    expect(statusOf(rollout())).toMatchObject({ restartedAt: restartAt, phase: 'Healthy' });
  });

  it('keeps the old ReplicaSet while the new one is not ready', async () => {
    await deployed();
    await t.run(1500);
    t.client.mergePatch(ROLLOUTS_RESOURCE, 'default', 'web', {
      spec: {
        template: { metadata: { annotations: { 'emulator.kvsync.io/behavior': 'crash-loop' } } },
      },
    });
    await t.run(100);
    // The new ReplicaSet never becomes ready: the old one keeps its pods.
    expect(
      replicaSets()
        .map((rs) => (rs['spec'] as { replicas: number }).replicas)
        .sort(),
    ).toEqual([3, 3]);
    expect(statusOf(rollout())).toMatchObject({
      phase: 'Progressing',
      message: 'updated replicas are still becoming available',
    });
  });

  it('on a template change brings up a new ReplicaSet, then scales the old one down; it cancels a restart', async () => {
    await deployed();
    await t.run(1500);
    const [first] = replicaSets();
    const restartAt = secondsFromNow(0);
    t.client.mergePatch(ROLLOUTS_RESOURCE, 'default', 'web', {
      spec: {
        restartAt,
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] } },
      },
    });
    await t.run(); // no time passes: the new pods have not started
    expect(statusOf(rollout())['restartedAt']).toBe(restartAt); // cancelled, not carried out
    expect(podsOf(t.client, 'web').filter((pod) => createdMs(pod) < Date.parse(restartAt))).toHaveLength(3);
    await t.run(200);
    const sets = replicaSets();
    expect(sets).toHaveLength(2);
    const old = sets.find((rs) => rs.metadata.uid === first!.metadata.uid)!;
    expect((old['spec'] as { replicas: number }).replicas).toBe(0);
    const status = statusOf(rollout());
    expect(status).toMatchObject({
      phase: 'Healthy',
      replicas: 3,
      updatedReplicas: 3,
      restartedAt: restartAt,
    });
    expect(status['currentPodHash']).not.toBe(first!.metadata.labels![ROLLOUTS_POD_TEMPLATE_HASH_LABEL]);
  });
});
