import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { crdTableConvertor, DEFAULT_PRINTER_COLUMNS, typedCell, type PrinterColumn } from './crd-columns.ts';
import { goText } from './go-text.ts';

const now = new Date('2025-06-01T12:00:00Z');
const options = { now, resourceVersion: '42' };

/** The `v1` ExternalSecret printer columns of External Secrets Operator. */
const EXTERNAL_SECRET_COLUMNS: PrinterColumn[] = [
  { name: 'StoreType', type: 'string', jsonPath: '.spec.secretStoreRef.kind' },
  { name: 'Store', type: 'string', jsonPath: '.spec.secretStoreRef.name' },
  { name: 'Refresh Interval', type: 'string', jsonPath: '.spec.refreshInterval' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Last Sync', type: 'date', jsonPath: '.status.refreshTime' },
];

function externalSecret(name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'apps', uid: `uid-${name}`, creationTimestamp: '2025-06-01T11:00:00Z' },
    ...extra,
  };
}

const synced = externalSecret('db', {
  spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' }, refreshInterval: '1h' },
  status: {
    refreshTime: '2025-06-01T11:55:00Z',
    conditions: [
      { type: 'Other', status: 'Unknown', reason: 'Nope' },
      { type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'Secret was synced' },
    ],
  },
});

describe('crdTableConvertor: ExternalSecret columns', () => {
  const table = crdTableConvertor(EXTERNAL_SECRET_COLUMNS)([synced, externalSecret('new')], options);

  it('returns a meta.k8s.io/v1 Table with the resourceVersion', () => {
    expect(table.kind).toBe('Table');
    expect(table.apiVersion).toBe('meta.k8s.io/v1');
    expect(table.metadata).toEqual({ resourceVersion: '42' });
  });

  it('puts Name first, then each printer column with its type and default description', () => {
    expect(table.columnDefinitions.map((c) => [c.name, c.type, c.format, c.priority])).toEqual([
      ['Name', 'string', 'name', 0],
      ['StoreType', 'string', '', 0],
      ['Store', 'string', '', 0],
      ['Refresh Interval', 'string', '', 0],
      ['Status', 'string', '', 0],
      ['Ready', 'string', '', 0],
      ['Last Sync', 'date', '', 0],
    ]);
    expect(table.columnDefinitions[4]!.description).toBe(
      'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].reason',
    );
    expect(table.columnDefinitions[0]!.description).toMatch(/^Name must be unique within a namespace/);
  });

  it('fills the cells of a synced ExternalSecret', () => {
    expect(table.rows[0]!.cells).toEqual([
      'db',
      'ClusterSecretStore',
      'vault',
      '1h',
      'SecretSynced',
      'True',
      '5m',
    ]);
  });

  it('prints null cells for fields not yet set', () => {
    expect(table.rows[1]!.cells).toEqual(['new', null, null, null, null, null, null]);
  });

  it('carries the full metadata as PartialObjectMetadata', () => {
    expect(table.rows[0]!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: synced.metadata,
    });
    expect(table.rows[0]!.conditions).toBeUndefined();
  });
});

