import { badRequest } from './errors.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';

/**
 * Label selectors as apimachinery's `labels.Parse` and `LabelSelectorAsSelector` read them, and
 * field selectors (re-exported from `field-selectors.ts`). Parse errors are 400 BadRequest
 * `KubeStatusError`s carrying the Go parser's wording.
 */

/** Operators in their string-form spelling (`selection.Operator`). */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement; all of a selector's requirements must hold. `values` is sorted and unique. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** `metav1.LabelSelector` as it appears in specs (Deployment, PodDisruptionBudget, …). */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

type TokenKind = 'end' | 'id' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | 'in' | 'notin' | '>' | '<';

interface Token {
  kind: TokenKind;
  text: string;
}

const SYMBOLS = new Set(['=', '!', '(', ')', ',', '>', '<']);
const SYMBOL_TOKENS = new Set(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const WHITESPACE = /[ \t\r\n]/;

function scanSymbol(text: string, start: number): { token: Token; next: number } {
  let best: Token | undefined;
  let bestEnd = start;
  let end = start;
  while (end < text.length && SYMBOLS.has(text[end]!)) {
    const candidate = text.slice(start, end + 1);
    end++;
    if (SYMBOL_TOKENS.has(candidate)) {
      best = { kind: candidate as TokenKind, text: candidate };
      bestEnd = end;
    } else if (best) break;
  }
  if (!best) {
    throw badRequest(
      `unable to parse requirement: error expected: keyword found '${text.slice(start, end)}'`,
    );
  }
  return { token: best, next: bestEnd };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  for (;;) {
    while (position < text.length && WHITESPACE.test(text[position]!)) position++;
    if (position >= text.length) break;
    if (SYMBOLS.has(text[position]!)) {
      const { token, next } = scanSymbol(text, position);
      tokens.push(token);
      position = next;
      continue;
    }
    const start = position;
    while (position < text.length && !SYMBOLS.has(text[position]!) && !WHITESPACE.test(text[position]!)) {
      position++;
    }
    const word = text.slice(start, position);
    const kind: TokenKind = word === 'in' || word === 'notin' ? word : 'id';
    tokens.push({ kind, text: word });
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** Recursive-descent reader over the tokens; `in`/`notin` read as identifiers where values go. */
class LabelSelectorReader {
  private readonly tokens: Token[];
  private position = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(asValue = true): Token {
    return valueContext(this.tokens[this.position]!, asValue);
  }

  private take(asValue = true): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return valueContext(token, asValue);
  }

  readAll(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const next = this.peek();
      if (next.kind === 'end') return requirements;
      if (next.kind !== 'id' && next.kind !== '!') {
        throw parseError(`found '${next.text}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.readRequirement());
      const separator = this.take();
      if (separator.kind === 'end') return requirements;
      if (separator.kind !== ',') {
        throw parseError(`found '${separator.text}', expected: ',' or 'end of string'`);
      }
      const following = this.peek();
      if (following.kind !== 'id' && following.kind !== '!') {
        throw parseError(`found '${following.text}', expected: identifier after ','`);
      }
    }
  }

  private readRequirement(): LabelRequirement {
    let negated = false;
    let keyToken = this.take();
    if (keyToken.kind === '!') {
      negated = true;
      keyToken = this.take();
    }
    if (keyToken.kind !== 'id') throw requirementError(`found '${keyToken.text}', expected: identifier`);
    const key = keyToken.text;
    const after = this.peek();
    if (negated || after.kind === 'end' || after.kind === ',') {
      return makeRequirement(key, negated ? '!' : 'exists', []);
    }
    const operator = this.readOperator();
    const values = operator === 'in' || operator === 'notin' ? this.readValueSet() : this.readExactValue();
    return makeRequirement(key, operator, values);
  }

  private readOperator(): LabelOperator {
    const token = this.take(false);
    const operators: Partial<Record<TokenKind, LabelOperator>> = {
      in: 'in',
      notin: 'notin',
      '=': '=',
      '==': '==',
      '!=': '!=',
      '>': 'gt',
      '<': 'lt',
    };
    const operator = operators[token.kind];
    if (!operator) throw requirementError(`found '${token.text}', expected: '=', '!=', '==', 'in', notin'`);
    return operator;
  }

  private readValueSet(): string[] {
    const open = this.take();
    if (open.kind !== '(') throw requirementError(`found '${open.text}' expected: '('`);
    const values = new Set<string>();
    let expectValue = true;
    for (;;) {
      const token = this.take();
      if (token.kind === ')') {
        if (expectValue) values.add('');
        return [...values];
      }
      if (token.kind === ',') {
        if (expectValue) values.add('');
        expectValue = true;
      } else if (token.kind === 'id' && expectValue) {
        values.add(token.text);
        expectValue = false;
      } else {
        throw requirementError(`found '${token.text}', expected: ',', ')' or identifier`);
      }
    }
  }

  private readExactValue(): string[] {
    const next = this.peek();
    if (next.kind === 'end' || next.kind === ',') return [''];
    const token = this.take();
    if (token.kind !== 'id') throw requirementError(`found '${token.text}', expected: identifier`);
    return [token.text];
  }
}

function valueContext(token: Token, asValue: boolean): Token {
  if (asValue && (token.kind === 'in' || token.kind === 'notin')) return { kind: 'id', text: token.text };
  return token;
}

function parseError(message: string): Error {
  return badRequest(message);
}

function requirementError(message: string): Error {
  return badRequest(`unable to parse requirement: ${message}`);
}

/** Builds a requirement after the checks of `labels.NewRequirement`; throws a 400 when invalid. */
function makeRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) {
    throw requirementError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
  }
  const problem = operatorValueProblem(operator, values);
  if (problem) throw requirementError(`values: Invalid value: ${JSON.stringify(values)}: ${problem}`);
  values.forEach((value, index) => {
    const valueErrors = isValidLabelValue(value);
    if (valueErrors.length > 0) {
      throw requirementError(
        `values[${index}][${key}]: Invalid value: ${JSON.stringify(value)}: ${valueErrors.join('; ')}`,
      );
    }
  });
  return { key, operator, values: [...new Set(values)].sort() };
}

function operatorValueProblem(operator: LabelOperator, values: string[]): string | undefined {
  switch (operator) {
    case 'in':
    case 'notin':
      return values.length === 0 ? "for 'in', 'notin' operators, values set can't be empty" : undefined;
    case '=':
    case '==':
    case '!=':
      return values.length === 1 ? undefined : 'exact-match compatibility requires one single value';
    case 'exists':
    case '!':
      return values.length === 0 ? undefined : 'values set must be empty for exists and does not exist';
    case 'gt':
    case 'lt':
      if (values.length !== 1) return "for 'Gt', 'Lt' operators, exactly one value is required";
      return /^-?\d+$/.test(values[0]!)
        ? undefined
        : "for 'Gt', 'Lt' operators, the value must be an integer";
  }
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Parses the string form (`app=web,tier in (a,b),!legacy`). An empty or blank string gives no
 * requirements, which matches everything. Throws a 400 BadRequest `KubeStatusError` with the Go
 * parser's message when the text is malformed or a key or value is not valid label syntax.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  return sortByKey(new LabelSelectorReader(tokenize(text)).readAll());
}

const SPEC_OPERATORS: Record<string, LabelOperator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

/**
 * Converts a `metav1.LabelSelector` into requirements (`LabelSelectorAsSelector`): matchLabels
 * become `=`, matchExpressions use In, NotIn, Exists, DoesNotExist. An empty spec gives no
 * requirements (matches everything). Throws a 400 for an unknown operator or invalid syntax.
 */
export function labelSelectorFromSpec(selector: LabelSelectorSpec): LabelRequirement[] {
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push(makeRequirement(key, '=', [value]));
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operator = SPEC_OPERATORS[expression.operator];
    if (!operator)
      throw badRequest(`${JSON.stringify(expression.operator)} is not a valid label selector operator`);
    requirements.push(makeRequirement(expression.key, operator, [...(expression.values ?? [])]));
  }
  return sortByKey(requirements);
}

function matchesOne(requirement: LabelRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = present ? labels[requirement.key]! : undefined;
  switch (requirement.operator) {
    case '=':
    case '==':
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case '!=':
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt':
      return matchesComparison(requirement, value);
  }
}

function matchesComparison(requirement: LabelRequirement, value: string | undefined): boolean {
  if (value === undefined || !/^-?\d+$/.test(value)) return false;
  const actual = Number(value);
  const bound = Number(requirement.values[0]);
  return requirement.operator === 'gt' ? actual > bound : actual < bound;
}

/** True when every requirement holds for `labels`; no requirements match everything. */
export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  const present = labels ?? {};
  return requirements.every((requirement) => matchesOne(requirement, present));
}

