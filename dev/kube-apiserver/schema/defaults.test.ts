import { describe, expect, it } from 'vitest';
import { applyDefaults, validateObject } from './index.ts';
import type { JSONSchemaProps } from './index.ts';
import { externalSecret, externalSecretSchema, minimalSpec } from './test-fixtures.ts';

describe('applyDefaults on an ExternalSecret-like schema', () => {
  it('fills refreshInterval, the target default object and nested enum defaults', () => {
    const result = applyDefaults(externalSecret(minimalSpec), externalSecretSchema);
    expect(result).toEqual(
      externalSecret({
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'SecretStore' },
        target: { creationPolicy: 'Owner', deletionPolicy: 'Retain' },
        data: [
          {
            secretKey: 'password',
            remoteRef: { key: 'db-password', conversionStrategy: 'Default', decodingStrategy: 'None' },
          },
        ],
      }),
    );
    expect(validateObject(result, externalSecretSchema)).toEqual([]);
  });

  it('keeps values that are set and defaults only what is missing', () => {
    const spec = { ...minimalSpec, refreshInterval: '15m', target: { name: 'db', creationPolicy: 'Merge' } };
    const result = applyDefaults(externalSecret(spec), externalSecretSchema) as {
      spec: Record<string, unknown>;
    };
    expect(result.spec['refreshInterval']).toBe('15m');
    expect(result.spec['target']).toEqual({ name: 'db', creationPolicy: 'Merge', deletionPolicy: 'Retain' });
  });

  it('does not modify its input', () => {
    const input = externalSecret(minimalSpec);
    const before = structuredClone(input);
    applyDefaults(input, externalSecretSchema);
    expect(input).toEqual(before);
  });

  it('does not default an absent parent without a default of its own', () => {
    const result = applyDefaults(externalSecret({}), externalSecretSchema) as {
      spec: Record<string, unknown>;
    };
    expect(result.spec['secretStoreRef']).toBeUndefined();
    expect(result.spec['data']).toBeUndefined();
    expect(result.spec['refreshInterval']).toBe('1h');
  });
});

describe('applyDefaults', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        default: {},
        properties: {
          replicas: { type: 'integer', default: 1 },
          mode: { type: 'string', default: 'auto' },
          note: { type: 'string', nullable: true, default: 'n' },
          label: { type: 'string' },
          ports: {
            type: 'array',
            items: {
              type: 'object',
              default: { name: 'http' },
              properties: { name: { type: 'string' }, port: { type: 'integer', default: 80 } },
            },
          },
          limits: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              properties: { max: { type: 'integer', default: 10 } },
            },
          },
          extra: { 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  };

  it('creates a defaulted object and defaults inside it', () => {
    expect(applyDefaults({ apiVersion: 'a/v1', kind: 'T', metadata: {} }, schema)).toEqual({
      apiVersion: 'a/v1',
      kind: 'T',
      metadata: {},
      spec: { replicas: 1, mode: 'auto', note: 'n' },
    });
  });

  it('defaults inside array items and replaces null items with the item default', () => {
    const result = applyDefaults({ spec: { ports: [{ name: 'metrics' }, null] } }, schema) as {
      spec: { ports: unknown[] };
    };
    expect(result.spec.ports).toEqual([
      { name: 'metrics', port: 80 },
      { name: 'http', port: 80 },
    ]);
  });

  it('defaults inside additionalProperties values', () => {
    const result = applyDefaults({ spec: { limits: { a: {}, b: { max: 3 } } } }, schema) as {
      spec: { limits: unknown };
    };
    expect(result.spec.limits).toEqual({ a: { max: 10 }, b: { max: 3 } });
  });

  it('replaces a non-nullable null with its default, keeps a nullable null, drops a null without default', () => {
    const result = applyDefaults({ spec: { replicas: null, note: null, label: null } }, schema) as {
      spec: Record<string, unknown>;
    };
    expect(result.spec).toEqual({ replicas: 1, mode: 'auto', note: null });
  });

  it('leaves preserved unknown subtrees alone', () => {
    const result = applyDefaults({ spec: { extra: { a: null, b: [1] } } }, schema) as {
      spec: Record<string, unknown>;
    };
    expect(result.spec['extra']).toEqual({ a: null, b: [1] });
  });

  it('copies defaults so objects never share them', () => {
    const first = applyDefaults({}, schema) as { spec: Record<string, unknown> };
    first.spec['mode'] = 'changed';
    const second = applyDefaults({}, schema) as { spec: Record<string, unknown> };
    expect(second.spec['mode']).toBe('auto');
    expect(schema.properties?.['spec']?.default).toEqual({});
  });

  it('does not touch metadata at the root', () => {
    const withMetaDefault: JSONSchemaProps = {
      type: 'object',
      properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } },
    };
    expect(applyDefaults({ metadata: {} }, withMetaDefault)).toEqual({ metadata: {} });
  });
});
