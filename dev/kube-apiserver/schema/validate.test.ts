import { describe, expect, it } from 'vitest';
import { validateObject } from './index.ts';
import type { JSONSchemaProps } from './index.ts';
import { externalSecret, externalSecretSchema, minimalSpec } from './test-fixtures.ts';

function objectWith(properties: Record<string, JSONSchemaProps>, required?: string[]): JSONSchemaProps {
  const spec: JSONSchemaProps = { type: 'object', properties };
  if (required) spec.required = required;
  return { type: 'object', properties: { spec } };
}

function reasonsAndFields(causes: { reason: string; field?: string }[]): string[] {
  return causes.map((c) => `${c.reason} ${c.field}`).sort();
}

describe('validateObject on an ExternalSecret-like schema', () => {
  it('accepts a valid object', () => {
    expect(validateObject(externalSecret(minimalSpec), externalSecretSchema)).toEqual([]);
  });

  it('reports a missing remoteRef.key as FieldValueRequired at its path', () => {
    const spec = { ...minimalSpec, data: [{ secretKey: 'a', remoteRef: { property: 'x' } }] };
    expect(validateObject(externalSecret(spec), externalSecretSchema)).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.data[0].remoteRef.key' },
    ]);
  });

  it('reports an unknown creationPolicy as FieldValueNotSupported listing the enum', () => {
    const spec = { ...minimalSpec, target: { creationPolicy: 'Sometimes' } };
    expect(validateObject(externalSecret(spec), externalSecretSchema)).toEqual([
      {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Sometimes": supported values: "Owner", "Orphan", "Merge", "None"',
        field: 'spec.target.creationPolicy',
      },
    ]);
  });

  it('reports a wrong type as FieldValueTypeInvalid worded like kube-openapi', () => {
    const spec = { ...minimalSpec, refreshInterval: 3600 };
    expect(validateObject(externalSecret(spec), externalSecretSchema)).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        message: 'Invalid value: "integer": spec.refreshInterval in body must be of type string: "integer"',
        field: 'spec.refreshInterval',
      },
    ]);
  });

  it('checks patterns and lengths', () => {
    const spec = {
      secretStoreRef: { name: 'Not_Valid' },
      data: [{ secretKey: 'a', remoteRef: { key: '' } }],
    };
    const causes = validateObject(externalSecret(spec), externalSecretSchema);
    expect(reasonsAndFields(causes)).toEqual([
      'FieldValueInvalid spec.data[0].remoteRef.key',
      'FieldValueInvalid spec.secretStoreRef.name',
    ]);
    expect(causes.find((c) => c.field === 'spec.data[0].remoteRef.key')?.message).toBe(
      'Invalid value: "": spec.data[0].remoteRef.key in body should be at least 1 chars long',
    );
    expect(causes.find((c) => c.field === 'spec.secretStoreRef.name')?.message).toMatch(
      /^Invalid value: "Not_Valid": spec.secretStoreRef.name in body should match '/,
    );
  });

  it('finds duplicate condition types in a list-type map', () => {
    const object = {
      ...externalSecret(minimalSpec),
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Ready', status: 'False' },
        ],
      },
    };
    expect(validateObject(object, externalSecretSchema)).toEqual([
      {
        reason: 'FieldValueDuplicate',
        message: 'Duplicate value: {"type":"Ready"}',
        field: 'status.conditions[1]',
      },
    ]);
  });

  it('checks formats on strings and allows null where nullable', () => {
    const bad = { ...externalSecret(minimalSpec), status: { refreshTime: 'yesterday' } };
    expect(validateObject(bad, externalSecretSchema)).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        message:
          'Invalid value: "yesterday": status.refreshTime in body must be of type date-time: "yesterday"',
        field: 'status.refreshTime',
      },
    ]);
    const good = { ...externalSecret(minimalSpec), status: { refreshTime: null } };
    expect(validateObject(good, externalSecretSchema)).toEqual([]);
    const ok = { ...externalSecret(minimalSpec), status: { refreshTime: '2024-05-01T10:00:00Z' } };
    expect(validateObject(ok, externalSecretSchema)).toEqual([]);
  });

  it('reports null in a non-nullable field as a type error', () => {
    const spec = { ...minimalSpec, data: [null] };
    expect(validateObject(externalSecret(spec), externalSecretSchema)).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        message: 'Invalid value: "null": spec.data[0] in body must be of type object: "null"',
        field: 'spec.data[0]',
      },
    ]);
  });

  it('validates additionalProperties map values', () => {
    const spec = { ...minimalSpec, target: { template: { data: { a: 'x', b: 5 } } } };
    expect(reasonsAndFields(validateObject(externalSecret(spec), externalSecretSchema))).toEqual([
      'FieldValueTypeInvalid spec.target.template.data.b',
    ]);
  });
});

