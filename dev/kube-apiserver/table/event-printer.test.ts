import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { builtinTableConvertor } from './builtin-printers.ts';

const now = new Date('2025-06-01T12:00:00Z');
const options = { now, resourceVersion: '7' };

const coreEvent: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'db.17f', namespace: 'apps', creationTimestamp: '2025-06-01T11:00:00Z' },
  involvedObject: { kind: 'ExternalSecret', name: 'db', namespace: 'apps', fieldPath: 'spec.data[0]' },
  type: 'Warning',
  reason: 'UpdateFailed',
  message: '  could not get secret  \n',
  source: { component: 'kvsync' },
  firstTimestamp: '2025-06-01T11:00:00Z',
  lastTimestamp: '2025-06-01T11:57:00Z',
  count: 4,
};

describe('core Event printer', () => {
  const table = builtinTableConvertor('', 'Event')!([coreEvent], options);

  it('starts with Last Seen and keeps Name as a wide column', () => {
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Last Seen:0',
      'Type:0',
      'Reason:0',
      'Object:0',
      'Subobject:1',
      'Source:1',
      'Message:0',
      'First Seen:1',
      'Count:1',
      'Name:1',
    ]);
    expect(table.columnDefinitions[9]!.format).toBe('name');
  });

  it('prints the object as lower-case kind/name and trims the message', () => {
    expect(table.rows[0]!.cells).toEqual([
      '3m',
      'Warning',
      'UpdateFailed',
      'externalsecret/db',
      'spec.data[0]',
      'kvsync',
      'could not get secret',
      '60m',
      4,
      'db.17f',
    ]);
  });

  it('falls back to eventTime, a count of 1 and the reporting component', () => {
    const singleton: KubeObject = {
      metadata: { name: 'e' },
      involvedObject: { kind: 'Node' },
      eventTime: '2025-06-01T11:59:50.123456Z',
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    };
    const cells = builtinTableConvertor('', 'Event')!([singleton], options).rows[0]!.cells;
    expect(cells).toEqual(['9s', '', '', 'node', '', 'kubelet, node-1', '', '9s', 1, 'e']);
  });

  it('takes Last Seen and Count from a series', () => {
    const series: KubeObject = {
      ...coreEvent,
      series: { count: 12, lastObservedTime: '2025-06-01T11:59:00.000000Z' },
    };
    const cells = builtinTableConvertor('', 'Event')!([series], options).rows[0]!.cells;
    expect([cells[0], cells[8]]).toEqual(['60s', 12]);
  });

  it('prints <unknown> when no timestamp is set', () => {
    const cells = builtinTableConvertor('', 'Event')!([{ metadata: { name: 'e' } }], options).rows[0]!.cells;
    expect([cells[0], cells[7]]).toEqual(['<unknown>', '<unknown>']);
  });
});

describe('events.k8s.io Event printer', () => {
  it('prints the same columns from the events.k8s.io field names', () => {
    const event: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'db.18a', namespace: 'apps' },
      eventTime: '2025-06-01T11:50:00.000000Z',
      regarding: { kind: 'Secret', name: 'db-creds', fieldPath: '' },
      note: 'Synced from vault',
      type: 'Normal',
      reason: 'Synced',
      action: 'Sync',
      reportingController: 'kvsync.dev/controller',
      reportingInstance: 'kvsync-0',
      deprecatedCount: 2,
      deprecatedLastTimestamp: '2025-06-01T11:58:00Z',
    };
    const table = builtinTableConvertor('events.k8s.io', 'Event')!([event], options);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Subobject',
      'Source',
      'Message',
      'First Seen',
      'Count',
      'Name',
    ]);
    expect(table.rows[0]!.cells).toEqual([
      '2m',
      'Normal',
      'Synced',
      'secret/db-creds',
      '',
      'kvsync.dev/controller, kvsync-0',
      'Synced from vault',
      '10m',
      2,
      'db.18a',
    ]);
  });
});
