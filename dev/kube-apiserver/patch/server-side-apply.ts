import { cloneJson, getField, hasField, isJsonObject, jsonEqual, setField } from './json-value.ts';
import type { JsonObject } from './json-value.ts';
import { malformedPatch } from './patch-errors.ts';
import {
  DELETE_FROM_PRIMITIVE_LIST_PREFIX,
  PATCH_DIRECTIVE,
  SET_ELEMENT_ORDER_PREFIX,
} from './strategic-directives.ts';
import { applyStrategicMergePatch } from './strategic-merge-patch.ts';
import { EMPTY_SCHEMA, fieldSchema, strategicSchemaFor } from './strategic-schema.ts';
import type { FieldSchema, StructSchema } from './strategic-schema.ts';

/**
 * Server-side apply reduced to one field manager (reference §8.3): the previous apply of the same
 * manager and the new one give a strategic merge patch that is laid over the live object.
 */

/** Inputs of `applyServerSideApply`. */
export interface ServerSideApplyInput {
  /** The stored object, or undefined when the apply creates it. */
  live: unknown;
  /** What the same field manager applied last time, or undefined on its first apply. */
  lastApplied: unknown;
  /** The manifest being applied now. */
  applied: unknown;
  /** The object's kind, which selects the list merge keys (see `strategicSchemaFor`). */
  kind: string;
}

/**
 * The object after `applied` is server-side applied over `live`; no argument is mutated.
 *
 * Everything in `applied` is merged over `live`: maps key by key, lists with a merge key element
 * by element, primitive sets as a union, other lists replaced. Fields (and merged list elements,
 * and set members) present in `lastApplied` but absent from `applied` are deleted from `live`;
 * fields other managers set are kept. A `null` in `applied` deletes the field. Merged lists take
 * the order of `applied` for the elements it names. No conflicts are detected, so `force` has no
 * meaning here.
 *
 * Throws `KubeStatusError` 400 BadRequest when `applied` is not an object or a merged list element
 * lacks its merge key.
 */
export function applyServerSideApply({ live, lastApplied, applied, kind }: ServerSideApplyInput): unknown {
  if (!isJsonObject(applied)) throw malformedPatch('an applied configuration must be a JSON object');
  const schema = strategicSchemaFor(kind);
  const previous = isJsonObject(lastApplied) ? lastApplied : {};
  const patch = applyPatchBetween(previous, applied, schema);
  return applyStrategicMergePatch(isJsonObject(live) ? live : {}, patch, kind);
}

/** The strategic merge patch that applies `applied` and retracts what only `previous` set. */
function applyPatchBetween(previous: JsonObject, applied: JsonObject, schema: StructSchema): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(previous)) {
    if (!hasField(applied, key)) setField(patch, key, null);
  }
  for (const [key, value] of Object.entries(applied)) {
    const before = getField(previous, key);
    const field = fieldSchema(schema, key);
    if (isJsonObject(value)) {
      setField(
        patch,
        key,
        applyPatchBetween(isJsonObject(before) ? before : {}, value, field.fields ?? EMPTY_SCHEMA),
      );
    } else if (Array.isArray(value) && field.strategy === 'merge') {
      addListPatch(patch, key, Array.isArray(before) ? before : [], value, field);
    } else {
      setField(patch, key, cloneJson(value));
    }
  }
  return patch;
}

/** Writes the patch of one merged list (and its directives) into `patch`. */
function addListPatch(
  patch: JsonObject,
  key: string,
  before: unknown[],
  applied: unknown[],
  field: FieldSchema,
) {
  const mergeKey = field.mergeKey;
  if (mergeKey === undefined || !applied.every(isJsonObject)) {
    const dropped = before.filter((item) => !applied.some((value) => jsonEqual(value, item)));
    setField(patch, key, cloneJson(applied));
    if (dropped.length > 0) setField(patch, `${DELETE_FROM_PRIMITIVE_LIST_PREFIX}${key}`, dropped);
    return;
  }
  const schema = field.fields ?? EMPTY_SCHEMA;
  const keyOf = (item: unknown) => (isJsonObject(item) ? getField(item, mergeKey) : undefined);
  const previousItem = (id: unknown) =>
    before.find((item) => isJsonObject(item) && jsonEqual(keyOf(item), id));
  const items = applied.map((item) => {
    const earlier = previousItem(getField(item, mergeKey));
    return applyPatchBetween(isJsonObject(earlier) ? earlier : {}, item, schema);
  });
  const deletions = before
    .filter((item) => isJsonObject(item) && hasField(item, mergeKey))
    .filter((item) => !applied.some((value) => jsonEqual(keyOf(value), keyOf(item))))
    .map((item) => ({ [mergeKey]: keyOf(item), [PATCH_DIRECTIVE]: 'delete' }));
  setField(patch, key, [...items, ...deletions]);
  setField(
    patch,
    `${SET_ELEMENT_ORDER_PREFIX}${key}`,
    applied.map((item) => ({ [mergeKey]: keyOf(item) })),
  );
}
