import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { startTestCluster, type TestCluster } from './test-cluster.ts';

const CLUSTER_ROLES = 'rbac.authorization.k8s.io/clusterroles';
const AGGREGATE = 'example.com/aggregate-to-monitoring';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

function clusterRole(name: string, body: Partial<KubeObject>, labels?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels },
    ...body,
  };
}

const rulesOf = (name: string) => t.client.get(CLUSTER_ROLES, undefined, name)?.['rules'];
const read = (resource: string) => ({ verbs: ['get', 'list'], apiGroups: [''], resources: [resource] });

describe('ClusterRole aggregation controller', () => {
  it('fills an aggregated ClusterRole with the rules of the roles its selectors match, and follows changes', async () => {
    t.client.create(CLUSTER_ROLES, clusterRole('b-pods', { rules: [read('pods')] }, { [AGGREGATE]: 'true' }));
    t.client.create(
      CLUSTER_ROLES,
      clusterRole('monitoring', {
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [AGGREGATE]: 'true' } }] },
      }),
    );
    t.client.create(
      CLUSTER_ROLES,
      clusterRole('a-secrets', { rules: [read('secrets'), read('pods')] }, { [AGGREGATE]: 'true' }),
    );
    t.client.create(CLUSTER_ROLES, clusterRole('unrelated', { rules: [read('configmaps')] }));
    await t.run();
    expect(rulesOf('monitoring')).toEqual([read('secrets'), read('pods')]);

    t.client.delete(CLUSTER_ROLES, undefined, 'a-secrets');
    await t.run();
    expect(rulesOf('monitoring')).toEqual([read('pods')]);
  });

  it('overwrites rules written by hand on an aggregated role', async () => {
    t.client.create(CLUSTER_ROLES, clusterRole('source', { rules: [read('pods')] }, { [AGGREGATE]: 'true' }));
    t.client.create(
      CLUSTER_ROLES,
      clusterRole('monitoring', {
        rules: [read('secrets')],
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [AGGREGATE]: 'true' } }] },
      }),
    );
    await t.run();
    expect(rulesOf('monitoring')).toEqual([read('pods')]);
  });
});
