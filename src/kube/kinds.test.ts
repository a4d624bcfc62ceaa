import { describe, expect, it } from 'vitest';
import { BUILTIN_KINDS, collectionPath, KindTable, objectPath } from './kinds.ts';

describe('kinds and paths', () => {
  const table = new KindTable();

  it('builds core, grouped, namespaced and cluster-scoped paths', () => {
    const secret = table.lookup('v1', 'Secret')!;
    const deployment = table.lookup('apps/v1', 'Deployment')!;
    const css = table.lookup('external-secrets.io/v1', 'ClusterSecretStore')!;
    expect(objectPath(secret, 'ns', 'db')).toBe('/api/v1/namespaces/ns/secrets/db');
    expect(collectionPath(secret)).toBe('/api/v1/secrets');
    expect(objectPath(deployment, 'ns', 'web', 'status')).toBe(
      '/apis/apps/v1/namespaces/ns/deployments/web/status',
    );
    expect(objectPath(css, 'ignored', 'vault')).toBe(
      '/apis/external-secrets.io/v1/clustersecretstores/vault',
    );
  });

  it('knows every kind kvsync uses and takes registrations per table', () => {
    const names = BUILTIN_KINDS.map((k) => `${k.apiVersion} ${k.kind}`);
    for (const expected of [
      'events.k8s.io/v1 Event',
      'argoproj.io/v1alpha1 Rollout',
      'coordination.k8s.io/v1 Lease',
    ])
      expect(names).toContain(expected);
    const own = new KindTable([
      { apiVersion: 'example.com/v1', kind: 'Widget', plural: 'widgets', namespaced: false },
    ]);
    expect(own.lookup('example.com/v1', 'Widget')?.plural).toBe('widgets');
    expect(table.lookup('example.com/v1', 'Widget')).toBeUndefined();
  });
});
