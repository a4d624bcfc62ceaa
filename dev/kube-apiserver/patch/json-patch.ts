import { cloneJson, getField, hasField, isJsonObject, jsonEqual, setField } from './json-value.ts';
import type { JsonObject } from './json-value.ts';
import { formatPointer, parseArrayIndex, parsePointer } from './json-pointer.ts';
import { malformedPatch, patchNotApplicable } from './patch-errors.ts';

/** RFC 6902 JSON Patch (`application/json-patch+json`). */

const OPERATION_NAMES = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
type OperationName = (typeof OPERATION_NAMES)[number];

interface Operation {
  op: OperationName;
  path: string[];
  from: string[];
  value: unknown;
}

/**
 * Applies an RFC 6902 patch to `document` and returns the patched copy; `document` and
 * `operations` are never mutated. Operations run in order and the patch is all-or-nothing.
 *
 * Throws `KubeStatusError` 400 BadRequest when `operations` is not a list of well-formed
 * operations (unknown `op`, missing `path`/`from`/`value`, pointer syntax), and 422 Invalid when
 * a well-formed operation does not apply: a failed `test`, a path or `from` that does not exist,
 * an array index out of range, or a `move` into its own child.
 */
export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  const parsed = parseOperations(operations);
  let root = cloneJson(document);
  for (const operation of parsed) root = applyOperation(root, operation);
  return root;
}

function parseOperations(operations: unknown): Operation[] {
  if (!Array.isArray(operations)) {
    throw malformedPatch('a JSON patch must be a JSON array of operations');
  }
  return operations.map((raw: unknown, index) => parseOperation(raw, index));
}

function parseOperation(raw: unknown, index: number): Operation {
  if (!isJsonObject(raw)) throw malformedPatch(`operation ${index} is not a JSON object`);
  const op = getField(raw, 'op');
  if (typeof op !== 'string' || !(OPERATION_NAMES as readonly string[]).includes(op)) {
    throw malformedPatch(`operation ${index} has unsupported op ${JSON.stringify(op)}`);
  }
  const name = op as OperationName;
  const path = pointerField(raw, 'path', index);
  const needsFrom = name === 'move' || name === 'copy';
  const from = needsFrom ? pointerField(raw, 'from', index) : [];
  const needsValue = name === 'add' || name === 'replace' || name === 'test';
  if (needsValue && !hasField(raw, 'value')) {
    throw malformedPatch(`operation ${index} (${name}) has no "value"`);
  }
  return { op: name, path, from, value: getField(raw, 'value') };
}

function pointerField(raw: JsonObject, field: 'path' | 'from', index: number): string[] {
  const pointer = getField(raw, field);
  if (typeof pointer !== 'string') {
    throw malformedPatch(`operation ${index} has no string "${field}"`);
  }
  return parsePointer(pointer);
}

function applyOperation(root: unknown, operation: Operation): unknown {
  const { path, from, value } = operation;
  switch (operation.op) {
    case 'add':
      return addValue(root, path, cloneJson(value));
    case 'remove':
      removeValue(root, path);
      return root;
    case 'replace':
      return replaceValue(root, path, cloneJson(value));
    case 'move':
      return moveValue(root, from, path);
    case 'copy':
      return addValue(root, path, cloneJson(valueAt(root, from)));
    case 'test':
      if (!jsonEqual(valueAt(root, path), value)) {
        throw patchNotApplicable(`testing value ${formatPointer(path)} failed`, formatPointer(path));
      }
      return root;
  }
}

function moveValue(root: unknown, from: string[], path: string[]): unknown {
  const fromText = formatPointer(from);
  const pathText = formatPointer(path);
  if (fromText === pathText) {
    valueAt(root, from);
    return root;
  }
  if (pathText.startsWith(`${fromText}/`)) {
    throw patchNotApplicable(`cannot move ${fromText} into its own child ${pathText}`, pathText);
  }
  const value = valueAt(root, from);
  removeValue(root, from);
  return addValue(root, path, value);
}

/** The value `tokens` point at; 422 when any step is missing. */
function valueAt(root: unknown, tokens: string[]): unknown {
  let current = root;
  for (const [depth, token] of tokens.entries()) {
    current = childOf(current, token, () => formatPointer(tokens.slice(0, depth + 1)));
  }
  return current;
}

function childOf(container: unknown, token: string, describe: () => string): unknown {
  if (Array.isArray(container)) {
    const index = parseArrayIndex(token);
    if (index !== undefined && index < container.length) return container[index];
  } else if (isJsonObject(container) && hasField(container, token)) {
    return container[token];
  }
  throw patchNotApplicable(`path ${describe()} does not exist`, describe());
}

/** The container holding the last token of `tokens`, which must itself exist. */
function parentOf(root: unknown, tokens: string[]): JsonObject | unknown[] {
  const parent = valueAt(root, tokens.slice(0, -1));
  if (Array.isArray(parent) || isJsonObject(parent)) return parent;
  const text = formatPointer(tokens.slice(0, -1));
  throw patchNotApplicable(`path ${text} is neither an object nor an array`, text);
}

function addValue(root: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const parent = parentOf(root, tokens);
  const token = tokens[tokens.length - 1] as string;
  if (!Array.isArray(parent)) {
    setField(parent, token, value);
    return root;
  }
  const index = token === '-' ? parent.length : parseArrayIndex(token);
  if (index === undefined || index > parent.length) {
    throw patchNotApplicable(`array index ${formatPointer(tokens)} is out of range`, formatPointer(tokens));
  }
  parent.splice(index, 0, value);
  return root;
}

function removeValue(root: unknown, tokens: string[]): void {
  if (tokens.length === 0) throw patchNotApplicable('cannot remove the whole document');
  valueAt(root, tokens);
  const parent = parentOf(root, tokens);
  const token = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent.splice(parseArrayIndex(token) as number, 1);
  else delete parent[token];
}

function replaceValue(root: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  valueAt(root, tokens);
  const parent = parentOf(root, tokens);
  const token = tokens[tokens.length - 1] as string;
  if (Array.isArray(parent)) parent[parseArrayIndex(token) as number] = value;
  else setField(parent, token, value);
  return root;
}
