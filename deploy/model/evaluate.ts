import { isSpecial, type Cond, type Node, type NodeMap, type Path, type Special } from './ir.ts';

/**
 * Plain data from a manifest description: what Helm renders from the emitted template for the
 * same values and release. Truth follows Go templates: false, 0, "", null, empty lists and
 * empty maps are false.
 */

export interface Release {
  readonly name: string;
  readonly namespace: string;
}

export interface Scope {
  readonly root: { readonly Values: unknown; readonly Release: { Name: string; Namespace: string } };
  /** The element of the innermost `each`. */
  readonly item?: unknown;
}

export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

export function scopeOf(values: unknown, release: Release): Scope {
  return { root: { Values: values, Release: { Name: release.name, Namespace: release.namespace } } };
}

export function lookup(scope: Scope, path: Path): unknown {
  if (path === '.') return scope.item;
  let current: unknown = scope.root;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Go template truth. */
export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

export function holds(cond: Cond, scope: Scope): boolean {
  switch (cond.op) {
    case 'truthy':
      return isTrue(lookup(scope, cond.path));
    case 'eq':
      return lookup(scope, cond.path) === cond.value;
    case 'gt':
      return Math.trunc(Number(lookup(scope, cond.path) ?? 0)) > cond.value;
    case 'not':
      return !holds(cond.cond, scope);
    case 'and':
      return cond.conds.every((c) => holds(c, scope));
    case 'or':
      return cond.conds.some((c) => holds(c, scope));
  }
}

const ABSENT = Symbol('absent');

/** The node's data; undefined when a `when` without `else` does not hold. */
export function evaluate(node: Node, scope: Scope): Plain | undefined {
  const result = evaluateOne(node, scope);
  return result === ABSENT ? undefined : result;
}

/** The documents of a template file for these values (conditional ones dropped, `each` expanded). */
export function evaluateDocuments(documents: readonly Node[], scope: Scope): Plain[] {
  return evaluateList(documents, scope);
}

function evaluateOne(node: Node, scope: Scope): Plain | typeof ABSENT {
  if (isSpecial(node)) return evaluateSpecial(node, scope);
  if (Array.isArray(node)) return evaluateList(node as readonly Node[], scope);
  if (typeof node === 'object' && node !== null) return evaluateMap(node as NodeMap, scope);
  return node as Plain;
}

function evaluateSpecial(node: Special, scope: Scope): Plain | typeof ABSENT {
  switch (node.node) {
    case 'ref': {
      // `quote` writes any value as a string, and nothing for nil.
      const found = lookup(scope, node.path);
      if (!node.quote || found === undefined || found === null) return plainCopy(found);
      return typeof found === 'object' ? JSON.stringify(found) : String(found);
    }
    case 'yaml':
      return plainCopy(lookup(scope, node.path));
    case 'concat':
      return node.parts
        .map((part) => (typeof part === 'string' ? part : String(lookup(scope, part.path) ?? '')))
        .join('');
    case 'when':
      if (holds(node.cond, scope)) return evaluateOne(node.then, scope);
      return node.else === undefined ? ABSENT : evaluateOne(node.else, scope);
    case 'each':
    case 'splice':
    case 'merge':
      throw new Error(`a ${node.node} node belongs inside a list or map`);
  }
}

function evaluateList(nodes: readonly Node[], scope: Scope): Plain[] {
  const out: Plain[] = [];
  for (const node of nodes) {
    if (isSpecial(node) && node.node === 'each') {
      for (const element of asArray(lookup(scope, node.path))) {
        const value = evaluateOne(node.item, { ...scope, item: element });
        if (value !== ABSENT) out.push(value);
      }
    } else if (isSpecial(node) && node.node === 'splice') {
      out.push(...(asArray(plainCopy(lookup(scope, node.path))) as Plain[]));
    } else if (isSpecial(node) && node.node === 'when') {
      // A conditional item may itself be a splice or an each.
      const chosen = holds(node.cond, scope) ? node.then : node.else;
      if (chosen !== undefined) out.push(...evaluateList([chosen], scope));
    } else {
      const value = evaluateOne(node, scope);
      if (value !== ABSENT) out.push(value);
    }
  }
  return out;
}

function evaluateMap(map: NodeMap, scope: Scope): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  for (const [key, node] of Object.entries(map)) {
    if (isSpecial(node) && node.node === 'merge') {
      if ('path' in node) Object.assign(out, plainCopy(lookup(scope, node.path)) ?? {});
      else if (holds(node.cond, scope)) Object.assign(out, evaluateMap(node.entries, scope));
      continue;
    }
    const value = evaluateOne(node, scope);
    if (value !== ABSENT) out[key] = value;
  }
  return out;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function plainCopy(value: unknown): Plain {
  return value === undefined ? null : (structuredClone(value) as Plain);
}