describe('crdTableConvertor: column rules', () => {
  const object: KubeObject = {
    metadata: { name: 'x', creationTimestamp: '2025-05-30T12:00:00Z' },
    spec: {
      replicas: 3,
      ratio: 0.5,
      paused: false,
      hosts: ['a.example', 'b.example'],
      servers: [{ hosts: ['foo'] }, { hosts: ['bar', 'baz'] }],
      selector: { b: '2', a: '<1>' },
      empty: null,
      when: 'yesterday',
      blank: '',
      future: '2025-06-02T12:00:00Z',
      fractional: '2025-06-01T11:59:30.123456Z',
    },
  };
  const cells = (columns: PrinterColumn[]) =>
    crdTableConvertor(columns)([object], options).rows[0]!.cells.slice(1);

  it('keeps integer, number and boolean values native', () => {
    expect(
      cells([
        { name: 'R', type: 'integer', jsonPath: '.spec.replicas' },
        { name: 'Q', type: 'number', jsonPath: '.spec.ratio' },
        { name: 'P', type: 'boolean', jsonPath: '.spec.paused' },
        { name: 'T', type: 'integer', jsonPath: '.spec.ratio' },
      ]),
    ).toEqual([3, 0.5, false, 0]);
  });

  it('prints null where the value does not have the column type', () => {
    expect(
      cells([
        { name: 'A', type: 'integer', jsonPath: '.spec.paused' },
        { name: 'B', type: 'boolean', jsonPath: '.spec.replicas' },
        { name: 'C', type: 'date', jsonPath: '.spec.replicas' },
        { name: 'D', type: 'number', jsonPath: '.spec.empty' },
        { name: 'E', type: 'unknown', jsonPath: '.spec.replicas' },
      ]),
    ).toEqual([null, null, null, null, null]);
  });

  it('shows only the first result of a multi-valued path, as the real server does', () => {
    expect(
      cells([
        { name: 'H', type: 'string', jsonPath: '.spec.hosts[*]' },
        { name: 'S', type: 'string', jsonPath: '.spec.servers[*].hosts' },
        { name: 'I', type: 'integer', jsonPath: '.spec.hosts' },
      ]),
    ).toEqual(['a.example', '["foo"]', null]);
  });

  it('prints non-string values of string columns as Go does', () => {
    expect(
      cells([
        { name: 'N', type: 'string', jsonPath: '.spec.replicas' },
        { name: 'F', type: 'string', jsonPath: '.spec.ratio' },
        { name: 'B', type: 'string', jsonPath: '.spec.paused' },
        { name: 'M', type: 'string', jsonPath: '.spec.selector' },
        { name: 'Z', type: 'string', jsonPath: '.spec.empty' },
      ]),
    ).toEqual(['3', '0.5', 'false', '{"a":"\\u003c1\\u003e","b":"2"}', '<no value>']);
  });

  it('turns dates into ages, with the upstream sentinels', () => {
    expect(
      cells([
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        { name: 'W', type: 'date', jsonPath: '.spec.when' },
        { name: 'B', type: 'date', jsonPath: '.spec.blank' },
        { name: 'F', type: 'date', jsonPath: '.spec.future' },
        { name: 'G', type: 'date', jsonPath: '.spec.fractional' },
      ]),
    ).toEqual(['2d', '<invalid>', '<unknown>', '<invalid>', '29s']);
  });

  it('keeps declared format, priority and description', () => {
    const table = crdTableConvertor([
      {
        name: 'Wide',
        type: 'string',
        format: 'byte',
        priority: 1,
        description: 'mine',
        jsonPath: '.spec.when',
      },
    ])([], options);
    expect(table.columnDefinitions[1]).toEqual({
      name: 'Wide',
      type: 'string',
      format: 'byte',
      description: 'mine',
      priority: 1,
    });
    expect(table.rows).toEqual([]);
  });

  it('prints null for a column whose JSONPath does not parse, without failing', () => {
    expect(cells([{ name: 'Bad', type: 'string', jsonPath: '.spec[' }])).toEqual([null]);
  });

  it('uses the defaulted Age column when the CRD declares none', () => {
    expect(DEFAULT_PRINTER_COLUMNS).toEqual([
      { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    ]);
    const table = crdTableConvertor(DEFAULT_PRINTER_COLUMNS)([object], options);
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(table.rows[0]!.cells).toEqual(['x', '2d']);
  });
});

describe('typedCell', () => {
  it('truncates floats for integer columns like Go int64()', () => {
    expect(typedCell('integer', 3.9, now)).toBe(3);
    expect(typedCell('integer', -3.9, now)).toBe(-3);
  });
});

describe('goText', () => {
  it.each([
    ['text', 'text'],
    [42, '42'],
    [-7, '-7'],
    [3.14, '3.14'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1234567.5, '1.2345675e+06'],
    [true, 'true'],
    [null, '<no value>'],
    [[1, 'a'], '[1,"a"]'],
    [{ z: 1, a: { y: 2, b: 3 } }, '{"a":{"b":3,"y":2},"z":1}'],
    ['a&b', 'a&b'],
    [['a&b'], '["a\\u0026b"]'],
  ])('%j → %s', (value, text) => {
    expect(goText(value)).toBe(text);
  });
});
