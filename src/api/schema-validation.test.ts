import { describe, expect, it } from 'vitest';
import {
  arraySchema,
  dateTimeSchema,
  enumSchema,
  intOrStringSchema,
  objectSchema,
  resourceNameSchema,
  stringMapSchema,
  stringSchema,
} from './json-schema.ts';
import { validateAgainstSchema } from './schema-validation.ts';

const schema = objectSchema(
  {
    metadata: { type: 'object' },
    name: resourceNameSchema(),
    kind: enumSchema(['A', 'B']),
    when: dateTimeSchema(undefined, { nullable: true }),
    count: intOrStringSchema(),
    tags: stringMapSchema(),
    items: arraySchema(objectSchema({ key: stringSchema() }, undefined, { required: ['key'] }), undefined, {
      minItems: 1,
    }),
    one: objectSchema({ a: stringSchema(), b: stringSchema() }, undefined, {
      minProperties: 1,
      maxProperties: 1,
    }),
    open: objectSchema({ typed: stringSchema() }, undefined, {
      'x-kubernetes-preserve-unknown-fields': true,
    }),
  },
  undefined,
  { required: ['name'] },
);

const paths = (value: unknown) => validateAgainstSchema(value, schema).map((p) => p.path);

describe('validateAgainstSchema', () => {
  it('accepts a valid value', () => {
    const value = {
      metadata: { anything: { goes: 1 } },
      name: 'db.example',
      kind: 'A',
      when: '2026-03-01T12:00:00Z',
      count: 5,
      tags: { a: 'b' },
      items: [{ key: 'k' }],
      one: { a: 'x' },
      open: { typed: 't', other: { kept: true } },
    };
    expect(validateAgainstSchema(value, schema)).toEqual([]);
    expect(validateAgainstSchema({ ...value, count: '5m', when: null }, schema)).toEqual([]);
  });

  it('reports type, enum, pattern, length and format problems with their paths', () => {
    expect(paths({ name: 'Not_A_Name', kind: 'C', when: 'yesterday', count: 1.5, tags: { a: 1 } })).toEqual([
      'name',
      'kind',
      'when',
      'count',
      'tags.a',
    ]);
    expect(paths({ name: 'x'.repeat(254) })).toEqual(['name']);
    expect(paths({ name: '' })).toEqual(['name', 'name']);
  });

  it('reports required fields, item counts and property counts', () => {
    expect(paths({})).toEqual(['name']);
    expect(paths({ name: 'a', items: [] })).toEqual(['items']);
    expect(paths({ name: 'a', items: [{}] })).toEqual(['items[0].key']);
    expect(paths({ name: 'a', one: {} })).toEqual(['one']);
    expect(paths({ name: 'a', one: { a: 'x', b: 'y' } })).toEqual(['one']);
  });

  it('reports unknown fields except where unknown fields are preserved', () => {
    expect(validateAgainstSchema({ name: 'a', nmae: 'b' }, schema)).toEqual([
      { path: 'nmae', message: 'unknown field' },
    ]);
    expect(paths({ name: 'a', items: [{ key: 'k', extra: 1 }] })).toEqual(['items[0].extra']);
    expect(paths({ name: 'a', open: { typed: 5, other: 1 } })).toEqual(['open.typed']);
  });

  it('reports a wrong root type once', () => {
    expect(validateAgainstSchema('text', schema)).toEqual([
      { path: '', message: 'must be of type object, not string' },
    ]);
    expect(validateAgainstSchema(null, schema)).toHaveLength(1);
  });
});
