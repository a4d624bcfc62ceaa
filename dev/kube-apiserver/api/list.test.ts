import { describe, expect, it } from 'vitest';
import { createCluster } from '../cluster.ts';
import { listObjects } from './list.ts';

describe('listObjects', () => {
  const cluster = createCluster({ controllers: false });
  for (let i = 0; i < 7; i++) {
    cluster.client.create('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${i}`, namespace: 'default', labels: { parity: i % 2 ? 'odd' : 'even' } },
    });
  }
  const target = cluster.client.target('configmaps', 'default');

  it('pages in name order with a continue token and the count of what remains', () => {
    const names: string[] = [];
    const remaining: (number | undefined)[] = [];
    let token: string | undefined;
    do {
      const page = listObjects(cluster.api, target, { limit: 3, continue: token });
      names.push(...page.items.map((o) => o.metadata.name!));
      remaining.push(page.remainingItemCount);
      token = page.continue;
    } while (token);
    expect(names).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    expect(remaining).toEqual([4, 1, undefined]);
  });

  it('applies the label selector before paging, and returns copies callers may change', () => {
    const page = listObjects(cluster.api, target, { labelSelector: 'parity=odd', limit: 2 });
    expect(page.items.map((o) => o.metadata.name)).toEqual(['cm-1', 'cm-3']);
    // As the API server: the remaining count is left out when a selector filters the list.
    expect(page.remainingItemCount).toBeUndefined();
    expect(page.continue).toBeDefined();
    page.items[0]!.metadata.name = 'changed';
    expect(cluster.client.get('configmaps', 'default', 'cm-1')?.metadata.name).toBe('cm-1');
  });

  it('pages a collection created out of order in key order, across namespaces', () => {
    const scattered = createCluster({ controllers: false });
    const keys: string[] = [];
    for (const namespace of ['team-b', 'team-a', 'team-c'])
      scattered.client.create('namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
    for (let i = 0; i < 60; i++) {
      const namespace = ['team-b', 'team-a', 'team-c'][i % 3]!;
      const name = `s-${(i * 37) % 60}`;
      keys.push(`${namespace}/${name}`);
      scattered.client.create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } });
    }
    const all = scattered.client.target('secrets');
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = listObjects(scattered.api, all, { limit: 7, continue: token });
      seen.push(...page.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
      if (page.continue) expect(page.remainingItemCount).toBe(60 - seen.length);
      token = page.continue;
    } while (token);
    expect(seen).toEqual([...keys].sort());
    scattered.close();
  });
});
