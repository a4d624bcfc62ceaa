import { describe, expect, it } from 'vitest';
import { hashAt, nextDataHistory, parseDataHistory, formatDataHistory, stalePods } from './stale-pods.ts';
import type { PodObject } from './types.ts';

type Use = 'env' | 'envFrom' | 'volume' | 'subPath';

const T = (s: string) => `2026-01-01T00:${s}Z`;

function pod(name: string, use: Use, startedAt: string, phase = 'Running'): PodObject {
  const container: Record<string, unknown> = { name: 'app' };
  if (use === 'env')
    container['env'] = [{ name: 'P', valueFrom: { secretKeyRef: { name: 'db', key: 'p' } } }];
  if (use === 'envFrom') container['envFrom'] = [{ secretRef: { name: 'db' } }];
  if (use === 'volume') container['volumeMounts'] = [{ name: 'v', mountPath: '/s' }];
  if (use === 'subPath') container['volumeMounts'] = [{ name: 'v', mountPath: '/s/p', subPath: 'p' }];
  return {
    metadata: {
      name,
      labels: { 'pod-template-hash': 'h' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${name.split('-')[0]}-h`,
          uid: 'u',
          controller: true,
        },
      ],
    },
    spec: { containers: [container as never], volumes: [{ name: 'v', secret: { secretName: 'db' } }] },
    status: { phase, containerStatuses: [{ name: 'app', state: { running: { startedAt } } }] },
  };
}

describe('data history', () => {
  it('starts at the creation time, then records each new hash when seen, newest first, bounded', () => {
    const first = nextDataHistory([], 'h0', Date.parse(T('10:00')), T('00:00'))!;
    expect(first).toEqual([{ hash: 'h0', at: T('00:00') }]);
    expect(nextDataHistory(first, 'h0', Date.parse(T('20:00')), T('00:00'))).toBeUndefined();
    const second = nextDataHistory(first, 'h1', Date.parse(T('20:00.700')), T('00:00'))!;
    expect(second).toEqual([
      { hash: 'h1', at: T('20:00') },
      { hash: 'h0', at: T('00:00') },
    ]);
    let history = second;
    for (let i = 2; i < 10; i += 1)
      history = nextDataHistory(history, `h${i}`, Date.parse(T(`${20 + i}:00`)), undefined)!;
    expect(history).toHaveLength(5);
    expect(parseDataHistory(formatDataHistory(history))).toEqual(history);
    expect(parseDataHistory('garbage')).toEqual([]);
    expect(hashAt(second, Date.parse(T('10:00')))).toBe('h0');
    expect(hashAt(second, Date.parse(T('20:00')))).toBe('h1');
  });
});

describe('stalePods', () => {
  const history = [
    { hash: 'h1', at: T('20:00') },
    { hash: 'h0', at: T('00:00') },
  ];

  it('lists env, envFrom and subPath readers started before the change; never a plain volume mount', () => {
    const pods = [
      pod('env-1', 'env', T('10:00')),
      pod('envfrom-1', 'envFrom', T('10:00')),
      pod('sub-1', 'subPath', T('10:00')),
      pod('vol-1', 'volume', T('10:00')),
      pod('env-2', 'env', T('20:00')), // started in the second of the change: has the new data
      pod('env-3', 'env', T('30:00')),
      pod('done-1', 'env', T('10:00'), 'Succeeded'),
    ];
    expect(stalePods('db', 'h1', history, pods)).toEqual([
      { pod: 'env-1', workload: 'Deployment/env', containers: ['app'] },
      { pod: 'envfrom-1', workload: 'Deployment/envfrom', containers: ['app'] },
      { pod: 'sub-1', workload: 'Deployment/sub', containers: ['app'] },
    ]);
  });

  it('a pod started before a change that was rolled back is not stale', () => {
    const rolledBack = [{ hash: 'h0', at: T('40:00') }, ...history];
    expect(
      stalePods('db', 'h0', rolledBack, [pod('env-1', 'env', T('10:00')), pod('env-2', 'env', T('30:00'))]),
    ).toEqual([{ pod: 'env-2', workload: 'Deployment/env', containers: ['app'] }]);
  });
});
