import { getField, hasField, isJsonObject, jsonEqual } from './json-value.ts';
import type { JsonObject } from './json-value.ts';
import { malformedPatch } from './patch-errors.ts';

/**
 * The directive keys of strategic merge patch (`apimachinery/pkg/util/strategicpatch`) and the
 * map-level directives that edit the original before the patch is merged in.
 */

export const PATCH_DIRECTIVE = '$patch';
export const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
export const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder/';
export const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList/';

/** The values `$patch` may take. */
export type PatchDirective = 'delete' | 'replace' | 'merge';

/** True for keys that are directives rather than data. */
export function isDirectiveKey(key: string): boolean {
  return (
    key === PATCH_DIRECTIVE ||
    key === RETAIN_KEYS_DIRECTIVE ||
    key.startsWith(SET_ELEMENT_ORDER_PREFIX) ||
    key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
  );
}

/** The `$patch` directive of a patch map, or undefined when it has none; 400 for other values. */
export function patchDirectiveOf(patch: JsonObject): PatchDirective | undefined {
  if (!hasField(patch, PATCH_DIRECTIVE)) return undefined;
  const directive = patch[PATCH_DIRECTIVE];
  if (directive === 'delete' || directive === 'replace' || directive === 'merge') return directive;
  throw malformedPatch(`unknown patch type ${JSON.stringify(directive)} in ${PATCH_DIRECTIVE}`);
}

/** A copy of `patch` without its `$patch` directive. */
export function withoutPatchDirective(patch: JsonObject): JsonObject {
  const copy: JsonObject = { ...patch };
  delete copy[PATCH_DIRECTIVE];
  return copy;
}

/**
 * Applies `$retainKeys`: deletes from `original` (mutated) every key not listed. Every data key the
 * patch sets (not to null) must be listed, else 400, as upstream requires.
 */
export function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!hasField(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retained = patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(retained) || !retained.every((key) => typeof key === 'string')) {
    throw malformedPatch(`${RETAIN_KEYS_DIRECTIVE} must be a list of field names`);
  }
  const keep = new Set<string>(retained);
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && !isDirectiveKey(key) && !keep.has(key)) {
      throw malformedPatch(
        `field ${JSON.stringify(key)} is set by the patch but missing from ${RETAIN_KEYS_DIRECTIVE}`,
      );
    }
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

/**
 * Applies every `$deleteFromPrimitiveList/<list>` of `patch` to `original` (mutated): the listed
 * values are removed from `original[<list>]`. A missing or non-list target is left alone.
 */
export function applyPrimitiveListDeletions(original: JsonObject, patch: JsonObject): void {
  for (const [key, values] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) continue;
    if (!Array.isArray(values)) throw malformedPatch(`${key} must be a list`);
    const listKey = key.slice(DELETE_FROM_PRIMITIVE_LIST_PREFIX.length);
    const current = getField(original, listKey);
    if (!Array.isArray(current)) continue;
    original[listKey] = current.filter((item) => !values.some((value) => jsonEqual(value, item)));
  }
}

/** The `$setElementOrder/<listKey>` list of `patch`, or undefined; 400 when it is not a list. */
export function elementOrderOf(patch: JsonObject, listKey: string): unknown[] | undefined {
  const key = `${SET_ELEMENT_ORDER_PREFIX}${listKey}`;
  if (!hasField(patch, key)) return undefined;
  const order = patch[key];
  if (!Array.isArray(order)) throw malformedPatch(`${key} must be a list`);
  return order;
}

/** The list keys named by `$setElementOrder/…` directives in `patch`. */
export function elementOrderKeys(patch: JsonObject): string[] {
  return Object.keys(patch)
    .filter((key) => key.startsWith(SET_ELEMENT_ORDER_PREFIX))
    .map((key) => key.slice(SET_ELEMENT_ORDER_PREFIX.length));
}

/** True when `value` is a list item carrying `$patch: <directive>`. */
export function isItemWithDirective(value: unknown, directive: PatchDirective): boolean {
  return isJsonObject(value) && getField(value, PATCH_DIRECTIVE) === directive;
}
