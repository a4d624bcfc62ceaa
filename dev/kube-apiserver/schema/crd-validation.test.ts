import { describe, expect, it } from 'vitest';
import { validateCustomResourceDefinition } from './index.ts';
import { externalSecretSchema } from './test-fixtures.ts';

function crd(overrides: { spec?: Record<string, unknown>; name?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: overrides.name ?? 'externalsecrets.external-secrets.io' },
    spec: {
      group: 'external-secrets.io',
      names: {
        plural: 'externalsecrets',
        singular: 'externalsecret',
        kind: 'ExternalSecret',
        shortNames: ['es'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: externalSecretSchema },
          additionalPrinterColumns: [
            { name: 'Store', type: 'string', jsonPath: '.spec.secretStoreRef.name' },
          ],
        },
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: externalSecretSchema } },
      ],
      ...overrides.spec,
    },
  };
}

function fields(causes: { reason: string; field?: string }[]): string[] {
  return causes.map((c) => `${c.reason} ${c.field}`);
}

describe('validateCustomResourceDefinition', () => {
  it('accepts an ExternalSecret-like CRD without singular or listKind', () => {
    expect(validateCustomResourceDefinition(crd())).toEqual([]);
    const noSingular = crd({ spec: { names: { plural: 'externalsecrets', kind: 'ExternalSecret' } } });
    expect(validateCustomResourceDefinition(noSingular)).toEqual([]);
  });

  it('requires the name to be <plural>.<group>', () => {
    expect(validateCustomResourceDefinition(crd({ name: 'externalsecret.external-secrets.io' }))).toEqual([
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: "externalsecret.external-secrets.io": must be spec.names.plural+"."+spec.group',
        field: 'metadata.name',
      },
    ]);
  });

  it('checks the group', () => {
    const missing = validateCustomResourceDefinition(crd({ name: 'externalsecrets.', spec: { group: '' } }));
    expect(fields(missing)).toEqual(['FieldValueRequired spec.group']);
    const noDot = validateCustomResourceDefinition(
      crd({ name: 'externalsecrets.local', spec: { group: 'local' } }),
    );
    expect(noDot.map((c) => c.message)).toEqual([
      'Invalid value: "local": should be a domain with at least one dot',
    ]);
  });

  it('checks names and scope', () => {
    const causes = validateCustomResourceDefinition(
      crd({
        name: 'Bad_Plural.external-secrets.io',
        spec: {
          names: { plural: 'Bad_Plural', kind: 'Thing', listKind: 'Thing', shortNames: ['ok', 'NO'] },
          scope: 'Global',
        },
      }),
    );
    expect(fields(causes)).toEqual([
      'FieldValueInvalid spec.names.plural',
      'FieldValueInvalid spec.names.listKind',
      'FieldValueInvalid spec.names.shortNames[1]',
      'FieldValueNotSupported spec.scope',
    ]);
    expect(causes[3]?.message).toBe('Unsupported value: "Global": supported values: "Cluster", "Namespaced"');
  });

  it('requires exactly one storage version and unique version names', () => {
    const spec = crd().spec as { versions: Record<string, unknown>[] };
    const twoStorage = spec.versions.map((v) => ({ ...v, storage: true }));
    expect(
      validateCustomResourceDefinition(crd({ spec: { versions: twoStorage } })).map((c) => c.message),
    ).toEqual(['Invalid value: ["v1","v1beta1"]: must have exactly one version marked as storage version']);
    const duplicateNames = spec.versions.map((v) => ({ ...v, name: 'v1' }));
    expect(fields(validateCustomResourceDefinition(crd({ spec: { versions: duplicateNames } })))).toEqual([
      'FieldValueInvalid spec.versions',
    ]);
    expect(fields(validateCustomResourceDefinition(crd({ spec: { versions: [] } })))).toEqual([
      'FieldValueRequired spec.versions',
    ]);
  });

  it('requires a schema for every version', () => {
    const causes = validateCustomResourceDefinition(
      crd({ spec: { versions: [{ name: 'v1', served: true, storage: true }] } }),
    );
    expect(causes).toEqual([
      {
        reason: 'FieldValueRequired',
        message: 'Required value: schemas are required',
        field: 'spec.versions[0].schema.openAPIV3Schema',
      },
    ]);
  });

  it('checks the schema is structural', () => {
    const openAPIV3Schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            untyped: { description: 'no type' },
            port: { 'x-kubernetes-int-or-string': true },
            list: { type: 'array' },
            odd: { type: 'map' },
            count: { type: 'integer', default: 'three' },
          },
        },
      },
    };
    const causes = validateCustomResourceDefinition(
      crd({ spec: { versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }] } }),
    );
    const base = 'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties';
    expect(fields(causes)).toEqual([
      `FieldValueRequired ${base}[untyped].type`,
      `FieldValueRequired ${base}[list].items`,
      `FieldValueNotSupported ${base}[odd].type`,
      `FieldValueInvalid ${base}[count].default`,
    ]);
  });

  it('requires an object at the root of the schema', () => {
    const causes = validateCustomResourceDefinition(
      crd({
        spec: {
          versions: [
            { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'string' } } },
          ],
        },
      }),
    );
    expect(causes.map((c) => c.message)).toEqual(['Invalid value: "string": must be object at the root']);
  });

  it('checks printer columns', () => {
    const causes = validateCustomResourceDefinition(
      crd({
        spec: {
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: 'object' } },
              additionalPrinterColumns: [
                { name: 'Age', type: 'time', jsonPath: '.metadata.creationTimestamp' },
              ],
            },
          ],
        },
      }),
    );
    expect(fields(causes)).toEqual([
      'FieldValueNotSupported spec.versions[0].additionalPrinterColumns[0].type',
    ]);
  });

  it('tolerates garbage input with causes instead of throwing', () => {
    expect(validateCustomResourceDefinition(undefined).length).toBeGreaterThan(0);
    expect(validateCustomResourceDefinition({ spec: 'x' }).length).toBeGreaterThan(0);
  });
});
