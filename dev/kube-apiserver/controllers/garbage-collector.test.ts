import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject, OwnerReference } from '../types.ts';
import { deploymentManifest, podsOf, startTestCluster, type TestCluster } from './test-cluster.ts';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

const configMap = (name: string, ownerReferences?: OwnerReference[], finalizers?: string[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'default',
    ...(ownerReferences ? { ownerReferences } : {}),
    ...(finalizers ? { finalizers } : {}),
  },
  data: { key: 'value' },
});
const refTo = (owner: KubeObject, blockOwnerDeletion = false): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: owner.metadata.name!,
  uid: owner.metadata.uid!,
  ...(blockOwnerDeletion ? { blockOwnerDeletion } : {}),
});
const getConfigMap = (name: string): KubeObject | undefined => t.client.get('configmaps', 'default', name);
const replicaSetsOf = (app: string): KubeObject[] =>
  t.client.list('apps/replicasets', 'default', `app=${app}`);

describe('garbage collector', () => {
  it('deletes dependents in the background once their owner is gone', async () => {
    const owner = t.client.create('configmaps', configMap('owner'));
    t.client.create('configmaps', configMap('child', [refTo(owner)]));
    t.client.create(
      'configmaps',
      configMap('grandchild', [refTo(t.client.get('configmaps', 'default', 'child')!)]),
    );
    await t.run();
    t.client.delete('configmaps', 'default', 'owner');
    await t.run();
    expect(getConfigMap('child')).toBeUndefined();
    expect(getConfigMap('grandchild')).toBeUndefined();
  });

  it('deletes a dependent created with an owner uid that does not exist', async () => {
    t.client.create(
      'configmaps',
      configMap('stray', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: 'no-such-uid' }]),
    );
    await t.run();
    expect(getConfigMap('stray')).toBeUndefined();
  });

  it('only drops the dangling reference when another owner remains', async () => {
    const first = t.client.create('configmaps', configMap('first'));
    const second = t.client.create('configmaps', configMap('second'));
    t.client.create('configmaps', configMap('shared', [refTo(first), refTo(second)]));
    t.client.delete('configmaps', 'default', 'first');
    await t.run();
    expect(getConfigMap('shared')?.metadata.ownerReferences).toEqual([refTo(second)]);
  });

  it('foreground: deletes dependents first and the owner last, waiting for blocking dependents', async () => {
    const owner = t.client.create('configmaps', configMap('owner'));
    t.client.create('configmaps', configMap('held', [refTo(owner, true)], ['example.com/hold']));
    t.client.delete('configmaps', 'default', 'owner', { propagationPolicy: 'Foreground' });
    await t.run();
    expect(getConfigMap('owner')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(getConfigMap('held')?.metadata.deletionTimestamp).toBeDefined();

    t.client.mergePatch('configmaps', 'default', 'held', { metadata: { finalizers: null } });
    await t.run();
    expect(getConfigMap('held')).toBeUndefined();
    expect(getConfigMap('owner')).toBeUndefined();
  });

  it('foreground on a Deployment removes ReplicaSet and Pods before the Deployment', async () => {
    t.client.create('apps/deployments', deploymentManifest({ name: 'web', replicas: 2 }));
    await t.run(100);
    expect(podsOf(t.client, 'web')).toHaveLength(2);
    const deletions: string[] = [];
    const stop = t.client.onAnyChange((event) => {
      if (event.type === 'DELETED') deletions.push(String(event.object.kind));
    });
    t.client.delete('apps/deployments', 'default', 'web', { propagationPolicy: 'Foreground' });
    await t.run();
    stop();
    expect(t.client.get('apps/deployments', 'default', 'web')).toBeUndefined();
    expect(replicaSetsOf('web')).toEqual([]);
    expect(podsOf(t.client, 'web')).toEqual([]);
    expect(deletions).toEqual(['Pod', 'Pod', 'ReplicaSet', 'Deployment']);
  });

  it('background on a Deployment removes it at once and its ReplicaSet and Pods after', async () => {
    t.client.create('apps/deployments', deploymentManifest({ name: 'web', replicas: 2 }));
    await t.run(100);
    const result = t.client.delete('apps/deployments', 'default', 'web');
    expect(result?.deleted).toBe(true);
    await t.run();
    expect(replicaSetsOf('web')).toEqual([]);
    expect(podsOf(t.client, 'web')).toEqual([]);
  });

  it('orphan: removes the owner reference from dependents, then the owner', async () => {
    t.client.create('apps/deployments', deploymentManifest({ name: 'web', replicas: 2 }));
    await t.run(100);
    const [rs] = replicaSetsOf('web');
    t.client.delete('apps/deployments', 'default', 'web', { propagationPolicy: 'Orphan' });
    await t.run(100);
    expect(t.client.get('apps/deployments', 'default', 'web')).toBeUndefined();
    const [orphan, ...others] = replicaSetsOf('web');
    expect(others).toEqual([]);
    expect(orphan!.metadata.uid).toBe(rs!.metadata.uid);
    expect(orphan!.metadata.ownerReferences).toBeUndefined();
    const pods = podsOf(t.client, 'web');
    expect(pods).toHaveLength(2);
    expect(pods.every((pod) => pod.metadata.ownerReferences?.[0]?.uid === rs!.metadata.uid)).toBe(true);
  });
});
