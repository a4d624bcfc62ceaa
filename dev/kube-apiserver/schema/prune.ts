import { badRequest, type KubeStatusError } from '../errors.ts';
import {
  additionalPropertiesSchema,
  childPath,
  cloneJson,
  indexPath,
  isJsonObject,
  itemSchema,
  preservesUnknownFields,
  type JsonObject,
} from './json-value.ts';
import { RESOURCE_META_KEYS, type JSONSchemaProps } from './types.ts';

/**
 * Pruning of unknown fields, as the apiextensions decoder does it before defaulting: a field is
 * kept when the schema declares it (`properties`), types it as a map (`additionalProperties`) or
 * preserves unknown fields (`x-kubernetes-preserve-unknown-fields`). Resource roots and embedded
 * resources always keep `apiVersion`, `kind` and `metadata`; metadata itself is left to the
 * ObjectMeta handling.
 */

/** The pruned copy (the input is not modified) and the dotted paths that were dropped, sorted. */
export interface PruneResult {
  pruned: unknown;
  removedPaths: string[];
}

/**
 * Drops the fields `schema` does not know. `removedPaths` (e.g. `spec.foo`, `spec.data[0].bar`)
 * lets the caller answer `fieldValidation=Strict` with `unknownFieldError` or `Warn` with
 * warnings; `Ignore` just stores `pruned`.
 */
export function pruneUnknownFields(object: unknown, schema: JSONSchemaProps): PruneResult {
  const removedPaths: string[] = [];
  const pruned = cloneJson(object);
  pruneValue(pruned, schema, '', true, removedPaths);
  return { pruned, removedPaths: removedPaths.sort() };
}

function pruneValue(
  value: unknown,
  schema: JSONSchemaProps,
  path: string,
  isResource: boolean,
  removed: string[],
): void {
  if (Array.isArray(value)) {
    const items = itemSchema(schema);
    if (items)
      value.forEach((item, i) => pruneValue(item, items, indexPath(path, i), isEmbedded(items), removed));
  } else if (isJsonObject(value)) {
    pruneObject(value, schema, path, isResource, removed);
  }
}

function isEmbedded(schema: JSONSchemaProps): boolean {
  return schema['x-kubernetes-embedded-resource'] === true;
}

function pruneObject(
  value: JsonObject,
  schema: JSONSchemaProps,
  path: string,
  isResource: boolean,
  removed: string[],
): void {
  const additional = additionalPropertiesSchema(schema);
  const keepsUnknown = preservesUnknownFields(schema) || schema.additionalProperties === true;
  for (const [key, child] of Object.entries(value)) {
    const childField = childPath(path, key);
    if (isResource && RESOURCE_META_KEYS.includes(key)) continue;
    const property = schema.properties?.[key] ?? additional;
    if (property) pruneValue(child, property, childField, isEmbedded(property), removed);
    else if (!keepsUnknown) {
      delete value[key];
      removed.push(childField);
    }
  }
}

/**
 * The 400 the apiserver answers under `fieldValidation=Strict` when pruning dropped fields:
 * `strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`.
 */
export function unknownFieldError(paths: readonly string[]): KubeStatusError {
  const list = paths.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ');
  return badRequest(`strict decoding error: ${list}`);
}

/** The warnings for `fieldValidation=Warn`, one per dropped field: `unknown field "spec.foo"`. */
export function unknownFieldWarnings(paths: readonly string[]): string[] {
  return paths.map((p) => `unknown field ${JSON.stringify(p)}`);
}
