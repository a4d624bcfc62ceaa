import type { StatusCause } from '../types.ts';
import { cause } from '../errors.ts';
import {
  additionalPropertiesSchema,
  childPath,
  indexPath,
  isJsonObject,
  itemSchema,
  jsonEqual,
  jsonTypeOf,
  type JsonObject,
} from './json-value.ts';
import {
  checkEnum,
  checkNumber,
  checkString,
  duplicate,
  inBody,
  requiredWithDetail,
  tooMany,
} from './scalar-checks.ts';
import { RESOURCE_META_KEYS, type JSONSchemaProps } from './types.ts';

/**
 * Schema validation of custom resources, as `apiextensions-apiserver`'s `ValidateCustomResource`
 * runs kube-openapi's validator and converts its errors to field causes. CEL rules
 * (`x-kubernetes-validations`) are not evaluated.
 */

/** Where a value sits: resource roots and embedded resources treat apiVersion/kind/metadata apart. */
type Position = 'root' | 'embedded' | 'nested';

/**
 * Validates `object` (a whole custom resource) against its version's `openAPIV3Schema` and
 * returns the causes of a 422, empty when valid. Field paths read `spec.data[0].remoteRef.key`.
 * At the root and in embedded resources, `apiVersion`, `kind` and `metadata` are checked for type
 * only (object metadata is validated elsewhere). Run it after pruning and defaulting, as the
 * apiserver does.
 */
export function validateObject(object: unknown, schema: JSONSchemaProps): StatusCause[] {
  return validateValue(object, schema, '', 'root');
}

function validateValue(
  value: unknown,
  schema: JSONSchemaProps,
  path: string,
  position: Position,
): StatusCause[] {
  if (value === null && schema.nullable === true) return [];
  const typeError = checkType(value, schema, path);
  if (typeError) return [typeError];
  const causes = checkEnum(value, schema, path);
  if (typeof value === 'string') causes.push(...checkString(value, schema, path));
  else if (typeof value === 'number') causes.push(...checkNumber(value, schema, path));
  else if (Array.isArray(value)) causes.push(...checkArray(value, schema, path));
  else if (isJsonObject(value)) causes.push(...checkObject(value, schema, path, position));
  causes.push(...checkCombinators(value, schema, path));
  return causes;
}

/** The types a schema admits: int-or-string admits two; no type (preserve-unknown) admits any. */
function allowedTypes(schema: JSONSchemaProps): string[] {
  if (schema['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return schema.type ? [schema.type] : [];
}

function checkType(value: unknown, schema: JSONSchemaProps, path: string): StatusCause | undefined {
  const allowed = allowedTypes(schema);
  if (allowed.length === 0) return undefined;
  const actual = jsonTypeOf(value);
  if (allowed.includes(actual) || (actual === 'integer' && allowed.includes('number'))) return undefined;
  const detail = `${inBody(path)} must be of type ${allowed.join(',')}: ${JSON.stringify(actual)}`;
  return cause.typeInvalid(path, actual, detail);
}

function checkArray(value: unknown[], schema: JSONSchemaProps, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    causes.push(tooMany(path, value.length, schema.maxItems));
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    const detail = `${inBody(path)} should have at least ${schema.minItems} items`;
    causes.push(cause.invalid(path, value.length, detail));
  }
  if (
    schema.uniqueItems === true &&
    value.some((item, i) => value.findIndex((o) => jsonEqual(o, item)) !== i)
  ) {
    causes.push(cause.invalid(path, '', `${inBody(path)} shouldn't contain duplicates`));
  }
  causes.push(...checkListType(value, schema, path));
  const items = itemSchema(schema);
  if (items) {
    value.forEach((item, i) => causes.push(...validateValue(item, items, indexPath(path, i), 'nested')));
  }
  return causes;
}

/** `x-kubernetes-list-type`: `set` items are unique; `map` items are unique by their key fields. */
function checkListType(value: unknown[], schema: JSONSchemaProps, path: string): StatusCause[] {
  const listType = schema['x-kubernetes-list-type'];
  const causes: StatusCause[] = [];
  if (listType === 'set') {
    value.forEach((item, i) => {
      if (value.findIndex((other) => jsonEqual(other, item)) !== i)
        causes.push(duplicate(indexPath(path, i), item));
    });
  } else if (listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen: JsonObject[] = [];
    value.forEach((item, i) => {
      if (!isJsonObject(item)) return;
      const identity = Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
      if (seen.some((other) => jsonEqual(other, identity)))
        causes.push(duplicate(indexPath(path, i), identity));
      else seen.push(identity);
    });
  }
  return causes;
}

function checkObject(
  value: JsonObject,
  schema: JSONSchemaProps,
  path: string,
  position: Position,
): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(value, name)) causes.push(cause.required(childPath(path, name)));
  }
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    causes.push(tooMany(path, count, schema.maxProperties));
  }
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    const detail = `${inBody(path)} should have at least ${schema.minProperties} properties`;
    causes.push(cause.invalid(path, count, detail));
  }
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  if (embedded && position !== 'root') causes.push(...checkEmbeddedIdentity(value, path));
  const isResource = position === 'root' || embedded;
  for (const [key, child] of Object.entries(value)) {
    causes.push(...validateProperty(key, child, schema, path, isResource));
  }
  return causes;
}

