import { describe, expect, it } from 'vitest';
import { KubeStatusError } from '../errors.ts';
import { pruneUnknownFields, unknownFieldError, unknownFieldWarnings } from './index.ts';
import type { JSONSchemaProps } from './index.ts';
import { externalSecret, externalSecretSchema, minimalSpec } from './test-fixtures.ts';

describe('pruneUnknownFields', () => {
  it('drops unknown fields at every depth and reports their paths sorted', () => {
    const input = externalSecret({
      ...minimalSpec,
      foo: 1,
      bar: { x: 1 },
      data: [{ secretKey: 'a', remoteRef: { key: 'k', extra: true }, stray: 'x' }],
    });
    const { pruned, removedPaths } = pruneUnknownFields(input, externalSecretSchema);
    expect(removedPaths).toEqual([
      'spec.bar',
      'spec.data[0].remoteRef.extra',
      'spec.data[0].stray',
      'spec.foo',
    ]);
    expect(pruned).toEqual(
      externalSecret({ ...minimalSpec, data: [{ secretKey: 'a', remoteRef: { key: 'k' } }] }),
    );
  });

  it('does not modify its input', () => {
    const input = externalSecret({ ...minimalSpec, foo: 1 });
    const before = structuredClone(input);
    pruneUnknownFields(input, externalSecretSchema);
    expect(input).toEqual(before);
  });

  it('keeps apiVersion, kind and metadata at the root even when the schema omits them', () => {
    const schema: JSONSchemaProps = { type: 'object', properties: { spec: { type: 'object' } } };
    const input = { apiVersion: 'a/v1', kind: 'T', metadata: { name: 'x', odd: 1 }, spec: {}, other: 1 };
    const { pruned, removedPaths } = pruneUnknownFields(input, schema);
    expect(pruned).toEqual({ apiVersion: 'a/v1', kind: 'T', metadata: { name: 'x', odd: 1 }, spec: {} });
    expect(removedPaths).toEqual(['other']);
  });

  it('keeps additionalProperties maps and prunes inside their values', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            stores: {
              type: 'object',
              additionalProperties: { type: 'object', properties: { url: { type: 'string' } } },
            },
          },
        },
      },
    };
    const { pruned, removedPaths } = pruneUnknownFields(
      { spec: { stores: { a: { url: 'x', junk: 1 }, b: { url: 'y' } } } },
      schema,
    );
    expect(pruned).toEqual({ spec: { stores: { a: { url: 'x' }, b: { url: 'y' } } } });
    expect(removedPaths).toEqual(['spec.stores.a.junk']);
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields but prunes known children', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
      },
    };
    const input = { spec: { anything: { deep: [1, { x: 2 }] }, known: { a: 'x', b: 'dropped' } } };
    const { pruned, removedPaths } = pruneUnknownFields(input, schema);
    expect(pruned).toEqual({ spec: { anything: { deep: [1, { x: 2 }] }, known: { a: 'x' } } });
    expect(removedPaths).toEqual(['spec.known.b']);
  });

  it('keeps apiVersion, kind and metadata of embedded resources', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            template: {
              type: 'object',
              'x-kubernetes-embedded-resource': true,
              properties: { data: { type: 'object', additionalProperties: { type: 'string' } } },
            },
          },
        },
      },
    };
    const template = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { k: 'v' },
      extra: 1,
    };
    const { pruned, removedPaths } = pruneUnknownFields({ spec: { template } }, schema);
    expect(pruned).toEqual({
      spec: { template: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'v' } } },
    });
    expect(removedPaths).toEqual(['spec.template.extra']);
  });

  it('leaves values of the wrong type for validation to report', () => {
    const { pruned, removedPaths } = pruneUnknownFields(
      externalSecret({ secretStoreRef: 'vault', data: 'x' }),
      externalSecretSchema,
    );
    expect(pruned).toEqual(externalSecret({ secretStoreRef: 'vault', data: 'x' }));
    expect(removedPaths).toEqual([]);
  });
});

describe('unknownFieldError', () => {
  it('is the 400 strict decoding error naming every field', () => {
    const error = unknownFieldError(['spec.foo', 'spec.bar']);
    expect(error).toBeInstanceOf(KubeStatusError);
    expect(error.code).toBe(400);
    expect(error.reason).toBe('BadRequest');
    expect(error.message).toBe('strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
  });

  it('has a warning per field for fieldValidation=Warn', () => {
    expect(unknownFieldWarnings(['spec.foo'])).toEqual(['unknown field "spec.foo"']);
  });
});
