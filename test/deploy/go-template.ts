import { stringify } from 'yaml';

/**
 * A renderer for the subset of Go templates (text/template plus Helm's and sprig's functions)
 * that `deploy/model/emit-template.ts` writes: `if`/`else`/`range`/`end`, `{{-`/`-}}` trimming,
 * pipelines, `$` and `.`, string and number literals, and the functions `quote`, `print`,
 * `toYaml`, `nindent`, `int`, `eq`, `gt`, `not`, `and`, `or`. Anything else throws, and so do
 * Go's runtime errors we can meet (a field of nil, comparing a string with a number), so that a
 * template that would not render in Helm does not render here either.
 */

export interface TemplateData {
  Values: unknown;
  Release: { Name: string; Namespace: string };
}

type Expr =
  | { type: 'field'; fromRoot: boolean; names: string[] }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'call'; name: string; args: Expr[] }
  | { type: 'pipeline'; commands: Expr[] };

type TemplateNode =
  | { type: 'text'; text: string }
  | { type: 'output'; pipeline: Expr }
  | { type: 'if'; pipeline: Expr; then: TemplateNode[]; else: TemplateNode[] }
  | { type: 'range'; pipeline: Expr; body: TemplateNode[] };

interface Token {
  kind: 'text' | 'action';
  value: string;
}

export function renderTemplate(template: string, data: TemplateData): string {
  const nodes = parseNodes(tokenize(template));
  return renderNodes(nodes, { root: data, dot: data });
}

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let rest = template;
  let trimNext = false;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    let text = open < 0 ? rest : rest.slice(0, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      tokens.push({ kind: 'text', value: text });
      break;
    }
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error('unclosed action');
    let inside = rest.slice(open + 2, close);
    if (inside.startsWith('- ')) {
      text = text.replace(/\s+$/, '');
      inside = inside.slice(2);
    }
    trimNext = inside.endsWith(' -');
    if (trimNext) inside = inside.slice(0, -2);
    tokens.push({ kind: 'text', value: text }, { kind: 'action', value: inside.trim() });
    rest = rest.slice(close + 2);
  }
  return tokens;
}

function parseNodes(tokens: Token[]): TemplateNode[] {
  let position = 0;
  const block = (terminators: string[]): { nodes: TemplateNode[]; end: string } => {
    const nodes: TemplateNode[] = [];
    while (position < tokens.length) {
      const token = tokens[position++]!;
      if (token.kind === 'text') {
        if (token.value) nodes.push({ type: 'text', text: token.value });
        continue;
      }
      const [keyword, ...words] = token.value.split(/\s+/);
      const rest = words.join(' ');
      if (terminators.includes(token.value)) return { nodes, end: token.value };
      if (keyword === 'if') {
        const then = block(['else', 'end']);
        const otherwise = then.end === 'else' ? block(['end']).nodes : [];
        nodes.push({ type: 'if', pipeline: parsePipeline(rest), then: then.nodes, else: otherwise });
      } else if (keyword === 'range') {
        nodes.push({ type: 'range', pipeline: parsePipeline(rest), body: block(['end']).nodes });
      } else if (['else', 'end', 'with', 'define', 'template', 'block'].includes(keyword!)) {
        throw new Error(`unsupported or misplaced action {{ ${token.value} }}`);
      } else nodes.push({ type: 'output', pipeline: parsePipeline(token.value) });
    }
    if (terminators.length > 0) throw new Error(`missing {{ ${terminators.join(' or ')} }}`);
    return { nodes, end: '' };
  };
  return block([]).nodes;
}

const LEXEME =
  /\s*("(?:[^"\\]|\\.)*"|\(|\)|\||-?\d+(?:\.\d+)?|\$?(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\$|\.|[A-Za-z_][A-Za-z0-9_]*)/y;

function lex(text: string): string[] {
  const out: string[] = [];
  LEXEME.lastIndex = 0;
  while (LEXEME.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(LEXEME.lastIndex))) break;
    const match = LEXEME.exec(text);
    if (!match) throw new Error(`cannot read "${text.slice(LEXEME.lastIndex)}"`);
    out.push(match[1]!);
  }
  return out;
}

