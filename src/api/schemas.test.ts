import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { externalSecretSchema } from './external-secret-schema.ts';
import type { JsonSchema } from './json-schema.ts';
import { validateAgainstSchema } from './schema-validation.ts';
import { secretStoreSchema } from './secret-store-schema.ts';
import {
  INCIDENT_EXTERNAL_SECRET_YAML,
  INCIDENT_SECRET_STORE_YAML,
  fullClusterSecretStore,
  fullExternalSecret,
  fullSecretStore,
  incidentExternalSecret,
  incidentSecretStore,
} from './test-fixtures.ts';

/*
 * The TypeScript types are written by hand next to the schemas. These tests keep the two in
 * step: each "full" fixture is typed with the TS types (so it has no field the types lack),
 * must validate against the schema with unknown fields reported (so it has no field the
 * schema lacks), and must set every field the schema declares (so the schema has no field the
 * fixture, hence the types, lack).
 */

/** Every field path a schema declares: `spec.data[].remoteRef.key`; maps end in `{}`. */
function schemaPaths(schema: JsonSchema, prefix = ''): string[] {
  const paths: string[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    paths.push(path, ...schemaPaths(child, path));
  }
  if (schema.items) paths.push(...schemaPaths(schema.items, `${prefix}[]`));
  return paths;
}

/** Every field path a value sets, in the same notation (map entries are not descended into). */
function valuePaths(value: unknown, schema: JsonSchema, prefix = ''): string[] {
  if (Array.isArray(value))
    return value.flatMap((item) => valuePaths(item, schema.items ?? {}, `${prefix}[]`));
  if (typeof value !== 'object' || value === null || !schema.properties) return [];
  return Object.entries(value).flatMap(([name, child]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    return [path, ...valuePaths(child, schema.properties?.[name] ?? {}, path)];
  });
}

function expectCovers(value: unknown, schema: JsonSchema): void {
  const set = new Set(valuePaths(value, schema));
  const missing = schemaPaths(schema).filter((path) => !set.has(path));
  expect(missing).toEqual([]);
}

describe('ExternalSecret types and schema', () => {
  it('the full v1 object validates and sets every field the v1 schema declares', () => {
    const schema = externalSecretSchema('v1');
    expect(validateAgainstSchema(fullExternalSecret(), schema)).toEqual([]);
    expectCovers(fullExternalSecret(), schema);
  });

  it('v1beta1 lacks exactly the v1-only fields', () => {
    const v1 = new Set(schemaPaths(externalSecretSchema('v1')));
    const v1beta1 = schemaPaths(externalSecretSchema('v1beta1'));
    expect(v1beta1.filter((path) => !v1.has(path))).toEqual([]);
    const v1Only = [...v1].filter((path) => !v1beta1.includes(path));
    expect(
      v1Only.filter((path) => !/\.(merge|manifest|syncWindows|finalizers|nullBytePolicy)(\.|$)/.test(path)),
    ).toEqual([]);
    expect(v1Only).toContain('spec.data[].remoteRef.nullBytePolicy');
    expect(v1Only).toContain('spec.syncWindows');
  });

  it('v1beta1 rejects CreateOrMerge and the newer generator kinds', () => {
    const object = incidentExternalSecret();
    object.spec.target = { creationPolicy: 'CreateOrMerge' };
    object.spec.dataFrom = [{ sourceRef: { generatorRef: { kind: 'MFA', name: 'm' } } }];
    const paths = validateAgainstSchema(object, externalSecretSchema('v1beta1')).map((p) => p.path);
    expect(paths).toEqual(['spec.target.creationPolicy', 'spec.dataFrom[0].sourceRef.generatorRef.kind']);
    expect(validateAgainstSchema(object, externalSecretSchema('v1'))).toEqual([]);
  });

  it('the incident ExternalSecret validates against both versions', () => {
    const object = parse(INCIDENT_EXTERNAL_SECRET_YAML) as unknown;
    expect(object).toEqual(incidentExternalSecret());
    expect(validateAgainstSchema(object, externalSecretSchema('v1beta1'))).toEqual([]);
    expect(validateAgainstSchema(object, externalSecretSchema('v1'))).toEqual([]);
  });

  it('an ESO status with refreshTime null validates (metav1.Time zero value)', () => {
    const object = incidentExternalSecret();
    object.status = { refreshTime: null, conditions: [] };
    expect(validateAgainstSchema(object, externalSecretSchema('v1'))).toEqual([]);
  });
});

describe('store types and schema', () => {
  it.each([
    ['SecretStore', fullSecretStore()],
    ['ClusterSecretStore', fullClusterSecretStore()],
  ] as const)('the full %s validates and sets every field the schema declares', (kind, store) => {
    const schema = secretStoreSchema(kind);
    expect(validateAgainstSchema(store, schema)).toEqual([]);
    expectCovers(store, schema);
  });

  it('the incident SecretStore validates', () => {
    const object = parse(INCIDENT_SECRET_STORE_YAML) as unknown;
    expect(object).toEqual(incidentSecretStore());
    expect(validateAgainstSchema(object, secretStoreSchema('SecretStore'))).toEqual([]);
  });

  it('keeps another provider (stored, reported later) but not two providers', () => {
    const store = incidentSecretStore();
    store.spec.provider = { vault: { server: 'https://vault.example.com', path: 'secret' } };
    expect(validateAgainstSchema(store, secretStoreSchema('SecretStore'))).toEqual([]);
    store.spec.provider['azurekv'] = { vaultUrl: 'https://v.vault.azure.net' };
    expect(validateAgainstSchema(store, secretStoreSchema('SecretStore')).map((p) => p.path)).toEqual([
      'spec.provider',
    ]);
  });

  it('requires vaultUrl and accepts refreshInterval as seconds or a duration', () => {
    const store = incidentSecretStore();
    store.spec.provider.azurekv = { authType: 'ManagedIdentity' } as never;
    store.spec.refreshInterval = 300;
    expect(validateAgainstSchema(store, secretStoreSchema('SecretStore'))).toEqual([
      { path: 'spec.provider.azurekv.vaultUrl', message: 'required' },
    ]);
    store.spec.refreshInterval = true as never;
    expect(validateAgainstSchema(store, secretStoreSchema('SecretStore')).map((p) => p.path)).toContain(
      'spec.refreshInterval',
    );
  });
});
