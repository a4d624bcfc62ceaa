import { cloneJson, getField, hasField, isJsonObject, jsonEqual, setField } from './json-value.ts';
import type { JsonObject } from './json-value.ts';
import { orderElements } from './element-order.ts';
import type { ElementIdentity } from './element-order.ts';
import { malformedPatch } from './patch-errors.ts';
import {
  applyPrimitiveListDeletions,
  applyRetainKeys,
  elementOrderKeys,
  elementOrderOf,
  isDirectiveKey,
  isItemWithDirective,
  patchDirectiveOf,
  PATCH_DIRECTIVE,
  withoutPatchDirective,
} from './strategic-directives.ts';
import { EMPTY_SCHEMA, fieldSchema, strategicSchemaFor } from './strategic-schema.ts';
import type { FieldSchema, StructSchema } from './strategic-schema.ts';

/** Kubernetes strategic merge patch (`application/strategic-merge-patch+json`). */

/**
 * Applies a strategic merge patch to `target`, an object of `kind`, and returns the result;
 * neither argument is mutated.
 *
 * Maps merge key by key and `null` deletes a key. Lists tagged `patchStrategy: merge` in
 * k8s.io/api merge element by element (by merge key, or as a set of primitives); other lists are
 * replaced. Directives honoured: `$patch: delete|replace|merge` in maps and list elements,
 * `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and `$retainKeys`. An unknown kind
 * merges only `metadata.finalizers` and `metadata.ownerReferences`; its other lists are replaced.
 * A target that is not an object is treated as `{}`.
 *
 * Throws `KubeStatusError` 400 BadRequest when the patch is not an object or a directive is
 * malformed (unknown `$patch` value, non-list order, a merged element without its merge key,
 * a field outside `$retainKeys`).
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, kind: string): unknown {
  if (!isJsonObject(patch)) throw malformedPatch('a strategic merge patch must be a JSON object');
  const original = isJsonObject(target) ? cloneJson(target) : {};
  return mergeObject(original, patch, strategicSchemaFor(kind));
}

/** Merges `patch` into `original`, which this function owns and may mutate. */
function mergeObject(original: JsonObject, patch: JsonObject, schema: StructSchema): JsonObject {
  const directive = patchDirectiveOf(patch);
  if (directive === 'delete') return {};
  if (directive === 'replace') return mergeObject({}, withoutPatchDirective(patch), schema);
  applyRetainKeys(original, patch);
  applyPrimitiveListDeletions(original, patch);
  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      delete original[key];
      continue;
    }
    const before = getField(original, key);
    const merged = mergeValue(before, value, fieldSchema(schema, key), elementOrderOf(patch, key));
    if (merged === undefined) delete original[key];
    else setField(original, key, merged);
  }
  reorderUnpatchedLists(original, patch, schema);
  return original;
}

/**
 * The merged value of one field, or undefined when the field should not exist (a `$patch: delete`
 * map for a field the original did not have).
 */
function mergeValue(before: unknown, value: unknown, field: FieldSchema, order?: unknown[]): unknown {
  if (isJsonObject(value)) {
    if (!isJsonObject(before) && patchDirectiveOf(value) === 'delete') return undefined;
    return mergeObject(isJsonObject(before) ? before : {}, value, field.fields ?? EMPTY_SCHEMA);
  }
  if (Array.isArray(value)) {
    if (field.strategy !== 'merge') return cloneJson(value);
    return mergeList(Array.isArray(before) ? before : [], value, field, order);
  }
  return value;
}

/** Applies `$setElementOrder/<list>` to lists the patch orders but does not otherwise touch. */
function reorderUnpatchedLists(original: JsonObject, patch: JsonObject, schema: StructSchema): void {
  for (const key of elementOrderKeys(patch)) {
    const list = getField(original, key);
    const field = fieldSchema(schema, key);
    if (hasField(patch, key) || !Array.isArray(list) || field.strategy !== 'merge') continue;
    const order = elementOrderOf(patch, key) as unknown[];
    original[key] = orderElements(list, order, list, identityFor(field, list));
  }
}

/** Merges a patch list into a `patchStrategy: merge` list; `original` elements are owned. */
function mergeList(original: unknown[], patch: unknown[], field: FieldSchema, order?: unknown[]): unknown[] {
  if (patch.some((item) => isItemWithDirective(item, 'replace'))) {
    const kept = patch.filter((item) => !isItemWithDirective(item, 'replace'));
    return mergeList([], kept, field, order);
  }
  const byKey = field.mergeKey !== undefined && [...patch, ...original].some(isJsonObject);
  const merged = byKey
    ? mergeListByKey(original, patch, field.mergeKey as string, field.fields ?? EMPTY_SCHEMA)
    : mergePrimitiveSet(original, patch);
  const patchOrder = order ?? patch.filter((item) => !isItemWithDirective(item, 'delete'));
  if (!byKey && order === undefined) return merged;
  return orderElements(merged, patchOrder, original, identityFor(field, merged));
}

function mergeListByKey(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  schema: StructSchema,
): unknown[] {
  const merged = [...original];
  for (const item of patch) {
    if (!isJsonObject(item) || !hasField(item, mergeKey)) {
      throw malformedPatch(`list element ${JSON.stringify(item)} does not contain merge key "${mergeKey}"`);
    }
    const key = item[mergeKey];
    const matches = (element: unknown) =>
      isJsonObject(element) && jsonEqual(getField(element, mergeKey), key);
    if (isItemWithDirective(item, 'delete')) {
      removeMatching(merged, matches);
      continue;
    }
    const index = merged.findIndex(matches);
    if (index < 0) merged.push(mergeObject({}, item, schema));
    else merged[index] = mergeObject(merged[index] as JsonObject, item, schema);
  }
  return merged;
}

function removeMatching(list: unknown[], matches: (element: unknown) => boolean): void {
  for (let index = list.length - 1; index >= 0; index--) {
    if (matches(list[index])) list.splice(index, 1);
  }
}

/** The union of two primitive lists: original order first, then new values, without duplicates. */
function mergePrimitiveSet(original: unknown[], patch: unknown[]): unknown[] {
  const merged = [...original];
  for (const value of patch) {
    if (isJsonObject(value) && hasField(value, PATCH_DIRECTIVE)) {
      throw malformedPatch(`${PATCH_DIRECTIVE} is not supported in a list of primitives`);
    }
    if (!merged.some((existing) => jsonEqual(existing, value))) merged.push(cloneJson(value));
  }
  return merged;
}

/** How elements of a merged list are told apart: by merge key for objects, by value otherwise. */
function identityFor(field: FieldSchema, elements: readonly unknown[]): ElementIdentity {
  const mergeKey = field.mergeKey;
  if (mergeKey === undefined || !elements.some(isJsonObject)) return (element) => element;
  return (element) => (isJsonObject(element) ? getField(element, mergeKey) : element);
}
