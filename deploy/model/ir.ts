/**
 * The small language the manifests are written in, so that one description yields both the
 * plain manifests (kustomize) and the Helm chart's templates. A manifest is ordinary JSON-like
 * data in which a few marked nodes stand for what depends on the chart's values:
 *
 * - `ref(path)`: a scalar from the values (`Values.image.tag`), the release (`Release.Name`) or,
 *   inside `each`, the current element (`.`);
 * - `concat(...)`: a string built from literals and refs;
 * - `yamlOf(path)`: a whole structure from the values (`toYaml` in the template);
 * - `when(cond, then, else?)`: a map entry, list item or document present only when `cond`
 *   holds (or `else` instead);
 * - `each(path, item)`: one list item or document per element of a list value;
 * - `splice(path)`: a list value's elements inserted into a list;
 * - `merge(path | cond+map)`: a map value's (or a conditional map's) entries merged into a map.
 *
 * `evaluate.ts` turns a node into plain data for given values; `emit-template.ts` writes it as
 * a Go template that Helm renders to the same data. Both read only these shapes.
 */

export const SPECIAL = Symbol('kvsync.deploy.special');

/** `Values.a.b`, `Release.Name`, `Release.Namespace`, or `.` (the current `each` element). */
export type Path = string;

export type Cond =
  | { op: 'truthy'; path: Path }
  | { op: 'eq'; path: Path; value: string }
  | { op: 'gt'; path: Path; value: number }
  | { op: 'not'; cond: Cond }
  | { op: 'and' | 'or'; conds: Cond[] };

/** A scalar from the values; strings are quoted in the template, numbers and booleans are not. */
export interface Ref {
  readonly [SPECIAL]: true;
  readonly node: 'ref';
  readonly path: Path;
  readonly quote: boolean;
}

export interface Concat {
  readonly [SPECIAL]: true;
  readonly node: 'concat';
  readonly parts: ReadonlyArray<string | Ref>;
}

export interface YamlOf {
  readonly [SPECIAL]: true;
  readonly node: 'yaml';
  readonly path: Path;
}

export interface When {
  readonly [SPECIAL]: true;
  readonly node: 'when';
  readonly cond: Cond;
  readonly then: Node;
  readonly else?: Node;
}

export interface Each {
  readonly [SPECIAL]: true;
  readonly node: 'each';
  readonly path: Path;
  readonly item: Node;
}

export interface Splice {
  readonly [SPECIAL]: true;
  readonly node: 'splice';
  readonly path: Path;
}

/** Entries merged into the enclosing map: a map value's, or `entries` when `cond` holds. */
export type Merge =
  | { readonly [SPECIAL]: true; readonly node: 'merge'; readonly path: Path }
  | { readonly [SPECIAL]: true; readonly node: 'merge'; readonly cond: Cond; readonly entries: NodeMap };

export type Special = Ref | Concat | YamlOf | When | Each | Splice | Merge;
export type Scalar = string | number | boolean | null;
export interface NodeMap {
  readonly [key: string]: Node;
}
export type Node = Scalar | Special | readonly Node[] | NodeMap;

export function isSpecial(node: unknown): node is Special {
  return typeof node === 'object' && node !== null && SPECIAL in node;
}

/** A string value (quoted in the template). */
export const str = (path: Path): Ref => ({ [SPECIAL]: true, node: 'ref', path, quote: true });
/** A number or boolean value (unquoted in the template). */
export const num = (path: Path): Ref => ({ [SPECIAL]: true, node: 'ref', path, quote: false });
/** `Values.<path>`, as a string. */
export const value = (path: string): Ref => str(`Values.${path}`);
export const concat = (...parts: Array<string | Ref>): Concat => ({ [SPECIAL]: true, node: 'concat', parts });
export const yamlOf = (path: string): YamlOf => ({ [SPECIAL]: true, node: 'yaml', path: `Values.${path}` });
export const when = (cond: Cond, then: Node, otherwise?: Node): When =>
  otherwise === undefined
    ? { [SPECIAL]: true, node: 'when', cond, then }
    : { [SPECIAL]: true, node: 'when', cond, then, else: otherwise };
export const each = (path: string, item: Node): Each => ({
  [SPECIAL]: true,
  node: 'each',
  path: `Values.${path}`,
  item,
});
export const splice = (path: string): Splice => ({ [SPECIAL]: true, node: 'splice', path: `Values.${path}` });
export const mergeValue = (path: string): Merge => ({
  [SPECIAL]: true,
  node: 'merge',
  path: `Values.${path}`,
});
export const mergeWhen = (cond: Cond, entries: NodeMap): Merge => ({
  [SPECIAL]: true,
  node: 'merge',
  cond,
  entries,
});

/** The current element of `each`. */
export const ITEM: Ref = str('.');
export const RELEASE_NAME: Ref = str('Release.Name');
export const RELEASE_NAMESPACE: Ref = str('Release.Namespace');

export const truthy = (path: string): Cond => ({ op: 'truthy', path: `Values.${path}` });
export const equals = (path: string, expected: string): Cond => ({
  op: 'eq',
  path: `Values.${path}`,
  value: expected,
});
export const greaterThan = (path: string, limit: number): Cond => ({
  op: 'gt',
  path: `Values.${path}`,
  value: limit,
});
export const not = (cond: Cond): Cond => ({ op: 'not', cond });
export const and = (...conds: Cond[]): Cond => ({ op: 'and', conds });
export const or = (...conds: Cond[]): Cond => ({ op: 'or', conds });

/** A template file of the chart: its documents, each possibly conditional or repeated. */
export interface TemplateFile {
  /** File name under `templates/`. */
  readonly name: string;
  readonly documents: readonly Node[];
}
