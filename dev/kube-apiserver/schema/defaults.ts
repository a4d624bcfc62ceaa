import {
  additionalPropertiesSchema,
  cloneJson,
  isJsonObject,
  itemSchema,
  type JsonObject,
} from './json-value.ts';
import { RESOURCE_META_KEYS, type JSONSchemaProps } from './types.ts';

/**
 * Structural defaulting (apiextensions `structuraldefaulting.Default`). A property missing from
 * an object, or null where the schema does not allow null, takes a deep copy of its `default`;
 * the copied default is then defaulted in turn, so defaults nest. Array items and map values
 * (`additionalProperties`) are defaulted the same way. A null without a default in a non-nullable
 * field is removed, as the apiserver prunes such nulls before validation. `apiVersion`, `kind`
 * and `metadata` of resource roots and embedded resources are left alone.
 */
export function applyDefaults(object: unknown, schema: JSONSchemaProps): unknown {
  const copy = cloneJson(object);
  defaultValue(copy, schema, true);
  return copy;
}

function isNonNullableNull(value: unknown, schema: JSONSchemaProps): boolean {
  return value === null && schema.nullable !== true;
}

function defaultValue(value: unknown, schema: JSONSchemaProps, isResource: boolean): void {
  if (Array.isArray(value)) defaultItems(value, schema);
  else if (isJsonObject(value)) defaultObject(value, schema, isResource);
}

function defaultItems(value: unknown[], schema: JSONSchemaProps): void {
  const items = itemSchema(schema);
  if (!items) return;
  value.forEach((item, i) => {
    if (isNonNullableNull(item, items) && items.default !== undefined) value[i] = cloneJson(items.default);
    defaultValue(value[i], items, isEmbedded(items));
  });
}

function isEmbedded(schema: JSONSchemaProps): boolean {
  return schema['x-kubernetes-embedded-resource'] === true;
}

function defaultObject(value: JsonObject, schema: JSONSchemaProps, isResource: boolean): void {
  const skip = (key: string) => isResource && RESOURCE_META_KEYS.includes(key);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (skip(key)) continue;
    fillOrPrune(value, key, property);
  }
  const additional = additionalPropertiesSchema(schema);
  for (const key of Object.keys(value)) {
    if (skip(key)) continue;
    const property = schema.properties?.[key] ?? additional;
    if (!property) continue;
    if (property === additional) fillOrPrune(value, key, property);
    defaultValue(value[key], property, isEmbedded(property));
  }
}

/** Sets the default where the key is missing or a non-nullable null; drops such a null without one. */
function fillOrPrune(value: JsonObject, key: string, property: JSONSchemaProps): void {
  const present = Object.hasOwn(value, key);
  if (present && !isNonNullableNull(value[key], property)) return;
  if (property.default !== undefined) value[key] = cloneJson(property.default);
  else if (present) delete value[key];
}
