import type { StatusCause } from '../types.ts';
import { cause } from '../errors.ts';
import { matchesFormat } from './formats.ts';
import { jsonEqual } from './json-value.ts';
import type { JSONSchemaProps } from './types.ts';

/**
 * Value checks on strings, numbers and enums, worded as kube-openapi's validator words them and
 * typed as `ValidateCustomResource` converts them into field errors.
 */

/** The subject of a kube-openapi message: `spec.replicas in body`. */
export function inBody(path: string): string {
  return path === '' ? 'body' : `${path} in body`;
}

/** `field.TooLong`: reason FieldValueTooLong, the value not repeated. */
export function tooLong(field: string, maxLength: number): StatusCause {
  const unit = maxLength === 1 ? 'byte' : 'bytes';
  return {
    reason: 'FieldValueTooLong',
    message: `Too long: may not be more than ${maxLength} ${unit}`,
    field,
  };
}

/** `field.TooMany`: reason FieldValueTooMany. */
export function tooMany(field: string, actual: number, max: number): StatusCause {
  return {
    reason: 'FieldValueTooMany',
    message: `Too many: ${actual}: must have at most ${max} items`,
    field,
  };
}

/** `field.Duplicate`: reason FieldValueDuplicate. */
export function duplicate(field: string, value: unknown): StatusCause {
  return { reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(value)}`, field };
}

/** `field.Required` with a detail: `Required value: must not be empty`. */
export function requiredWithDetail(field: string, detail: string): StatusCause {
  return { ...cause.required(field), message: `Required value: ${detail}` };
}

const patternCache = new Map<string, RegExp | undefined>();

/**
 * Compiles an RE2 pattern as a JavaScript RegExp (unanchored, as Go matches). A leading `(?i)`
 * becomes the `i` flag. Patterns JavaScript cannot read give undefined and are not enforced.
 */
function compilePattern(pattern: string): RegExp | undefined {
  if (patternCache.has(pattern)) return patternCache.get(pattern);
  let source = pattern;
  let flags = 'u';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags += 'i';
  }
  let compiled: RegExp | undefined;
  try {
    compiled = new RegExp(source, flags);
  } catch {
    try {
      compiled = new RegExp(source, flags.replace('u', ''));
    } catch {
      compiled = undefined;
    }
  }
  patternCache.set(pattern, compiled);
  return compiled;
}

/** Enum membership (deep equality); a miss is FieldValueNotSupported listing the allowed values. */
export function checkEnum(value: unknown, schema: JSONSchemaProps, path: string): StatusCause[] {
  const allowed = schema.enum;
  if (!allowed || allowed.some((candidate) => jsonEqual(candidate, value))) return [];
  const names = allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  return [cause.unsupported(path, value, names)];
}

/** minLength, maxLength (counted in characters), pattern and format. */
export function checkString(value: string, schema: JSONSchemaProps, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    causes.push(tooLong(path, schema.maxLength));
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    causes.push(
      cause.invalid(path, value, `${inBody(path)} should be at least ${schema.minLength} chars long`),
    );
  }
  if (schema.pattern !== undefined && compilePattern(schema.pattern)?.test(value) === false) {
    causes.push(cause.invalid(path, value, `${inBody(path)} should match '${schema.pattern}'`));
  }
  if (schema.format !== undefined && !matchesFormat(value, schema.format)) {
    causes.push(
      cause.typeInvalid(
        path,
        value,
        `${inBody(path)} must be of type ${schema.format}: ${JSON.stringify(value)}`,
      ),
    );
  }
  return causes;
}

/** minimum, maximum (with their exclusive flags) and multipleOf. */
export function checkNumber(value: number, schema: JSONSchemaProps, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const { minimum, maximum, multipleOf } = schema;
  if (minimum !== undefined) {
    const exclusive = schema.exclusiveMinimum === true;
    if (exclusive ? value <= minimum : value < minimum) {
      const relation = exclusive ? 'greater than' : 'greater than or equal to';
      causes.push(cause.invalid(path, value, `${inBody(path)} should be ${relation} ${minimum}`));
    }
  }
  if (maximum !== undefined) {
    const exclusive = schema.exclusiveMaximum === true;
    if (exclusive ? value >= maximum : value > maximum) {
      const relation = exclusive ? 'less than' : 'less than or equal to';
      causes.push(cause.invalid(path, value, `${inBody(path)} should be ${relation} ${maximum}`));
    }
  }
  if (multipleOf !== undefined && multipleOf > 0 && !isMultiple(value, multipleOf)) {
    causes.push(cause.invalid(path, value, `${inBody(path)} should be a multiple of ${multipleOf}`));
  }
  return causes;
}

function isMultiple(value: number, factor: number): boolean {
  const quotient = value / factor;
  return Math.abs(quotient - Math.round(quotient)) < 1e-9;
}