/** One requirement in its string form: `app=web`, `tier in (a,b)`, `!legacy`. */
export function formatLabelRequirement(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  switch (operator) {
    case 'exists':
      return key;
    case '!':
      return `!${key}`;
    case 'in':
    case 'notin':
      return `${key} ${operator} (${values.join(',')})`;
    case 'gt':
      return `${key}>${values[0]}`;
    case 'lt':
      return `${key}<${values[0]}`;
    default:
      return `${key}${operator}${values[0]}`;
  }
}

/**
 * The string form `kubectl describe` prints (`metav1.FormatLabelSelector`): requirements sorted by
 * key and joined by commas; `<none>` for an empty selector and `<error>` for an invalid one.
 */
export function formatLabelSelector(selector: LabelSelectorSpec | undefined): string {
  if (!selector) return '<none>';
  try {
    const text = labelSelectorFromSpec(selector).map(formatLabelRequirement).join(',');
    return text === '' ? '<none>' : text;
  } catch {
    return '<error>';
  }
}

// ---- Field selectors ----

/** `=` and `==` mean the same; field selectors have no set operators. */
export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

const META_FIELDS = ['metadata.name', 'metadata.namespace'];
const OBJECT_REFERENCE_FIELDS = [
  'kind',
  'namespace',
  'name',
  'uid',
  'apiVersion',
  'resourceVersion',
  'fieldPath',
];

