/**
 * A small subset of gjson (the path language ESO uses for `remoteRef.property`), evaluated on
 * raw JSON text so that numbers and nested values keep their exact bytes:
 *
 * - components are separated by `.`; `\` makes the next character literal (`a\.b` is the key
 *   `a.b`);
 * - a component selects an object member by exact name (the first one when names repeat, as
 *   gjson does) or, on an array, an element by decimal index (`items.0`);
 * - gjson's wildcards, queries, `#`, modifiers and pipes are not supported: those characters
 *   are matched literally.
 */

export type JsonKind = 'string' | 'number' | 'object' | 'array' | 'true' | 'false' | 'null';

/** One JSON value as it is written in the source text. */
export interface JsonSpan {
  kind: JsonKind;
  raw: string;
}

/** Whether `text` is one valid JSON document. */
export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Splits a path into components; `\x` stands for a literal `x`. */
export function parseJsonPath(path: string): string[] {
  const components: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char === '\\' && i + 1 < path.length) current += path[++i];
    else if (char === '.') {
      components.push(current);
      current = '';
    } else current += char;
  }
  components.push(current);
  return components;
}

/** Escapes every `.` and `\` of a literal key so that it is one path component. */
export function escapeJsonPathComponent(key: string): string {
  return key.replace(/[\\.]/g, (char) => `\\${char}`);
}

/**
 * The value at `path` in `json`, or undefined when there is none. `json` must be valid JSON
 * (check with `isJson`); an empty path selects the whole document.
 */
export function getJsonPath(json: string, path: string): JsonSpan | undefined {
  let start = skipWhitespace(json, 0);
  if (path !== '') {
    for (const component of parseJsonPath(path)) {
      const next = selectChild(json, start, component);
      if (next === undefined) return undefined;
      start = next;
    }
  }
  return spanAt(json, start);
}

/**
 * The members of a JSON object in source order, each name decoded and each value as written;
 * undefined when the document is not an object. A repeated name keeps its last value.
 */
export function jsonObjectMembers(json: string): Map<string, JsonSpan> | undefined {
  const start = skipWhitespace(json, 0);
  if (json[start] !== '{') return undefined;
  const members = new Map<string, JsonSpan>();
  for (const member of objectMembers(json, start)) members.set(member.name, spanAt(json, member.valueStart));
  return members;
}

/**
 * gjson's `Result.String()`, which ESO returns for a property: a string unquoted, an integer
 * as written, any other number in plain decimal form, `true`/`false`, `null` as the empty
 * string, objects and arrays as written.
 */
export function jsonSpanText(span: JsonSpan): string {
  switch (span.kind) {
    case 'string':
      return JSON.parse(span.raw) as string;
    case 'number':
      return /^-?\d+$/.test(span.raw) ? span.raw : plainNumber(span.raw);
    case 'null':
      return '';
    default:
      return span.raw;
  }
}

function plainNumber(raw: string): string {
  const value = Number(raw);
  if (!Number.isFinite(value)) return raw;
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent] = match;
  const digits = whole! + fraction;
  const point = whole!.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function skipWhitespace(text: string, index: number): number {
  while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  return index;
}

function kindAt(text: string, index: number): JsonKind {
  const char = text[index];
  if (char === '"') return 'string';
  if (char === '{') return 'object';
  if (char === '[') return 'array';
  if (char === 't') return 'true';
  if (char === 'f') return 'false';
  if (char === 'n') return 'null';
  return 'number';
}

function spanAt(text: string, start: number): JsonSpan {
  return { kind: kindAt(text, start), raw: text.slice(start, valueEnd(text, start)) };
}

/** The index just past the (valid) value that starts at `start`. */
function valueEnd(text: string, start: number): number {
  const char = text[start];
  if (char === '"') return stringEnd(text, start);
  if (char === '{' || char === '[') return containerEnd(text, start);
  let index = start;
  while (index < text.length && !',}] \t\n\r'.includes(text[index]!)) index++;
  return index;
}

function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

function containerEnd(text: string, start: number): number {
  let depth = 0;
  let index = start;
  do {
    const char = text[index];
    if (char === '"') {
      index = stringEnd(text, index);
      continue;
    }
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    index++;
  } while (depth > 0);
  return index;
}

interface Member {
  name: string;
  valueStart: number;
}

function* objectMembers(text: string, start: number): Generator<Member> {
  let index = skipWhitespace(text, start + 1);
  while (text[index] === '"') {
    const nameEnd = stringEnd(text, index);
    const name = JSON.parse(text.slice(index, nameEnd)) as string;
    const valueStart = skipWhitespace(text, skipWhitespace(text, nameEnd) + 1);
    yield { name, valueStart };
    index = skipWhitespace(text, valueEnd(text, valueStart));
    if (text[index] === ',') index = skipWhitespace(text, index + 1);
  }
}

function* arrayElements(text: string, start: number): Generator<number> {
  let index = skipWhitespace(text, start + 1);
  while (index < text.length && text[index] !== ']') {
    yield index;
    index = skipWhitespace(text, valueEnd(text, index));
    if (text[index] === ',') index = skipWhitespace(text, index + 1);
  }
}

function selectChild(text: string, start: number, component: string): number | undefined {
  if (text[start] === '{') {
    for (const member of objectMembers(text, start)) if (member.name === component) return member.valueStart;
    return undefined;
  }
  if (text[start] === '[' && /^\d+$/.test(component)) {
    let position = 0;
    const wanted = Number(component);
    for (const elementStart of arrayElements(text, start)) if (position++ === wanted) return elementStart;
  }
  return undefined;
}
