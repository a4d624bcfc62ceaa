import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  conditionOf,
  podsOf,
  startTestCluster,
  statusOf,
  workloadManifest,
  type TestCluster,
} from './test-cluster.ts';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

const setImage = (resource: string, name: string, image: string): void => {
  t.client.mergePatch(resource, 'default', name, {
    spec: { template: { spec: { containers: [{ name: 'main', image }] } } },
  });
};
const imageOf = (pod: { [field: string]: unknown }): string =>
  (pod['spec'] as { containers: { image: string }[] }).containers[0]!.image;

describe('StatefulSet controller', () => {
  it('creates pods in ordinal order, each once the previous is ready', async () => {
    t.client.create('apps/statefulsets', workloadManifest('StatefulSet', 'db'));
    await t.run();
    expect(podsOf(t.client, 'db').map((pod) => pod.metadata.name)).toEqual(['db-0']);
    await t.run(100);
    const pods = podsOf(t.client, 'db');
    expect(pods.map((pod) => pod.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    const sts = t.client.get('apps/statefulsets', 'default', 'db');
    const revision = statusOf(sts)['updateRevision'];
    expect(revision).toMatch(/^db-[a-z0-9]+$/);
    expect(pods[1]!.metadata.labels).toMatchObject({
      'controller-revision-hash': revision,
      'statefulset.kubernetes.io/pod-name': 'db-1',
    });
    expect(pods[1]!['spec']).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(statusOf(sts)).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  });

  it('replaces pods from the highest ordinal down on a template change', async () => {
    t.client.create('apps/statefulsets', workloadManifest('StatefulSet', 'db'));
    await t.run(100);
    const before = statusOf(t.client.get('apps/statefulsets', 'default', 'db'))['currentRevision'];
    setImage('apps/statefulsets', 'db', 'nginx:1.26');
    await t.run();
    // db-2 is replaced first; db-1 waits until the new db-2 is ready.
    expect(podsOf(t.client, 'db').map(imageOf)).toEqual(['nginx:1.25', 'nginx:1.25', 'nginx:1.26']);
    expect(conditionOf(podsOf(t.client, 'db')[2], 'Ready')).toBeUndefined();
    let status = statusOf(t.client.get('apps/statefulsets', 'default', 'db'));
    expect(status['currentRevision']).toBe(before);
    expect(status['updatedReplicas']).toBe(1);

    await t.run(100);
    expect(podsOf(t.client, 'db').map(imageOf)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    status = statusOf(t.client.get('apps/statefulsets', 'default', 'db'));
    expect(status['currentRevision']).toBe(status['updateRevision']);
    expect(status).toMatchObject({
      observedGeneration: 2,
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      currentReplicas: 3,
    });
  });

  it('scales down from the highest ordinal', async () => {
    t.client.create('apps/statefulsets', workloadManifest('StatefulSet', 'db'));
    await t.run(100);
    t.client.mergePatch('apps/statefulsets', 'default', 'db', { spec: { replicas: 1 } });
    await t.run(50);
    expect(podsOf(t.client, 'db').map((pod) => pod.metadata.name)).toEqual(['db-0']);
  });
});

describe('DaemonSet controller', () => {
  it('runs one pod on the node and replaces it on a template change', async () => {
    t.client.create('apps/daemonsets', workloadManifest('DaemonSet', 'agent'));
    await t.run(50);
    const [pod, ...others] = podsOf(t.client, 'agent');
    expect(others).toEqual([]);
    expect(pod!['spec']).toMatchObject({ nodeName: 'kvsync-node' });
    expect(statusOf(t.client.get('apps/daemonsets', 'default', 'agent'))).toEqual({
      currentNumberScheduled: 1,
      desiredNumberScheduled: 1,
      numberMisscheduled: 0,
      numberReady: 1,
      numberAvailable: 1,
      updatedNumberScheduled: 1,
      observedGeneration: 1,
    });

    setImage('apps/daemonsets', 'agent', 'nginx:1.26');
    await t.run(50);
    const [replaced, ...rest] = podsOf(t.client, 'agent');
    expect(rest).toEqual([]);
    expect(replaced!.metadata.name).not.toBe(pod!.metadata.name);
    expect(imageOf(replaced!)).toBe('nginx:1.26');
    expect(statusOf(t.client.get('apps/daemonsets', 'default', 'agent'))).toMatchObject({
      observedGeneration: 2,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
    });
  });

  it('reports an unavailable pod', async () => {
    const manifest = workloadManifest('DaemonSet', 'agent');
    (manifest['spec'] as { template: { metadata: Record<string, unknown> } }).template.metadata[
      'annotations'
    ] = {
      'emulator.kvsync.io/behavior': 'not-ready',
    };
    t.client.create('apps/daemonsets', manifest);
    await t.run(50);
    const [pod] = podsOf(t.client, 'agent');
    expect(conditionOf(pod, 'Ready')).toMatchObject({ status: 'False' });
    expect(statusOf(t.client.get('apps/daemonsets', 'default', 'agent'))).toMatchObject({
      numberReady: 0,
      numberUnavailable: 1,
    });
  });
});
