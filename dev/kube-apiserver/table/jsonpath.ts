/**
 * Kubernetes JSONPath, the subset that CRD printer columns and `kubectl -o jsonpath` use:
 * `.a.b`, `['key.with.dots']`, `[0]`, `[*]`, `..name`, and filters `[?(@.type=="Ready")]`
 * with `==`, `!=`, `<`, `>`, `<=`, `>=` against strings, numbers and booleans, or `[?(@.x)]`.
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wildcard' }
  | { kind: 'recursive'; name: string }
  | { kind: 'filter'; path: string[]; operator?: string; value?: unknown };

const FILTER = /^\?\(@((?:\.[\w-]+|\['[^']*'\])*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+?))?\s*\)$/;

function parseLiteral(text: string): unknown {
  const trimmed = text.trim();
  if (/^(['"]).*\1$/.test(trimmed)) return trimmed.slice(1, -1);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  const number = Number(trimmed);
  if (!Number.isNaN(number)) return number;
  throw new Error(`unrecognized literal ${trimmed} in JSONPath filter`);
}

function filterPath(text: string): string[] {
  return [...text.matchAll(/\.([\w-]+)|\['([^']*)'\]/g)].map((m) => m[1] ?? m[2]!);
}

function parseBracket(content: string): Step {
  if (content === '*') return { kind: 'wildcard' };
  if (/^-?\d+$/.test(content)) return { kind: 'index', index: Number(content) };
  const quoted = /^(['"])(.*)\1$/.exec(content);
  if (quoted) return { kind: 'field', name: quoted[2]!.replace(/\\\./g, '.') };
  const filter = FILTER.exec(content);
  if (filter) {
    const step: Step = { kind: 'filter', path: filterPath(filter[1] ?? '') };
    if (filter[2]) {
      step.operator = filter[2];
      step.value = parseLiteral(filter[3]!);
    }
    return step;
  }
  throw new Error(`unsupported JSONPath bracket expression [${content}]`);
}

function closingBracket(text: string, open: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if ((c === ']' || c === ')') && --depth === 0 && c === ']') return i;
  }
  throw new Error(`unclosed [ in JSONPath expression ${text}`);
}

/** Parses an expression such as `{.status.conditions[?(@.type=="Ready")].status}` (braces optional). */
export function parseJsonPath(expression: string): Step[] {
  let text = expression.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('$')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('..', i)) {
      const name = /^[\w-]+/.exec(text.slice(i + 2))?.[0];
      if (!name) throw new Error(`expected a field name after .. in ${expression}`);
      steps.push({ kind: 'recursive', name });
      i += 2 + name.length;
    } else if (text[i] === '.') {
      const name = /^(?:[\w-]|\\\.)+/.exec(text.slice(i + 1))?.[0];
      if (name) steps.push({ kind: 'field', name: name.replace(/\\\./g, '.') });
      i += 1 + (name?.length ?? 0);
    } else if (text[i] === '[') {
      const end = closingBracket(text, i);
      steps.push(parseBracket(text.slice(i + 1, end).trim()));
      i = end + 1;
    } else {
      throw new Error(`unexpected character '${text[i]}' at ${i} in JSONPath expression ${expression}`);
    }
  }
  return steps;
}

function compare(actual: unknown, operator: string, expected: unknown): boolean {
  switch (operator) {
    case '==':
      return actual === expected || String(actual) === String(expected);
    case '!=':
      return !(actual === expected || String(actual) === String(expected));
    default: {
      const [a, b] = [Number(actual), Number(expected)];
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return operator === '<' ? a < b : operator === '>' ? a > b : operator === '<=' ? a <= b : a >= b;
    }
  }
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

function descendantsNamed(value: unknown, name: string, out: unknown[]): void {
  if (value && typeof value === 'object' && !Array.isArray(value) && name in value) out.push((value as Record<string, unknown>)[name]);
  for (const child of children(value)) descendantsNamed(child, name, out);
}

function lookup(value: unknown, path: string[]): unknown {
  let current = value;
  for (const name of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    if (step.kind === 'field') {
      if (value && typeof value === 'object' && !Array.isArray(value) && step.name in value) out.push((value as Record<string, unknown>)[step.name]);
    } else if (step.kind === 'index') {
      if (Array.isArray(value)) {
        const item = value[step.index < 0 ? value.length + step.index : step.index];
        if (item !== undefined) out.push(item);
      }
    } else if (step.kind === 'wildcard') out.push(...children(value));
    else if (step.kind === 'recursive') descendantsNamed(value, step.name, out);
    else {
      for (const item of Array.isArray(value) ? value : [value]) {
        const actual = lookup(item, step.path);
        const keep = step.operator ? actual !== undefined && compare(actual, step.operator, step.value) : actual !== undefined;
        if (keep) out.push(item);
      }
    }
  }
  return out;
}

/** Every value the expression selects in `object` (empty when none). Throws on a malformed expression. */
export function evaluateJsonPath(expression: string, object: unknown): unknown[] {
  return parseJsonPath(expression).reduce<unknown[]>((values, step) => applyStep(values, step), [object]);
}
