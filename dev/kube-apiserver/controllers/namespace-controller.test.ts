import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { deploymentManifest, podsOf, startTestCluster, type TestCluster } from './test-cluster.ts';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const secret = (name: string, finalizers?: string[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'team', ...(finalizers ? { finalizers } : {}) },
  stringData: { password: 'hunter2' },
});

describe('namespace controller', () => {
  it('deletes everything in a terminating namespace, then the namespace', async () => {
    t.client.create('namespaces', namespace('team'));
    t.client.create('secrets', secret('db'));
    t.client.create('apps/deployments', deploymentManifest({ name: 'web', namespace: 'team', replicas: 2 }));
    await t.run(100);
    expect(podsOf(t.client, 'web', 'team')).toHaveLength(2);

    t.client.delete('namespaces', undefined, 'team');
    await t.run(100);
    expect(t.client.get('namespaces', undefined, 'team')).toBeUndefined();
    for (const resource of ['secrets', 'serviceaccounts', 'pods', 'apps/deployments', 'apps/replicasets']) {
      expect(t.client.list(resource, 'team')).toEqual([]);
    }
  });

  it('waits for objects held by finalizers before removing the namespace', async () => {
    t.client.create('namespaces', namespace('team'));
    t.client.create('secrets', secret('held', ['example.com/hold']));
    t.client.delete('namespaces', undefined, 'team');
    await t.run();
    const terminating = t.client.get('namespaces', undefined, 'team');
    expect(terminating?.['status']).toEqual({ phase: 'Terminating' });
    expect(t.client.get('secrets', 'team', 'held')?.metadata.deletionTimestamp).toBeDefined();

    t.client.mergePatch('secrets', 'team', 'held', { metadata: { finalizers: null } });
    await t.run();
    expect(t.client.get('namespaces', undefined, 'team')).toBeUndefined();
  });
});

describe('service account controller', () => {
  it('gives every namespace, existing or new, a default ServiceAccount, and recreates it', async () => {
    await t.run();
    for (const name of ['default', 'kube-system'])
      expect(t.client.get('serviceaccounts', name, 'default')).toBeDefined();
    t.client.create('namespaces', namespace('team'));
    await t.run();
    expect(t.client.get('serviceaccounts', 'team', 'default')).toBeDefined();
    t.client.delete('serviceaccounts', 'team', 'default');
    await t.run();
    expect(t.client.get('serviceaccounts', 'team', 'default')).toBeDefined();
  });
});
