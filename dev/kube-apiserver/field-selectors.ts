/** Field selectors: `=`, `==`, `!=` on the fields each kind supports (metadata.name/namespace everywhere). */
import { badRequest } from './errors.ts';

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
