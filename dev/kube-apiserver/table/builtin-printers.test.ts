import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { builtinTableConvertor } from './builtin-printers.ts';
import { createdAt, defaultTableConvertor } from './default-printer.ts';

const now = new Date('2025-06-01T12:00:00Z');
const options = { now, resourceVersion: '3' };
const created = '2025-06-01T11:59:15Z';

function object(name: string, fields: object = {}): KubeObject {
  return { metadata: { name, creationTimestamp: created, labels: { a: 'b' } }, ...fields };
}

function print(group: string, kind: string, item: KubeObject) {
  const table = builtinTableConvertor(group, kind)!([item], options);
  return { names: table.columnDefinitions.map((c) => c.name), cells: table.rows[0]!.cells };
}

describe('builtinTableConvertor', () => {
  it('returns undefined for kinds without a printer', () => {
    expect(builtinTableConvertor('', 'Service')).toBeUndefined();
    expect(builtinTableConvertor('apps', 'Pod')).toBeUndefined();
    expect(builtinTableConvertor('external-secrets.io', 'ExternalSecret')).toBeUndefined();
  });

  it('prints a Namespace', () => {
    expect(print('', 'Namespace', object('apps', { status: { phase: 'Active' } }))).toEqual({
      names: ['Name', 'Status', 'Age'],
      cells: ['apps', 'Active', '45s'],
    });
  });

  it('prints a Secret with the number of data keys', () => {
    expect(
      print('', 'Secret', object('db', { type: 'Opaque', data: { user: 'dQ==', pass: 'cA==' } })),
    ).toEqual({
      names: ['Name', 'Type', 'Data', 'Age'],
      cells: ['db', 'Opaque', 2, '45s'],
    });
    expect(print('', 'Secret', object('empty', { type: 'kubernetes.io/tls' })).cells).toEqual([
      'empty',
      'kubernetes.io/tls',
      0,
      '45s',
    ]);
  });

  it('prints a ConfigMap counting data and binaryData keys', () => {
    expect(
      print('', 'ConfigMap', object('cfg', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })),
    ).toEqual({
      names: ['Name', 'Data', 'Age'],
      cells: ['cfg', 3, '45s'],
    });
  });

  it('prints a ServiceAccount with its secrets count', () => {
    expect(print('', 'ServiceAccount', object('default', { secrets: [{ name: 'token' }] }))).toEqual({
      names: ['Name', 'Secrets', 'Age'],
      cells: ['default', 1, '45s'],
    });
    expect(print('', 'ServiceAccount', object('bare')).cells[1]).toBe(0);
  });

  it('prints a Lease with its holder', () => {
    expect(
      print('coordination.k8s.io', 'Lease', object('kvsync-leader', { spec: { holderIdentity: 'pod-a_1' } })),
    ).toEqual({
      names: ['Name', 'Holder', 'Age'],
      cells: ['kvsync-leader', 'pod-a_1', '45s'],
    });
    expect(print('coordination.k8s.io', 'Lease', object('free', { spec: {} })).cells[1]).toBe('');
  });

  it('prints a CustomResourceDefinition with Created At as an RFC 3339 date', () => {
    const table = builtinTableConvertor('apiextensions.k8s.io', 'CustomResourceDefinition')!(
      [object('externalsecrets.external-secrets.io')],
      options,
    );
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ]);
    expect(table.rows[0]!.cells).toEqual(['externalsecrets.external-secrets.io', created]);
  });

  it('prints <unknown> ages for objects without a creation timestamp', () => {
    expect(print('', 'Namespace', { metadata: { name: 'x' } }).cells).toEqual(['x', '', '<unknown>']);
  });

  it('returns rows in input order with full metadata and the given resourceVersion', () => {
    const items = [object('b'), object('a')];
    const table = builtinTableConvertor('', 'ConfigMap')!(items, options);
    expect(table.metadata).toEqual({ resourceVersion: '3' });
    expect(table.rows.map((r) => r.object.metadata.name)).toEqual(['b', 'a']);
    expect(table.rows[0]!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: items[0]!.metadata,
    });
  });

  it('gives every column a description and a numeric priority', () => {
    for (const [group, kind] of [
      ['', 'Pod'],
      ['', 'Event'],
      ['apps', 'DaemonSet'],
      ['', 'Secret'],
    ] as const) {
      for (const column of builtinTableConvertor(group, kind)!([], options).columnDefinitions) {
        expect(column.description, `${kind} ${column.name}`).not.toBe('');
        expect([0, 1]).toContain(column.priority);
      }
    }
  });
});

describe('defaultTableConvertor', () => {
  it('prints Name and Created At', () => {
    const table = defaultTableConvertor()([object('thing')], options);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Created At']);
    expect(table.rows[0]!.cells).toEqual(['thing', created]);
  });

  it('formats Created At in UTC at whole seconds, Go zero time when missing', () => {
    expect(createdAt({ metadata: { creationTimestamp: '2025-06-01T13:59:15.250+02:00' } })).toBe(created);
    expect(createdAt({ metadata: {} })).toBe('0001-01-01T00:00:00Z');
  });
});
