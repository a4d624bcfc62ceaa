/**
 * Typed reads of plain JSON objects, for printers: a field of the wrong type reads as missing,
 * so a malformed object prints empty cells instead of throwing.
 */

export type JsonObject = Record<string, unknown>;

/** The value at `path`, or undefined when any step is missing or not an object. */
export function valueAt(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`, or undefined. */
export function objectAt(value: unknown, ...path: string[]): JsonObject | undefined {
  const found = valueAt(value, ...path);
  return isObject(found) ? found : undefined;
}

/** The string at `path`, or `''` (Go's zero value) when missing or not a string. */
export function stringAt(value: unknown, ...path: string[]): string {
  const found = valueAt(value, ...path);
  return typeof found === 'string' ? found : '';
}

/** The number at `path`, or `fallback` (0 unless given) when missing or not a number. */
export function numberAt(value: unknown, path: string[], fallback = 0): number {
  const found = valueAt(value, ...path);
  return typeof found === 'number' ? found : fallback;
}

/** The array at `path`, or an empty array. */
export function arrayAt(value: unknown, ...path: string[]): unknown[] {
  const found = valueAt(value, ...path);
  return Array.isArray(found) ? found : [];
}

/** The objects of the array at `path`; entries that are not objects are dropped. */
export function objectsAt(value: unknown, ...path: string[]): JsonObject[] {
  return arrayAt(value, ...path).filter(isObject);
}

/** The number of keys of the object at `path`, 0 when missing. */
export function keyCountAt(value: unknown, ...path: string[]): number {
  return Object.keys(objectAt(value, ...path) ?? {}).length;
}