function parsePipeline(text: string): Expr {
  const lexemes = lex(text);
  let position = 0;
  const pipeline = (): Expr => {
    const commands: Expr[] = [command()];
    while (lexemes[position] === '|') {
      position += 1;
      commands.push(command());
    }
    return commands.length === 1 ? commands[0]! : { type: 'pipeline', commands };
  };
  const command = (): Expr => {
    const operands: Expr[] = [];
    while (position < lexemes.length && lexemes[position] !== '|' && lexemes[position] !== ')')
      operands.push(operand());
    const [first, ...args] = operands;
    if (!first) throw new Error(`empty command in "${text}"`);
    if (first.type === 'call') return { type: 'call', name: first.name, args };
    if (args.length > 0) throw new Error(`"${text}": a value cannot take arguments`);
    return first;
  };
  const operand = (): Expr => {
    const lexeme = lexemes[position++]!;
    if (lexeme === '(') {
      const inner = pipeline();
      if (lexemes[position++] !== ')') throw new Error(`missing ) in "${text}"`);
      return inner;
    }
    if (lexeme.startsWith('"')) return { type: 'string', value: JSON.parse(lexeme) as string };
    if (/^-?\d/.test(lexeme)) return { type: 'number', value: Number(lexeme) };
    if (lexeme === '.' || lexeme === '$' || lexeme.startsWith('.') || lexeme.startsWith('$.'))
      return {
        type: 'field',
        fromRoot: lexeme.startsWith('$'),
        names: lexeme.replace(/^\$/, '').split('.').filter(Boolean),
      };
    if (!(lexeme in FUNCTIONS)) throw new Error(`unknown function ${lexeme}`);
    return { type: 'call', name: lexeme, args: [] };
  };
  const result = pipeline();
  if (position !== lexemes.length) throw new Error(`unexpected "${lexemes[position]}" in "${text}"`);
  return result;
}

interface Scope {
  root: unknown;
  dot: unknown;
}

function renderNodes(nodes: TemplateNode[], scope: Scope): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'output') out += printValue(evaluate(node.pipeline, scope, NO_ARGUMENT));
    else if (node.type === 'if')
      out += renderNodes(isTrue(evaluate(node.pipeline, scope, NO_ARGUMENT)) ? node.then : node.else, scope);
    else {
      const items = evaluate(node.pipeline, scope, NO_ARGUMENT);
      for (const item of rangeItems(items)) out += renderNodes(node.body, { ...scope, dot: item });
    }
  }
  return out;
}

const NO_ARGUMENT = Symbol('none');

function evaluate(expr: Expr, scope: Scope, piped: unknown): unknown {
  switch (expr.type) {
    case 'string':
    case 'number':
      return expr.value;
    case 'field':
      return field(expr.fromRoot ? scope.root : scope.dot, expr.names);
    case 'pipeline': {
      let value: unknown = NO_ARGUMENT;
      for (const command of expr.commands) value = evaluate(command, scope, value);
      return value;
    }
    case 'call': {
      const args = expr.args.map((arg) => evaluate(arg, scope, NO_ARGUMENT));
      if (piped !== NO_ARGUMENT) args.push(piped);
      return FUNCTIONS[expr.name]!(...args);
    }
  }
}

function field(start: unknown, names: string[]): unknown {
  let current = start;
  for (const name of names) {
    if (current === undefined || current === null)
      throw new Error(`nil pointer evaluating .${names.join('.')}`);
    if (typeof current !== 'object' || Array.isArray(current))
      throw new Error(`can't evaluate field ${name} in ${typeof current}`);
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

function rangeItems(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'object')
    return Object.keys(value)
      .sort()
      .map((key) => (value as Record<string, unknown>)[key]);
  throw new Error(`range can't iterate over ${String(value)}`);
}

export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** fmt's %v for the values a template prints; Helm writes a missing value as nothing. */
function printValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') throw new Error('printing a map or list: use toYaml');
  return String(value);
}

function kindOf(value: unknown): string {
  return value === undefined || value === null ? 'nil' : typeof value;
}

function compare(name: string, a: unknown, b: unknown): void {
  if (kindOf(a) !== kindOf(b)) throw new Error(`${name}: incompatible types for comparison`);
}

const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  quote: (...args) =>
    args
      .filter((arg) => arg !== undefined && arg !== null)
      .map((arg) => JSON.stringify(typeof arg === 'string' ? arg : printValue(arg)))
      .join(' '),
  // fmt.Sprint: a space between operands when neither is a string.
  print: (...args) =>
    args
      .map((arg, index) => {
        const spaced = index > 0 && typeof arg !== 'string' && typeof args[index - 1] !== 'string';
        return (spaced ? ' ' : '') + (arg === undefined || arg === null ? '<nil>' : printValue(arg));
      })
      .join(''),
  toYaml: (value) =>
    stringify(value ?? null, { sortMapEntries: true, lineWidth: 0, indentSeq: false }).replace(/\n$/, ''),
  nindent: (spaces, text) => {
    const pad = ' '.repeat(Number(spaces));
    return `\n${String(text)
      .split('\n')
      .map((line) => pad + line)
      .join('\n')}`;
  },
  int: (value) => (value === undefined || value === null ? 0 : Math.trunc(Number(value))),
  eq: (a, b) => {
    compare('eq', a, b);
    return a === b;
  },
  gt: (a, b) => {
    if (typeof a !== 'number' || typeof b !== 'number') throw new Error('gt: compares numbers only');
    return a > b;
  },
  not: (value) => !isTrue(value),
  and: (...args) => args.find((arg) => !isTrue(arg)) ?? args.at(-1),
  or: (...args) => args.find((arg) => isTrue(arg)) ?? args.at(-1),
};