describe('validateObject at the resource root', () => {
  it('checks apiVersion, kind and metadata for type only', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        metadata: { type: 'object', required: ['labels'] },
        kind: { type: 'string', enum: ['Other'] },
      },
    };
    expect(validateObject({ apiVersion: 'a/v1', kind: 'Thing', metadata: { name: 'x' } }, schema)).toEqual(
      [],
    );
    expect(reasonsAndFields(validateObject({ apiVersion: 1, kind: 'Thing', metadata: 'x' }, schema))).toEqual(
      ['FieldValueTypeInvalid apiVersion', 'FieldValueTypeInvalid metadata'],
    );
  });

  it('enforces required at the root', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      required: ['spec'],
      properties: { spec: { type: 'object' } },
    };
    expect(validateObject({ apiVersion: 'a/v1', kind: 'T', metadata: {} }, schema)).toEqual([
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec' },
    ]);
  });
});

describe('validateObject keywords', () => {
  it('accepts integers and strings for x-kubernetes-int-or-string, nothing else', () => {
    const schema = objectWith({ port: { 'x-kubernetes-int-or-string': true } });
    expect(validateObject({ spec: { port: 80 } }, schema)).toEqual([]);
    expect(validateObject({ spec: { port: 'http' } }, schema)).toEqual([]);
    expect(validateObject({ spec: { port: true } }, schema)).toEqual([
      {
        reason: 'FieldValueTypeInvalid',
        message: 'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
        field: 'spec.port',
      },
    ]);
    expect(reasonsAndFields(validateObject({ spec: { port: 1.5 } }, schema))).toEqual([
      'FieldValueTypeInvalid spec.port',
    ]);
  });

  it('accepts anything under x-kubernetes-preserve-unknown-fields without a type', () => {
    const schema = objectWith({ values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } });
    expect(validateObject({ spec: { values: { a: [1, { b: null }], c: 'd' } } }, schema)).toEqual([]);
    const untyped = objectWith({ raw: { 'x-kubernetes-preserve-unknown-fields': true } });
    expect(validateObject({ spec: { raw: [1, 'two'] } }, untyped)).toEqual([]);
  });

  it('checks numbers: integer vs number, bounds, exclusive bounds and multipleOf', () => {
    const schema = objectWith({
      replicas: { type: 'integer', minimum: 1, maximum: 10 },
      ratio: { type: 'number', minimum: 0, exclusiveMinimum: true, multipleOf: 0.5 },
    });
    expect(validateObject({ spec: { replicas: 3, ratio: 2 } }, schema)).toEqual([]);
    expect(validateObject({ spec: { replicas: 11 } }, schema)[0]?.message).toBe(
      'Invalid value: 11: spec.replicas in body should be less than or equal to 10',
    );
    expect(validateObject({ spec: { replicas: 0 } }, schema)[0]?.message).toBe(
      'Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
    );
    expect(validateObject({ spec: { replicas: 2.5 } }, schema)[0]?.reason).toBe('FieldValueTypeInvalid');
    expect(validateObject({ spec: { ratio: 0 } }, schema)[0]?.message).toBe(
      'Invalid value: 0: spec.ratio in body should be greater than 0',
    );
    expect(validateObject({ spec: { ratio: 0.7 } }, schema)[0]?.message).toBe(
      'Invalid value: 0.7: spec.ratio in body should be a multiple of 0.5',
    );
  });

  it('maps maxLength and maxItems to TooLong and TooMany', () => {
    const schema = objectWith({
      name: { type: 'string', maxLength: 3 },
      tags: { type: 'array', maxItems: 1, minItems: 1, items: { type: 'string' } },
    });
    expect(validateObject({ spec: { name: 'abcd', tags: ['a', 'b'] } }, schema)).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 3 bytes', field: 'spec.name' },
      { reason: 'FieldValueTooMany', message: 'Too many: 2: must have at most 1 items', field: 'spec.tags' },
    ]);
    expect(validateObject({ spec: { tags: [] } }, schema)).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 0: spec.tags in body should have at least 1 items',
        field: 'spec.tags',
      },
    ]);
  });

  it('reports duplicates in a list-type set', () => {
    const schema = objectWith({
      finalizers: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    });
    expect(reasonsAndFields(validateObject({ spec: { finalizers: ['a', 'b', 'a'] } }, schema))).toEqual([
      'FieldValueDuplicate spec.finalizers[2]',
    ]);
  });

  it('lists non-string enum values in JSON', () => {
    const schema = objectWith({ level: { type: 'integer', enum: [1, 2] } });
    expect(validateObject({ spec: { level: 3 } }, schema)[0]?.message).toBe(
      'Unsupported value: 3: supported values: "1", "2"',
    );
  });

  it('evaluates oneOf, anyOf, allOf and not as value validations', () => {
    const schema = objectWith({
      provider: {
        type: 'object',
        properties: { azure: { type: 'object' }, aws: { type: 'object' } },
        oneOf: [{ required: ['azure'] }, { required: ['aws'] }],
        not: { required: ['gcp'] },
      },
      size: { type: 'string', anyOf: [{ pattern: '^\\d+$' }, { enum: ['small', 'large'] }] },
      count: { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 5 }] },
    });
    expect(validateObject({ spec: { provider: { azure: {} }, size: '12', count: 3 } }, schema)).toEqual([]);
    const both = validateObject({ spec: { provider: { azure: {}, aws: {} } } }, schema);
    expect(both.map((c) => c.message)).toEqual([
      'Invalid value: "": spec.provider in body must validate one and only one schema (oneOf)',
    ]);
    const none = validateObject({ spec: { provider: {} } }, schema);
    expect(reasonsAndFields(none)).toEqual([
      'FieldValueInvalid spec.provider',
      'FieldValueRequired spec.provider.azure',
    ]);
    expect(reasonsAndFields(validateObject({ spec: { size: 'medium' } }, schema))).toContain(
      'FieldValueInvalid spec.size',
    );
    expect(validateObject({ spec: { count: 9 } }, schema).map((c) => c.message)).toContain(
      'Invalid value: "": spec.count in body must validate all the schemas (allOf)',
    );
    expect(
      validateObject({ spec: { provider: { azure: {}, gcp: {} } } }, schema).map((c) => c.message),
    ).toEqual(['Invalid value: "": spec.provider in body must not validate the schema (not)']);
  });

  it('requires apiVersion and kind on embedded resources', () => {
    const schema = objectWith({
      template: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        'x-kubernetes-preserve-unknown-fields': true,
      },
    });
    expect(validateObject({ spec: { template: { apiVersion: 'v1', kind: 'Secret' } } }, schema)).toEqual([]);
    expect(validateObject({ spec: { template: { metadata: {} } } }, schema)).toEqual([
      {
        reason: 'FieldValueRequired',
        message: 'Required value: must not be empty',
        field: 'spec.template.apiVersion',
      },
      {
        reason: 'FieldValueRequired',
        message: 'Required value: must not be empty',
        field: 'spec.template.kind',
      },
    ]);
  });

  it('accepts CEL rules without evaluating them and ignores unknown formats', () => {
    const schema = objectWith({
      name: {
        type: 'string',
        format: 'something-new',
        'x-kubernetes-validations': [{ rule: 'self.size() > 100' }],
      },
    });
    expect(validateObject({ spec: { name: 'x' } }, schema)).toEqual([]);
  });

  it('checks minProperties and maxProperties', () => {
    const schema = objectWith({
      labels: {
        type: 'object',
        minProperties: 1,
        maxProperties: 2,
        additionalProperties: { type: 'string' },
      },
    });
    expect(reasonsAndFields(validateObject({ spec: { labels: {} } }, schema))).toEqual([
      'FieldValueInvalid spec.labels',
    ]);
    expect(reasonsAndFields(validateObject({ spec: { labels: { a: '', b: '', c: '' } } }, schema))).toEqual([
      'FieldValueTooMany spec.labels',
    ]);
  });
});
