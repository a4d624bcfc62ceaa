import type { JsonSchema } from './json-schema.ts';

/**
 * Validation of a value against one of this folder's structural schemas, as the API server
 * validates a custom resource (types, enums, patterns, lengths, required fields, property
 * counts, `date-time`), plus the unknown-field check of `kubectl apply`'s strict field
 * validation. Pure; returns every problem found rather than stopping at the first.
 */

/** One thing wrong with a resource: where (`spec.data[0].secretKey`) and what. */
export interface ValidationProblem {
  path: string;
  message: string;
}

/** RFC 3339 as `metav1.Time` serializes it (the API server's `date-time` format). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Validates `value` against `schema` and returns the problems, empty when valid. Fields that
 * the schema does not declare are reported as `unknown field` (the API server would prune
 * them), except under `x-kubernetes-preserve-unknown-fields` and in `metadata`.
 */
export function validateAgainstSchema(value: unknown, schema: JsonSchema, path = ''): ValidationProblem[] {
  if (value === null && schema.nullable === true) return [];
  const typeProblem = checkType(value, schema, path);
  if (typeProblem) return [typeProblem];
  const problems: ValidationProblem[] = [];
  if (typeof value === 'string') problems.push(...checkString(value, schema, path));
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum)
    problems.push({ path, message: `must be greater than or equal to ${schema.minimum}` });
  if (Array.isArray(value)) problems.push(...checkArray(value, schema, path));
  if (isRecord(value)) problems.push(...checkObject(value, schema, path));
  return problems;
}

function checkType(value: unknown, schema: JsonSchema, path: string): ValidationProblem | undefined {
  const allowed = schema['x-kubernetes-int-or-string']
    ? ['integer', 'string']
    : schema.type
      ? [schema.type]
      : [];
  if (allowed.length === 0) return undefined;
  const actual = typeOf(value);
  if (allowed.includes(actual)) return undefined;
  return { path, message: `must be of type ${allowed.join(' or ')}, not ${actual}` };
}

function checkString(value: string, schema: JsonSchema, path: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const length = [...value].length;
  if (schema.enum && !schema.enum.includes(value))
    problems.push({
      path,
      message: `unsupported value ${JSON.stringify(value)}: must be one of ${schema.enum.join(', ')}`,
    });
  if (schema.minLength !== undefined && length < schema.minLength)
    problems.push({ path, message: `must be at least ${schema.minLength} characters long` });
  if (schema.maxLength !== undefined && length > schema.maxLength)
    problems.push({ path, message: `must be at most ${schema.maxLength} characters long` });
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
    problems.push({ path, message: `${JSON.stringify(value)} must match ${schema.pattern}` });
  if (schema.format === 'date-time' && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value))))
    problems.push({ path, message: `${JSON.stringify(value)} is not an RFC 3339 date-time` });
  return problems;
}

function checkArray(value: unknown[], schema: JsonSchema, path: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems)
    problems.push({ path, message: `must have at least ${schema.minItems} items` });
  const items = schema.items;
  if (items)
    value.forEach((item, i) => problems.push(...validateAgainstSchema(item, items, `${path}[${i}]`)));
  return problems;
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const keys = Object.keys(value);
  if (schema.minProperties !== undefined && keys.length < schema.minProperties)
    problems.push({ path, message: `must have at least ${schema.minProperties} field(s)` });
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties)
    problems.push({
      path,
      message: `must have at most ${schema.maxProperties} field(s), has ${keys.join(', ')}`,
    });
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) problems.push({ path: child(path, name), message: 'required' });
  }
  const properties = schema.properties;
  const additional = schema.additionalProperties;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of keys) {
    const declared = properties?.[key] ?? additional;
    if (value[key] === undefined) continue;
    if (declared) problems.push(...validateAgainstSchema(value[key], declared, child(path, key)));
    else if (!preserve && !isOpenObject(schema))
      problems.push({ path: child(path, key), message: 'unknown field' });
  }
  return problems;
}

/** An object schema that declares nothing inside (`metadata`) is not checked field by field. */
function isOpenObject(schema: JsonSchema): boolean {
  return schema.properties === undefined && schema.additionalProperties === undefined;
}
