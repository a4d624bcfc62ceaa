import { isSpecial, type Cond, type Node, type NodeMap, type Path, type Ref, type Special } from './ir.ts';

/**
 * Writes a manifest description as a Helm (Go) template. The template uses only `if`/`else`/
 * `range`/`end` actions with `{{-` trimming, the functions `quote`, `print`, `toYaml`,
 * `nindent`, `int`, `eq`, `gt`, `not`, `and` and `or`, and `$` for the root inside `range`: the
 * narrow subset whose meaning is plain, and the one `test/deploy/go-template.ts` renders to
 * check the emitted text against `evaluate.ts`.
 */

interface Context {
  /** Inside `range`: values are reached through `$`. */
  readonly inRange: boolean;
}

const TOP: Context = { inRange: false };

/** The text of one template file: its documents, each behind `---`. */
export function emitTemplateFile(documents: readonly Node[], header: string): string {
  const lines = [header];
  for (const document of documents) lines.push(...emitDocument(document, TOP));
  return `${lines.join('\n')}\n`;
}

function emitDocument(node: Node, ctx: Context): string[] {
  if (isSpecial(node) && node.node === 'when') {
    const lines = [`{{- if ${condition(node.cond, ctx)} }}`, ...emitDocument(node.then, ctx)];
    if (node.else !== undefined) lines.push('{{- else }}', ...emitDocument(node.else, ctx));
    return [...lines, '{{- end }}'];
  }
  if (isSpecial(node) && node.node === 'each')
    return [
      `{{- range ${expression(node.path, ctx)} }}`,
      ...emitDocument(node.item, { inRange: true }),
      '{{- end }}',
    ];
  if (!isPlainMap(node)) throw new Error('a document is a map, possibly behind when or each');
  return ['---', ...emitMapEntries(node, '', ctx)];
}

function emitMapEntries(map: NodeMap, indent: string, ctx: Context): string[] {
  const lines: string[] = [];
  for (const [key, node] of Object.entries(map)) {
    if (isSpecial(node) && node.node === 'merge') {
      if ('path' in node) lines.push(...yamlBlock(node.path, indent, ctx));
      else
        lines.push(
          `${indent}{{- if ${condition(node.cond, ctx)} }}`,
          ...emitMapEntries(node.entries, indent, ctx),
          `${indent}{{- end }}`,
        );
    } else if (isSpecial(node) && node.node === 'when') {
      lines.push(
        `${indent}{{- if ${condition(node.cond, ctx)} }}`,
        ...emitEntry(key, node.then, indent, ctx),
      );
      if (node.else !== undefined)
        lines.push(`${indent}{{- else }}`, ...emitEntry(key, node.else, indent, ctx));
      lines.push(`${indent}{{- end }}`);
    } else {
      lines.push(...emitEntry(key, node, indent, ctx));
    }
  }
  return lines;
}

/** `{{- toYaml P | nindent N }}` behind an `if`, so that an empty value writes nothing. */
function yamlBlock(path: Path, indent: string, ctx: Context): string[] {
  const value = expression(path, ctx);
  return [
    `${indent}{{- if ${value} }}`,
    `${indent}{{- toYaml ${value} | nindent ${indent.length} }}`,
    `${indent}{{- end }}`,
  ];
}

function emitEntry(key: string, node: Node, indent: string, ctx: Context): string[] {
  const head = `${indent}${formatKey(key)}:`;
  if (isScalarLike(node)) return [`${head} ${scalar(node, ctx)}`];
  if (isSpecial(node) && node.node === 'yaml')
    return [head, `${indent}  {{- toYaml ${expression(node.path, ctx)} | nindent ${indent.length + 2} }}`];
  if (Array.isArray(node)) {
    const list = node as readonly Node[];
    return list.length === 0 ? [`${head} []`] : [head, ...emitListItems(list, `${indent}  `, ctx)];
  }
  if (isPlainMap(node)) {
    return Object.keys(node).length === 0
      ? [`${head} {}`]
      : [head, ...emitMapEntries(node, `${indent}  `, ctx)];
  }
  throw new Error(`key ${key}: a ${(node as Special).node} node cannot be a map value`);
}

