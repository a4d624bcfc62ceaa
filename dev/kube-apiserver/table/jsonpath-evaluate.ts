import { parseJsonPath, type JsonPathNode } from './jsonpath-parse.ts';

/**
 * Evaluation of parsed Kubernetes JSONPath over plain JSON, following client-go's semantics with
 * `AllowMissingKeys(true)` (what the CRD table convertor uses): a missing key selects nothing,
 * a JSON `null` is selected as a value but never walked into. Where client-go fails at run time
 * (index out of range, a filter over a map, comparing a string with a number) the whole
 * evaluation selects nothing, which is what such a failure shows in a table: an empty cell.
 */

/** A failure while walking the object; caught by evaluateJsonPath. */
class JsonPathRuntimeError extends Error {}

type JsonMap = Record<string, unknown>;

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isMap(value)) return Object.values(value);
  return [];
}

function evalField(inputs: unknown[], name: string): unknown[] {
  if (name === '') return inputs.filter((v) => v !== null && v !== undefined);
  return inputs.filter(isMap).flatMap((map) => (Object.hasOwn(map, name) ? [map[name]] : []));
}

function evalRecursive(inputs: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const value of inputs) {
    const below = children(value);
    if (below.length === 0) continue;
    out.push(value, ...evalRecursive(below));
  }
  return out;
}

function sliceBounds(node: Extract<JsonPathNode, { type: 'slice' }>, length: number): [number, number] {
  let start = node.start ?? 0;
  if (start < 0) start += length;
  let end = node.end ?? length;
  if (end < 0 || (end === 0 && node.endDerived)) end += length;
  return [start, end];
}

function evalSlice(inputs: unknown[], node: Extract<JsonPathNode, { type: 'slice' }>): unknown[] {
  const out: unknown[] = [];
  for (const value of inputs) {
    if (value === null || value === undefined) continue;
    if (!Array.isArray(value)) throw new JsonPathRuntimeError('not an array');
    const [start, end] = sliceBounds(node, value.length);
    if (start === end) continue;
    if (start < 0 || start >= value.length || end < 0 || end > value.length || start > end) {
      throw new JsonPathRuntimeError('array index out of bounds');
    }
    const step = node.step ?? 1;
    if (step <= 0) throw new JsonPathRuntimeError('step must be > 0');
    for (let i = start; i < end; i += step) out.push(value[i]);
  }
  return out;
}

/** Go template comparison: both strings, both numbers, or both booleans (== and != only). */
function compare(left: unknown, operator: string, right: unknown): boolean {
  const kind = typeof left;
  if (kind !== typeof right || !['string', 'number', 'boolean'].includes(kind)) {
    throw new JsonPathRuntimeError('incompatible types for comparison');
  }
  if (operator === '==') return left === right;
  if (operator === '!=') return left !== right;
  if (kind === 'boolean') throw new JsonPathRuntimeError('invalid type for comparison');
  const [a, b] = [left as string | number, right as string | number];
  if (operator === '<') return a < b;
  if (operator === '>') return a > b;
  if (operator === '<=') return a <= b;
  return a >= b;
}

function single(values: unknown[]): unknown {
  if (values.length > 1) throw new JsonPathRuntimeError('can only compare one element at a time');
  return values[0];
}

function keepElement(element: unknown, node: Extract<JsonPathNode, { type: 'filter' }>): boolean {
  if (node.operator === 'exists') {
    try {
      return evalList([element], node.left).length > 0;
    } catch {
      return false;
    }
  }
  const lefts = evalList([element], node.left);
  if (lefts.length === 0) return false;
  const left = single(lefts);
  const rights = evalList([element], node.right);
  if (rights.length === 0) return false;
  return compare(left, node.operator, single(rights));
}

function evalFilter(inputs: unknown[], node: Extract<JsonPathNode, { type: 'filter' }>): unknown[] {
  const out: unknown[] = [];
  for (const value of inputs) {
    if (!Array.isArray(value)) throw new JsonPathRuntimeError('only arrays can be filtered');
    out.push(...value.filter((element) => keepElement(element, node)));
  }
  return out;
}

function evalNode(inputs: unknown[], node: JsonPathNode): unknown[] {
  switch (node.type) {
    case 'field':
      return evalField(inputs, node.name);
    case 'wildcard':
      return inputs.flatMap(children);
    case 'recursive':
      return evalRecursive(inputs);
    case 'slice':
      return evalSlice(inputs, node);
    case 'union':
      return node.branches.flatMap((branch) => evalList(inputs, branch));
    case 'filter':
      return evalFilter(inputs, node);
    case 'literal':
      return inputs.map(() => node.value);
  }
}

function evalList(inputs: unknown[], nodes: JsonPathNode[]): unknown[] {
  return nodes.reduce((values, node) => evalNode(values, node), inputs);
}

/**
 * Every value `expression` selects in `object`, in document order; an empty array when nothing
 * matches or the walk fails (see the module comment). A selected JSON `null` is returned as
 * `null`. Throws a JsonPathSyntaxError (code `InvalidJSONPath`) when the expression is malformed.
 */
export function evaluateJsonPath(expression: string, object: unknown): unknown[] {
  return evaluateParsedJsonPath(parseJsonPath(expression), object);
}

/** evaluateJsonPath for an expression parsed once with parseJsonPath; never throws. */
export function evaluateParsedJsonPath(nodes: JsonPathNode[], object: unknown): unknown[] {
  try {
    return evalList([object], nodes);
  } catch (error) {
    if (error instanceof JsonPathRuntimeError) return [];
    throw error;
  }
}
