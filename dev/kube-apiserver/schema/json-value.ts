import type { JSONSchemaProps } from './types.ts';

/** Small helpers shared by validation, pruning and defaulting: JSON kinds and field paths. */

export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The OpenAPI type name of a JSON value; whole numbers read as `integer`, as Go decodes them. */
export function jsonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** `spec` + `replicas` → `spec.replicas`; the root path is ''. */
export function childPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** `spec.data` + 0 → `spec.data[0]`. */
export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

/** The single schema for array items (a tuple form uses its first entry, as structural schemas forbid tuples). */
export function itemSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  const items = schema.items;
  return Array.isArray(items) ? items[0] : items;
}

/** The schema for map values when `additionalProperties` is a schema; `true`/`false`/absent → undefined. */
export function additionalPropertiesSchema(schema: JSONSchemaProps): JSONSchemaProps | undefined {
  return isJsonObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

/** True when the schema sets `x-kubernetes-preserve-unknown-fields: true`. */
export function preservesUnknownFields(schema: JSONSchemaProps): boolean {
  return schema['x-kubernetes-preserve-unknown-fields'] === true;
}

/** A deep copy of plain JSON (defaults are copied so objects never share them). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/** Deep equality of JSON values, key order ignored (for enum and uniqueness checks). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}
