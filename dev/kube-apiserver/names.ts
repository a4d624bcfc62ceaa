import type { StatusCause } from './types.ts';
import { cause } from './errors.ts';

/**
 * Name, label and annotation syntax as apimachinery's `util/validation` checks it. Every function
 * returns the apiserver's messages (empty when valid), so callers can build 422 causes or 400s
 * that read like the real server's.
 */

/** Which syntax an object name must follow; kinds pick one (most use `dns1123-subdomain`). */
export type NameRule = 'dns1123-subdomain' | 'dns1123-label' | 'path-segment';

export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Total bytes of all annotation keys and values (`TotalAnnotationSizeLimitB`). */
export const ANNOTATIONS_MAX_TOTAL_BYTES = 256 * 1024;

const DNS1123_LABEL_FORMAT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FORMAT = `${DNS1123_LABEL_FORMAT}(\\.${DNS1123_LABEL_FORMAT})*`;
const DNS1035_LABEL_FORMAT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FORMAT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FORMAT = `(${QUALIFIED_NAME_FORMAT})?`;

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FORMAT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FORMAT}$`);
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FORMAT}$`);
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FORMAT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FORMAT}$`);

/** apimachinery's `RegexError`: the message, examples and the regex, in its exact punctuation. */
function regexError(message: string, format: string, examples: string[]): string {
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${format}')`;
}

function maxLengthError(max: number): string {
  return `must be no more than ${max} characters`;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Messages for a lowercase RFC 1123 label (namespaces, services): at most 63 characters. */
export function isDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) errors.push(maxLengthError(DNS1123_LABEL_MAX_LENGTH));
  if (!DNS1123_LABEL.test(value)) {
    errors.push(
      regexError(
        'a lowercase RFC 1123 label must consist of lower case alphanumeric characters or ' +
          "'-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FORMAT,
        ['my-name', '123-abc'],
      ),
    );
  }
  return errors;
}

/** Messages for a lowercase RFC 1123 subdomain (most object names): at most 253 characters. */
export function isDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errors.push(maxLengthError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errors.push(
      regexError(
        'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ' +
          "'-' or '.', and must start and end with an alphanumeric character",
        DNS1123_SUBDOMAIN_FORMAT,
        ['example.com'],
      ),
    );
  }
  return errors;
}

/** Messages for an RFC 1035 label (CRD plural, singular and version names): starts with a letter. */
export function isDns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (value.length > DNS1035_LABEL_MAX_LENGTH) errors.push(maxLengthError(DNS1035_LABEL_MAX_LENGTH));
  if (!DNS1035_LABEL.test(value)) {
    errors.push(
      regexError(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', " +
          'start with an alphabetic character, and end with an alphanumeric character',
        DNS1035_LABEL_FORMAT,
        ['my-name', 'abc-123'],
      ),
    );
  }
  return errors;
}

/** Messages for a path segment name: anything but `.`, `..`, or text containing `/` or `%`. */
export function isPathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errors: string[] = [];
  for (const illegal of ['/', '%']) {
    if (value.includes(illegal)) errors.push(`may not contain '${illegal}'`);
  }
  return errors;
}

/**
 * Messages for a qualified name (label and annotation keys): `[prefix/]name`, where the optional
 * prefix is a DNS subdomain and the name is at most 63 characters of `[-A-Za-z0-9_.]`.
 */
export function isQualifiedName(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [
      regexError(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', " +
          'and must start and end with an alphanumeric character',
        QUALIFIED_NAME_FORMAT,
        ['MyName', 'my.name', '123-abc'],
      ) + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  const errors: string[] = [];
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) {
    errors.push(`name part ${maxLengthError(QUALIFIED_NAME_MAX_LENGTH)}`);
  }
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) {
    errors.push(
      regexError(
        "name part must consist of alphanumeric characters, '-', '_' or '.', " +
          'and must start and end with an alphanumeric character',
        QUALIFIED_NAME_FORMAT,
        ['MyName', 'my.name', '123-abc'],
      ),
    );
  }
  return errors;
}

/** Messages for a label value: empty, or at most 63 characters of `[-A-Za-z0-9_.]`. */
export function isValidLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errors.push(maxLengthError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE.test(value)) {
    errors.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' " +
          "or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FORMAT,
        ['MyValue', 'my_value', '12345'],
      ),
    );
  }
  return errors;
}

/**
 * Checks an object name against `rule` and returns the apiserver's messages; an empty list means
 * valid. An empty name is not judged here: the caller reports `metadata.name` as required.
 */
export function validateObjectName(name: string, rule: NameRule): string[] {
  switch (rule) {
    case 'dns1123-subdomain':
      return isDns1123Subdomain(name);
    case 'dns1123-label':
      return isDns1123Label(name);
    case 'path-segment':
      return isPathSegmentName(name);
  }
}

/**
 * Checks label keys (qualified names) and values. Causes carry the field `metadata.labels` and the
 * offending key or value, as `ValidateLabels` reports them; `undefined` labels are valid.
 */
export function validateLabels(
  labels: Record<string, string> | undefined,
  field = 'metadata.labels',
): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    for (const message of isQualifiedName(key)) causes.push(cause.invalid(field, key, message));
    if (typeof value !== 'string') {
      causes.push(cause.typeInvalid(`${field}.${key}`, value, 'expected string'));
      continue;
    }
    for (const message of isValidLabelValue(value)) causes.push(cause.invalid(field, value, message));
  }
  return causes;
}

/**
 * Checks annotation keys (qualified names, compared lower-cased) and the total size of keys plus
 * values, at most 256 KiB. Causes carry the field `metadata.annotations`.
 */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  field = 'metadata.annotations',
): StatusCause[] {
  const causes: StatusCause[] = [];
  let totalBytes = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    for (const message of isQualifiedName(key.toLowerCase())) causes.push(cause.invalid(field, key, message));
    if (typeof value !== 'string') {
      causes.push(cause.typeInvalid(`${field}.${key}`, value, 'expected string'));
      continue;
    }
    totalBytes += byteLength(key) + byteLength(value);
  }
  if (totalBytes > ANNOTATIONS_MAX_TOTAL_BYTES) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${ANNOTATIONS_MAX_TOTAL_BYTES} bytes`,
      field,
    });
  }
  return causes;
}