function emitListItems(list: readonly Node[], indent: string, ctx: Context): string[] {
  const lines: string[] = [];
  for (const item of list) {
    if (isSpecial(item) && item.node === 'each')
      lines.push(
        `${indent}{{- range ${expression(item.path, ctx)} }}`,
        ...emitListItems([item.item], indent, { inRange: true }),
        `${indent}{{- end }}`,
      );
    else if (isSpecial(item) && item.node === 'splice') lines.push(...yamlBlock(item.path, indent, ctx));
    else if (isSpecial(item) && item.node === 'when') {
      lines.push(
        `${indent}{{- if ${condition(item.cond, ctx)} }}`,
        ...emitListItems([item.then], indent, ctx),
      );
      if (item.else !== undefined)
        lines.push(`${indent}{{- else }}`, ...emitListItems([item.else], indent, ctx));
      lines.push(`${indent}{{- end }}`);
    } else lines.push(...emitItem(item, indent, ctx));
  }
  return lines;
}

function emitItem(node: Node, indent: string, ctx: Context): string[] {
  if (isScalarLike(node)) return [`${indent}- ${scalar(node, ctx)}`];
  if (!isPlainMap(node)) throw new Error('a list item is a scalar or a map');
  if (Object.keys(node).length === 0) return [`${indent}- {}`];
  const lines = emitMapEntries(node, `${indent}  `, ctx);
  // `- key: value` when the first line is an entry; a bare `-` when it is an action.
  if (lines[0]!.trimStart().startsWith('{{')) return [`${indent}-`, ...lines];
  return [`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1)];
}

function isPlainMap(node: Node): node is NodeMap {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !isSpecial(node);
}

function isScalarLike(node: Node): boolean {
  if (node === null || typeof node !== 'object') return true;
  return isSpecial(node) && (node.node === 'ref' || node.node === 'concat');
}

function scalar(node: Node, ctx: Context): string {
  if (isSpecial(node) && node.node === 'ref') {
    const value = expression(node.path, ctx);
    return node.quote ? `{{ ${value} | quote }}` : `{{ ${value} }}`;
  }
  if (isSpecial(node) && node.node === 'concat') {
    const parts = node.parts.map((part) =>
      typeof part === 'string' ? goString(part) : refExpression(part, ctx),
    );
    return `{{ print ${parts.join(' ')} | quote }}`;
  }
  return literal(node as string | number | boolean | null);
}

function refExpression(ref: Ref, ctx: Context): string {
  return expression(ref.path, ctx);
}

/** `.Values.a`, `$.Values.a` inside `range`, or `.` for the element. */
function expression(path: Path, ctx: Context): string {
  if (path === '.') return '.';
  return `${ctx.inRange ? '$' : ''}.${path}`;
}

function condition(cond: Cond, ctx: Context): string {
  const wrap = (inner: Cond) =>
    inner.op === 'truthy' ? condition(inner, ctx) : `(${condition(inner, ctx)})`;
  switch (cond.op) {
    case 'truthy':
      return expression(cond.path, ctx);
    case 'eq':
      return `eq ${expression(cond.path, ctx)} ${goString(cond.value)}`;
    case 'gt':
      return `gt (int ${expression(cond.path, ctx)}) ${cond.value}`;
    case 'not':
      return `not ${wrap(cond.cond)}`;
    case 'and':
    case 'or':
      return `${cond.op} ${cond.conds.map(wrap).join(' ')}`;
  }
}

/** A Go string literal (JSON's escapes are Go's for the characters we use). */
function goString(text: string): string {
  return JSON.stringify(text);
}

const PLAIN = /^[A-Za-z0-9_./-]+$/;
const AMBIGUOUS = /^(true|false|yes|no|on|off|null|~|y|n|[-+]?[0-9.]+(e[-+]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+)$/i;

function literal(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  if (value.includes('{{')) throw new Error(`a literal may not contain "{{": ${value}`);
  return PLAIN.test(value) && !AMBIGUOUS.test(value) && !value.startsWith('-')
    ? value
    : JSON.stringify(value);
}

function formatKey(key: string): string {
  return literal(key);
}
