import { cloneJson, getField, hasField, isJsonObject, jsonEqual, setField } from './json-value.ts';
import type { JsonObject } from './json-value.ts';

/** RFC 7386 JSON Merge Patch (`application/merge-patch+json`). */

/**
 * Applies an RFC 7386 merge patch and returns the result; neither argument is mutated.
 *
 * A patch that is not an object replaces the target wholesale (a list included). An object patch
 * merges key by key: `null` deletes the key, objects recurse, anything else replaces. A target
 * that is not an object is treated as `{}`. Never throws.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setField(result, key, applyMergePatch(getField(result, key), value));
  }
  return result;
}

/**
 * The RFC 7386 merge patch that turns `original` into `modified`: keys missing from `modified`
 * become `null`, changed objects recurse, any other change carries the modified value. Equal
 * objects give `{}`. When either side is not an object the patch is `modified` itself.
 *
 * A `null` value inside `modified` cannot be expressed by a merge patch (it means "delete");
 * such keys come out as deletions. Neither argument is mutated.
 */
export function createTwoWayMergePatch(original: unknown, modified: unknown): unknown {
  if (!isJsonObject(original) || !isJsonObject(modified)) return cloneJson(modified);
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) {
    if (!hasField(modified, key)) setField(patch, key, null);
  }
  for (const [key, value] of Object.entries(modified)) {
    const before = getField(original, key);
    if (hasField(original, key) && jsonEqual(before, value)) continue;
    const nested = isJsonObject(before) && isJsonObject(value);
    setField(patch, key, nested ? createTwoWayMergePatch(before, value) : cloneJson(value));
  }
  return patch;
}
