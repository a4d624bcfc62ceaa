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

export * from './field-selectors.ts';