/** Embedded resources must name their apiVersion and kind (`objectmeta.Validate`). */
function checkEmbeddedIdentity(value: JsonObject, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const key of ['apiVersion', 'kind']) {
    const field = value[key];
    if (typeof field !== 'string' || field === '') {
      causes.push(requiredWithDetail(childPath(path, key), 'must not be empty'));
    }
  }
  return causes;
}

function validateProperty(
  key: string,
  value: unknown,
  schema: JSONSchemaProps,
  path: string,
  isResource: boolean,
): StatusCause[] {
  const childField = childPath(path, key);
  if (isResource && RESOURCE_META_KEYS.includes(key)) return checkResourceMetaType(key, value, childField);
  const property = schema.properties?.[key];
  if (property) return validateValue(value, property, childField, 'nested');
  const additional = additionalPropertiesSchema(schema);
  if (additional) return validateValue(value, additional, childField, 'nested');
  if (schema.additionalProperties === false && schema.properties) {
    return [cause.invalid(childField, '', `${inBody(childField)} is a forbidden property`)];
  }
  return [];
}

/** apiVersion and kind are strings and metadata an object, whatever the schema adds. */
function checkResourceMetaType(key: string, value: unknown, path: string): StatusCause[] {
  const expected = key === 'metadata' ? 'object' : 'string';
  const actual = jsonTypeOf(value);
  if (actual === expected) return [];
  return [
    cause.typeInvalid(path, actual, `${inBody(path)} must be of type ${expected}: ${JSON.stringify(actual)}`),
  ];
}

/** allOf, anyOf, oneOf and not: value validations over the same value, as structural schemas allow. */
function checkCombinators(value: unknown, schema: JSONSchemaProps, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const branches = (list: JSONSchemaProps[]) => list.map((s) => validateValue(value, s, path, 'nested'));
  if (schema.allOf) {
    const failures = branches(schema.allOf).flat();
    if (failures.length > 0) {
      causes.push(
        ...failures,
        cause.invalid(path, '', `${inBody(path)} must validate all the schemas (allOf)`),
      );
    }
  }
  if (schema.anyOf) {
    const results = branches(schema.anyOf);
    if (!results.some((r) => r.length === 0)) {
      causes.push(
        ...fewest(results),
        cause.invalid(path, '', `${inBody(path)} must validate at least one schema (anyOf)`),
      );
    }
  }
  if (schema.oneOf) {
    const results = branches(schema.oneOf);
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1) {
      if (passing === 0) causes.push(...fewest(results));
      causes.push(cause.invalid(path, '', `${inBody(path)} must validate one and only one schema (oneOf)`));
    }
  }
  if (schema.not && validateValue(value, schema.not, path, 'nested').length === 0) {
    causes.push(cause.invalid(path, '', `${inBody(path)} must not validate the schema (not)`));
  }
  return causes;
}

/** The failures of the branch that came closest, which best explain what to fix. */
function fewest(results: StatusCause[][]): StatusCause[] {
  return results.reduce((best, r) => (r.length < best.length ? r : best), results[0] ?? []);
}
