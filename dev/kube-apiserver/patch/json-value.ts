/**
 * Small helpers over parsed JSON values shared by every patch flavour. Objects are read and written
 * through `getField` / `setField` so that a key named `__proto__` stays an ordinary data property
 * instead of swapping the prototype of the result.
 */

/** A parsed JSON object (never an array, never null). */
export type JsonObject = { [key: string]: unknown };

/** True for plain JSON objects: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own property `key` of `object`, or undefined when it has none (inherited members are ignored). */
export function getField(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** True when `object` has its own property `key`. */
export function hasField(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key);
}

/** Sets own data property `key`, even when the key is `__proto__`. Mutates `object`. */
export function setField(object: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A deep copy of a JSON value; the input is left untouched. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneJson(item)) as T;
  if (!isJsonObject(value)) return value;
  const copy: JsonObject = {};
  for (const [key, item] of Object.entries(value)) setField(copy, key, cloneJson(item));
  return copy as T;
}

/** Structural equality of two JSON values; key order of objects does not matter. */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (!isJsonObject(left) || !isJsonObject(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => hasField(right, key) && jsonEqual(left[key], right[key]));
}
