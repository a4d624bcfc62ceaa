/**
 * Parser of Kubernetes JSONPath (client-go `util/jsonpath`), the dialect of CRD
 * `additionalPrinterColumns[].jsonPath` and `kubectl -o jsonpath`. It follows the upstream
 * grammar, quirks included: inside brackets only single-quoted keys are keys, and dots in them
 * still need a backslash (`['app\.kubernetes\.io/name']`), as the real server requires.
 * Templates (`{range}`, text between actions) are not supported.
 */

export type FilterOperator = '==' | '!=' | '<' | '>' | '<=' | '>=' | 'exists';

export type JsonPathNode =
  /** A map key; the empty name selects the value itself. */
  | { type: 'field'; name: string }
  /** `.*`: every value of a map or element of an array. */
  | { type: 'wildcard' }
  /** `..`: the value and every map or array below it. */
  | { type: 'recursive' }
  /** `[start:end:step]`, `[n]`, `[*]`; an absent bound is undefined. */
  | { type: 'slice'; start?: number; end?: number; endDerived: boolean; step?: number }
  | { type: 'union'; branches: JsonPathNode[][] }
  | { type: 'filter'; operator: FilterOperator; left: JsonPathNode[]; right: JsonPathNode[] }
  | { type: 'literal'; value: string | number | boolean };

/** A malformed JSONPath expression. `code` is permanent; the message names the problem. */
export class JsonPathSyntaxError extends Error {
  readonly code = 'InvalidJSONPath';
  readonly expression: string;

  constructor(expression: string, problem: string) {
    super(`invalid JSONPath expression ${JSON.stringify(expression)}: ${problem}`);
    this.name = 'JsonPathSyntaxError';
    this.expression = expression;
  }
}

interface Cursor {
  text: string;
  pos: number;
  /** The whole expression, for error messages. */
  expression: string;
}

const TERMINATORS = new Set([' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}']);
const OPERATORS = new Set<string>(['==', '!=', '<', '>', '<=', '>=']);
const DICT_KEY = /^'([^']*)'$/;
const SLICE = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const COMPARISON = /^([^!<>=]+)([!<>=]+)(.+?)$/s;

/**
 * Parses an expression such as `.status.conditions[?(@.type=="Ready")].reason` into its steps.
 * One enclosing `{…}` is accepted and removed. Throws a JsonPathSyntaxError when malformed.
 */
export function parseJsonPath(expression: string): JsonPathNode[] {
  let text = expression.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new JsonPathSyntaxError(expression, 'unclosed action');
    text = text.slice(1, -1);
  }
  if (text.trim() === '') throw new JsonPathSyntaxError(expression, 'empty expression');
  return parseList(text, expression);
}

function parseList(text: string, expression: string): JsonPathNode[] {
  const cursor: Cursor = { text, pos: 0, expression };
  const nodes: JsonPathNode[] = [];
  while (cursor.pos < text.length) nodes.push(...parseStep(cursor));
  return nodes;
}

function fail(cursor: Cursor, problem: string): never {
  throw new JsonPathSyntaxError(cursor.expression, problem);
}

function parseStep(cursor: Cursor): JsonPathNode[] {
  const char = cursor.text[cursor.pos]!;
  if (char === ' ' || char === '@' || char === '$') {
    cursor.pos++;
    return [];
  }
  if (cursor.text.startsWith('[?(', cursor.pos)) return [parseFilter(cursor)];
  if (char === '[') return parseBracket(cursor);
  if (char === '"' || char === "'") return [parseQuoted(cursor)];
  if (char === '.') return [parseDot(cursor)];
  if (char === '+' || char === '-' || /\d/.test(char)) return [parseNumber(cursor)];
  if (/[\p{L}\p{Nd}_]/u.test(char)) return [parseIdentifier(cursor)];
  return fail(cursor, `unrecognized character ${JSON.stringify(char)} at position ${cursor.pos}`);
}

/** `.name`, `.*`, or the first dot of `..`. Backslashes escape terminators and are dropped. */
function parseDot(cursor: Cursor): JsonPathNode {
  cursor.pos++;
  if (cursor.text[cursor.pos] === '.') return { type: 'recursive' };
  const start = cursor.pos;
  while (cursor.pos < cursor.text.length) {
    const char = cursor.text[cursor.pos]!;
    if (char === '\\') cursor.pos += 2;
    else if (TERMINATORS.has(char)) break;
    else cursor.pos++;
  }
  const raw = cursor.text.slice(start, Math.min(cursor.pos, cursor.text.length));
  if (raw === '*') return { type: 'wildcard' };
  return { type: 'field', name: raw.replaceAll('\\', '') };
}

