import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { POD_BEHAVIOR_ANNOTATION } from './pod-status.ts';
import {
  conditionOf,
  deploymentManifest,
  podsOf,
  startTestCluster,
  statusOf,
  type TestCluster,
} from './test-cluster.ts';

const DEPLOYMENTS = 'apps/deployments';
const REPLICA_SETS = 'apps/replicasets';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

const replicaSetsOf = (app: string): KubeObject[] =>
  t.client
    .list(REPLICA_SETS, 'default', `app=${app}`)
    .sort(
      (a, b) =>
        Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) -
        Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']),
    );
const deploymentNamed = (name: string): KubeObject => t.client.get(DEPLOYMENTS, 'default', name)!;
const setImage = (name: string, image: string): void => {
  t.client.mergePatch(DEPLOYMENTS, 'default', name, {
    spec: { template: { spec: { containers: [{ name: 'web', image }] } } },
  });
};

describe('Deployment controller', () => {
  it('creates a ReplicaSet per template hash whose pods become ready, and reports the Deployment Available', async () => {
    const created = t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'web' }));
    await t.run(200);

    const [rs, ...others] = replicaSetsOf('web');
    expect(others).toEqual([]);
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1' });
    expect(rs!.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
        uid: created.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs!['spec']).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
    });

    const pods = podsOf(t.client, 'web');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(pod.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
      expect(statusOf(pod)).toMatchObject({ phase: 'Running', podIP: expect.stringMatching(/^10\.244\./) });
      expect(conditionOf(pod, 'Ready')).toMatchObject({ status: 'True' });
    }
    expect(statusOf(rs)).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      fullyLabeledReplicas: 3,
      observedGeneration: 1,
    });

    const deploy = deploymentNamed('web');
    expect(deploy.metadata.generation).toBe(1);
    const status = statusOf(deploy);
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(status).not.toHaveProperty('unavailableReplicas');
    expect(conditionOf(deploy, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    expect(conditionOf(deploy, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "web-${hash}" has successfully progressed.`,
    });
  });

  it('omits zero counts while the pods are not started yet', async () => {
    t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'slow' }));
    await t.run();
    const status = statusOf(deploymentNamed('slow'));
    expect(status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      unavailableReplicas: 3,
    });
    for (const field of ['readyReplicas', 'availableReplicas']) expect(status).not.toHaveProperty(field);
    expect(conditionOf(deploymentNamed('slow'), 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    // The ReplicaSet's pods exist (Pending), which already counts as progress.
    expect(conditionOf(deploymentNamed('slow'), 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
    });
  });

  it('rolls a template change to a new ReplicaSet and removes the old pods', async () => {
    t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'web', replicas: 4 }));
    await t.run(200);
    const [first] = replicaSetsOf('web');
    const oldPods = podsOf(t.client, 'web').map((pod) => pod.metadata.name);

    let maxPods = 0;
    const stopCounting = t.client.onChange('pods', () => {
      maxPods = Math.max(maxPods, podsOf(t.client, 'web').length);
    });
    setImage('web', 'nginx:1.26');
    await t.run(500);
    stopCounting();

    const [old, current, ...rest] = replicaSetsOf('web');
    expect(rest).toEqual([]);
    expect(old!.metadata.uid).toBe(first!.metadata.uid);
    expect(old!['spec']).toMatchObject({ replicas: 0 });
    expect(current!.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2' });
    const pods = podsOf(t.client, 'web');
    expect(pods).toHaveLength(4);
    expect(pods.map((pod) => pod.metadata.name)).not.toContain(oldPods[0]);
    expect(
      pods.every(
        (pod) => pod.metadata.labels!['pod-template-hash'] === current!.metadata.labels!['pod-template-hash'],
      ),
    ).toBe(true);
    // 25% surge of 4 replicas: never more than 5 pods at once.
    expect(maxPods).toBeLessThanOrEqual(5);

    const deploy = deploymentNamed('web');
    expect(deploy.metadata.generation).toBe(2);
    expect(statusOf(deploy)).toMatchObject({
      observedGeneration: 2,
      replicas: 4,
      updatedReplicas: 4,
      availableReplicas: 4,
    });
    expect(conditionOf(deploy, 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable' });
  });

  it('goes back to an earlier ReplicaSet on a rollback, as a new revision', async () => {
    t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'web', replicas: 2 }));
    await t.run(200);
    setImage('web', 'nginx:1.26');
    await t.run(300);
    setImage('web', 'nginx:1.25');
    await t.run(300);
    const sets = replicaSetsOf('web');
    expect(sets).toHaveLength(2);
    const latest = sets[1]!;
    expect(latest.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3' });
    expect(
      (latest['spec'] as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]!.image,
    ).toBe('nginx:1.25');
    expect(latest['spec']).toMatchObject({ replicas: 2 });
    expect(sets[0]!['spec']).toMatchObject({ replicas: 0 });
  });

  it('reports ProgressDeadlineExceeded when the new pods never become ready', async () => {
    t.client.create(
      DEPLOYMENTS,
      deploymentManifest({ name: 'web', replicas: 4, spec: { progressDeadlineSeconds: 60 } }),
    );
    await t.run(200);
    t.client.mergePatch(DEPLOYMENTS, 'default', 'web', {
      spec: { template: { metadata: { annotations: { [POD_BEHAVIOR_ANNOTATION]: 'not-ready' } } } },
    });
    await t.run(200);
    let deploy = deploymentNamed('web');
    expect(conditionOf(deploy, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated' });
    // maxUnavailable 25% of 4: one old pod may go, three stay serving.
    expect(statusOf(deploy)).toMatchObject({ availableReplicas: 3, updatedReplicas: 2, replicas: 5 });
    expect(conditionOf(deploy, 'Available')).toMatchObject({ status: 'True' });

    await t.run(61_000, 1_000);
    deploy = deploymentNamed('web');
    expect(conditionOf(deploy, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/),
    });
    expect(
      podsOf(t.client, 'web').filter((pod) => conditionOf(pod, 'Ready')?.['status'] === 'True'),
    ).toHaveLength(3);
  });

  it('does not roll out while paused, and does once resumed', async () => {
    t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'web', replicas: 2 }));
    await t.run(200);
    t.client.mergePatch(DEPLOYMENTS, 'default', 'web', { spec: { paused: true } });
    setImage('web', 'nginx:1.26');
    await t.run(200);
    expect(replicaSetsOf('web')).toHaveLength(1);
    expect(conditionOf(deploymentNamed('web'), 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
    });

    t.client.mergePatch(DEPLOYMENTS, 'default', 'web', { spec: { paused: false } });
    await t.run(300);
    expect(replicaSetsOf('web')).toHaveLength(2);
    expect(conditionOf(deploymentNamed('web'), 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
  });

  it('prunes old ReplicaSets beyond revisionHistoryLimit', async () => {
    t.client.create(
      DEPLOYMENTS,
      deploymentManifest({ name: 'web', replicas: 1, spec: { revisionHistoryLimit: 1 } }),
    );
    await t.run(200);
    for (const image of ['nginx:1.26', 'nginx:1.27', 'nginx:1.28']) {
      setImage('web', image);
      await t.run(300);
    }
    const revisions = replicaSetsOf('web').map(
      (rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision'],
    );
    expect(revisions).toEqual(['3', '4']);
  });

  it('scales the ReplicaSet with spec.replicas', async () => {
    t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'web', replicas: 3 }));
    await t.run(200);
    t.client.mergePatch(DEPLOYMENTS, 'default', 'web', { spec: { replicas: 1 } });
    await t.run(100);
    expect(podsOf(t.client, 'web')).toHaveLength(1);
    expect(statusOf(deploymentNamed('web'))).toMatchObject({
      replicas: 1,
      availableReplicas: 1,
      observedGeneration: 2,
    });
  });

  it('Recreate scales the old ReplicaSet to zero before the new one comes up', async () => {
    t.client.create(
      DEPLOYMENTS,
      deploymentManifest({ name: 'web', replicas: 2, spec: { strategy: { type: 'Recreate' } } }),
    );
    await t.run(200);
    setImage('web', 'nginx:1.26');
    await t.run();
    const [old, current] = replicaSetsOf('web');
    expect(old!['spec']).toMatchObject({ replicas: 0 });
    await t.run(300);
    expect(podsOf(t.client, 'web').map((pod) => pod.metadata.labels!['pod-template-hash'])).toEqual([
      current!.metadata.labels!['pod-template-hash'],
      current!.metadata.labels!['pod-template-hash'],
    ]);
  });

  it('sets the revision annotation on the Deployment without bumping its generation', async () => {
    t.client.create(DEPLOYMENTS, deploymentManifest({ name: 'web', replicas: 1 }));
    await t.run(200);
    const deploy = deploymentNamed('web');
    expect(deploy.metadata.generation).toBe(1);
    expect(deploy.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
  });
});