/** Extra fields per `group/Kind` beyond metadata.name and metadata.namespace (reference §7.6). */
const KIND_FIELDS: Record<string, string[]> = {
  '/Secret': ['type'],
  '/Namespace': ['status.phase'],
  '/Event': [
    ...OBJECT_REFERENCE_FIELDS.map((f) => `involvedObject.${f}`),
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  'events.k8s.io/Event': [
    ...OBJECT_REFERENCE_FIELDS.map((f) => `regarding.${f}`),
    'reason',
    'type',
    'reportingController',
  ],
  '/Pod': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  'apps/ReplicaSet': ['status.replicas'],
};

/** The field labels a kind accepts in field selectors, metadata.name and metadata.namespace first. */
export function supportedFieldSelectors(kind: string, group: string): string[] {
  return [...META_FIELDS, ...(KIND_FIELDS[`${group}/${kind}`] ?? [])];
}

/** Splits on commas not escaped by a backslash (`fields.splitTerms`). */
function splitFieldTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** Finds the first operator not preceded by an escape, `!=` and `==` before `=`. */
function splitFieldTerm(term: string): [string, FieldOperator, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') {
      i++;
      continue;
    }
    for (const operator of ['!=', '==', '='] as const) {
      if (term.startsWith(operator, i)) return [term.slice(0, i), operator, term.slice(i + operator.length)];
    }
  }
  return undefined;
}

/** Undoes `\\`, `\,` and `\=`; any other escape or a bare `,` or `=` is an error. */
function unescapeFieldValue(value: string): string {
  let result = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') {
        throw badRequest(`invalid field selector: invalid escape sequence: \\${next ?? ''}`);
      }
      result += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${ch}`);
    } else result += ch;
  }
  return result;
}

function unknownFieldMessage(field: string, kind: string, group: string): string {
  // Kinds with their own conversion function answer in its words; the rest use the default one.
  if (KIND_FIELDS[`${group}/${kind}`]) return `field label not supported: ${field}`;
  return `${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

/**
 * Parses a field selector (`metadata.name=x,status.phase!=Running`) for objects of `kind` in
 * `group` ('' for core). Empty text gives no requirements. `extraFields` adds fields a CRD
 * declares as selectable. Throws a 400 BadRequest for malformed text or a field the kind does
 * not support (`"foo.bar" is not a known field selector: only "metadata.name", …`).
 */
export function parseFieldSelector(
  text: string,
  kind: string,
  group: string,
  extraFields: readonly string[] = [],
): FieldRequirement[] {
  const supported = new Set([...supportedFieldSelectors(kind, group), ...extraFields]);
  const requirements: FieldRequirement[] = [];
  for (const term of splitFieldTerms(text).sort()) {
    if (term === '') continue;
    const parts = splitFieldTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [field, operator, rawValue] = parts;
    const value = unescapeFieldValue(rawValue);
    if (!supported.has(field)) throw badRequest(unknownFieldMessage(field, kind, group));
    requirements.push({ field, operator, value });
  }
  return requirements;
}

/** The value a field label has on an object, as Go's field set prints it; missing → ''. */
function fieldValue(object: unknown, field: string, kind: string, group: string): string {
  if (field === 'source' && kind === 'Event' && group === '') {
    const component = readPath(object, 'source.component');
    return component !== '' ? component : readPath(object, 'reportingController');
  }
  return readPath(object, field);
}

function readPath(object: unknown, field: string): string {
  let current: unknown = object;
  for (const step of field.split('.')) {
    if (!isRecord(current)) return '';
    current = current[step];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when `object` meets every requirement. Fields the object lacks read as '' (so
 * `spec.nodeName=` selects unscheduled pods); no requirements match everything. `kind` and `group`
 * pick kind-specific readings, such as core Event `source` (source.component, else
 * reportingController).
 */
export function matchesFields(
  requirements: readonly FieldRequirement[],
  object: unknown,
  kind: string,
  group: string,
): boolean {
  return requirements.every((requirement) => {
    const actual = fieldValue(object, requirement.field, kind, group);
    return requirement.operator === '!=' ? actual !== requirement.value : actual === requirement.value;
  });
}