/** `[…]` without a filter: a union, a quoted key, or an index/slice. */
function parseBracket(cursor: Cursor): JsonPathNode[] {
  const close = cursor.text.indexOf(']', cursor.pos);
  if (close < 0) return fail(cursor, 'unterminated array');
  let inner = cursor.text.slice(cursor.pos + 1, close);
  cursor.pos = close + 1;
  if (inner === '*') inner = ':';
  const parts = inner.split(',');
  if (parts.length > 1) {
    const branches = parts.map((part) => parseList(`[${part.trim()}]`, cursor.expression));
    return [{ type: 'union', branches }];
  }
  const key = DICT_KEY.exec(inner);
  if (key) return parseList(`.${key[1]}`, cursor.expression);
  return [parseSlice(cursor, inner)];
}

function sliceBound(cursor: Cursor, text: string): number {
  if (!/^-?\d+$/.test(text)) return fail(cursor, `array index ${text} is not a number`);
  return Number(text);
}

function parseSlice(cursor: Cursor, inner: string): JsonPathNode {
  const match = SLICE.exec(inner);
  if (!match) return fail(cursor, `invalid array index ${inner}`);
  const [, startText = '', endText, stepText] = match;
  const start = startText === '' ? undefined : sliceBound(cursor, startText);
  if (endText === undefined) {
    return { type: 'slice', start, end: (start ?? 0) + 1, endDerived: true, step: undefined };
  }
  const end = endText.length > 1 ? sliceBound(cursor, endText.slice(1)) : undefined;
  const step = stepText && stepText.length > 1 ? sliceBound(cursor, stepText.slice(1)) : undefined;
  return { type: 'slice', start, end, endDerived: false, step };
}

/** Scans to the `)` that closes a filter, skipping one quoted string. Returns its position. */
function filterEnd(cursor: Cursor): number {
  let quote: string | undefined;
  let closed = false;
  for (let pos = cursor.pos; pos < cursor.text.length; pos++) {
    const char = cursor.text[pos]!;
    if (char === '\n') break;
    if (char === '"' || char === "'") {
      if (quote === undefined) quote = char;
      else if (char === quote && cursor.text[pos - 1] !== '\\') closed = true;
    } else if (char === ')' && (quote !== undefined) === closed) {
      return pos;
    }
  }
  return fail(cursor, 'unterminated filter');
}

/** `[?(@.field OP value)]` or `[?(@.field)]` (exists). */
function parseFilter(cursor: Cursor): JsonPathNode {
  cursor.pos += 3;
  const close = filterEnd(cursor);
  if (cursor.text[close + 1] !== ']') return fail(cursor, 'unclosed filter: expected ]');
  const inner = cursor.text.slice(cursor.pos, close);
  cursor.pos = close + 2;
  const comparison = COMPARISON.exec(inner);
  if (!comparison)
    return { type: 'filter', operator: 'exists', left: parseList(inner, cursor.expression), right: [] };
  const [, left = '', operator = '', right = ''] = comparison;
  if (!OPERATORS.has(operator)) return fail(cursor, `unrecognized filter operator ${operator}`);
  return {
    type: 'filter',
    operator: operator as FilterOperator,
    left: parseList(left, cursor.expression),
    right: parseList(right, cursor.expression),
  };
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

function unescape(cursor: Cursor, raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_, escape: string) => {
    if (escape.length > 1) return String.fromCharCode(parseInt(escape.slice(1), 16));
    const replacement = ESCAPES[escape];
    return replacement ?? fail(cursor, `invalid escape \\${escape} in quoted string`);
  });
}

/** A quoted string literal (`"Ready"` or `'Ready'`). */
function parseQuoted(cursor: Cursor): JsonPathNode {
  const quote = cursor.text[cursor.pos]!;
  const start = cursor.pos + 1;
  let pos = start;
  while (cursor.text[pos] !== quote) {
    if (pos >= cursor.text.length || cursor.text[pos] === '\n')
      return fail(cursor, 'unterminated quoted string');
    pos += cursor.text[pos] === '\\' ? 2 : 1;
  }
  cursor.pos = pos + 1;
  return { type: 'literal', value: unescape(cursor, cursor.text.slice(start, pos)) };
}

function parseNumber(cursor: Cursor): JsonPathNode {
  const text = /^[-+.eE\d]+/.exec(cursor.text.slice(cursor.pos))![0];
  cursor.pos += text.length;
  const isInteger = /^[-+]?\d+$/.test(text);
  const value = Number(text);
  if ((!isInteger && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) || !Number.isFinite(value)) {
    return fail(cursor, `cannot parse number ${text}`);
  }
  return { type: 'literal', value };
}

/** `true` or `false`; any other bare word is an error (`range`/`end` templates included). */
function parseIdentifier(cursor: Cursor): JsonPathNode {
  const word = /^[\p{L}\p{Nd}_]+/u.exec(cursor.text.slice(cursor.pos))![0];
  cursor.pos += word.length;
  if (word === 'true' || word === 'false') return { type: 'literal', value: word === 'true' };
  return fail(cursor, `unrecognized identifier ${word}`);
}
