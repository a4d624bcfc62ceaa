import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { formatLabels } from './apps-printers.ts';
import { builtinTableConvertor } from './builtin-printers.ts';

const now = new Date('2025-06-01T12:00:00Z');
const options = { now, resourceVersion: '9' };

function workload(spec: object, status: object = {}): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'apps', creationTimestamp: '2025-05-29T10:00:00Z' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'nginx:1.27' },
            { name: 'proxy', image: 'envoy:1.30' },
          ],
        },
      },
      ...spec,
    },
    status,
  };
}

function print(group: string, kind: string, object: KubeObject) {
  const table = builtinTableConvertor(group, kind)!([object], options);
  return {
    columns: table.columnDefinitions.map((c) => `${c.name}:${c.type}:${c.priority}`),
    cells: table.rows[0]!.cells,
  };
}

describe('apps printers', () => {
  it('prints a Deployment', () => {
    const printed = print(
      'apps',
      'Deployment',
      workload({ replicas: 3 }, { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 }),
    );
    expect(printed.columns).toEqual([
      'Name:string:0',
      'Ready:string:0',
      'Up-to-date:string:0',
      'Available:string:0',
      'Age:string:0',
      'Containers:string:1',
      'Images:string:1',
      'Selector:string:1',
    ]);
    expect(printed.cells).toEqual([
      'web',
      '2/3',
      3,
      2,
      '3d2h',
      'app,proxy',
      'nginx:1.27,envoy:1.30',
      'app=web',
    ]);
  });

  it('reads unset replicas as the API default of 1 and missing status as 0', () => {
    expect(print('apps', 'Deployment', workload({})).cells.slice(1, 4)).toEqual(['0/1', 0, 0]);
  });

  it('prints a ReplicaSet with integer columns and a sorted selector', () => {
    const selector = {
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    const printed = print(
      'apps',
      'ReplicaSet',
      workload({ replicas: 2, selector }, { replicas: 2, readyReplicas: 1 }),
    );
    expect(printed.columns.slice(0, 5)).toEqual([
      'Name:string:0',
      'Desired:integer:0',
      'Current:integer:0',
      'Ready:integer:0',
      'Age:string:0',
    ]);
    expect(printed.cells).toEqual([
      'web',
      2,
      2,
      1,
      '3d2h',
      'app,proxy',
      'nginx:1.27,envoy:1.30',
      'app=web,env in (dev,prod),!legacy,tier=front',
    ]);
  });

  it('prints <invalid> for a selector with an unknown operator', () => {
    const selector = { matchExpressions: [{ key: 'a', operator: 'Near' }] };
    expect(print('apps', 'ReplicaSet', workload({ selector })).cells[7]).toBe('<invalid>');
  });

  it('prints a StatefulSet', () => {
    const printed = print('apps', 'StatefulSet', workload({ replicas: 3 }, { readyReplicas: 3 }));
    expect(printed.columns).toEqual([
      'Name:string:0',
      'Ready:string:0',
      'Age:string:0',
      'Containers:string:1',
      'Images:string:1',
    ]);
    expect(printed.cells).toEqual(['web', '3/3', '3d2h', 'app,proxy', 'nginx:1.27,envoy:1.30']);
  });

  it('prints a DaemonSet with its node selector', () => {
    const spec = {
      template: {
        spec: {
          nodeSelector: { 'kubernetes.io/os': 'linux', disk: 'ssd' },
          containers: [{ name: 'agent', image: 'agent:1' }],
        },
      },
    };
    const status = {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 2,
      updatedNumberScheduled: 3,
      numberAvailable: 2,
    };
    const printed = print('apps', 'DaemonSet', workload(spec, status));
    expect(printed.columns.map((c) => c.split(':')[0])).toEqual([
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Up-to-date',
      'Available',
      'Node Selector',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    expect(printed.cells).toEqual([
      'web',
      3,
      3,
      2,
      3,
      2,
      'disk=ssd,kubernetes.io/os=linux',
      '3d2h',
      'agent',
      'agent:1',
      'app=web',
    ]);
  });

  it('formats an empty node selector as <none>', () => {
    expect(formatLabels(undefined)).toBe('<none>');
    expect(formatLabels({})).toBe('<none>');
  });
});
