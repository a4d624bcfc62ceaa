import { describe, expect, it } from 'vitest';
import {
  ANNOTATIONS_MAX_TOTAL_BYTES,
  isDns1035Label,
  isQualifiedName,
  isValidLabelValue,
  validateAnnotations,
  validateLabels,
  validateObjectName,
} from './names.ts';

const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
  "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and " +
  "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
  "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validateObjectName', () => {
  it('accepts DNS subdomains and reports the apiserver message otherwise', () => {
    expect(validateObjectName('es-1.example', 'dns1123-subdomain')).toEqual([]);
    expect(validateObjectName('My_Secret', 'dns1123-subdomain')).toEqual([SUBDOMAIN_MESSAGE]);
    expect(validateObjectName('-a', 'dns1123-subdomain')).toEqual([SUBDOMAIN_MESSAGE]);
  });

  it('limits subdomains to 253 characters', () => {
    const name = `${'a'.repeat(63)}.`.repeat(4).slice(0, 254);
    expect(validateObjectName(name.replace(/\.$/, 'a'), 'dns1123-subdomain')).toContain(
      'must be no more than 253 characters',
    );
    expect(validateObjectName('a'.repeat(253), 'dns1123-subdomain')).toEqual([]);
  });

  it('checks DNS labels (no dots, 63 characters)', () => {
    expect(validateObjectName('kube-system', 'dns1123-label')).toEqual([]);
    expect(validateObjectName('a.b', 'dns1123-label')).toEqual([LABEL_MESSAGE]);
    expect(validateObjectName('a'.repeat(64), 'dns1123-label')).toEqual([
      'must be no more than 63 characters',
    ]);
  });

  it('checks path segments', () => {
    expect(validateObjectName('Anything_Goes:1', 'path-segment')).toEqual([]);
    expect(validateObjectName('..', 'path-segment')).toEqual(["may not be '..'"]);
    expect(validateObjectName('a/b%c', 'path-segment')).toEqual([
      "may not contain '/'",
      "may not contain '%'",
    ]);
  });
});

describe('qualified names and label values', () => {
  it('accepts prefixed keys and rejects malformed ones', () => {
    expect(isQualifiedName('app.kubernetes.io/name')).toEqual([]);
    expect(isQualifiedName('kvsync.io/Reload_Me')).toEqual([]);
    expect(isQualifiedName('/name')).toEqual(['prefix part must be non-empty']);
    expect(isQualifiedName('a/')).toEqual(['name part must be non-empty']);
    expect(isQualifiedName('a/b/c')[0]).toMatch(
      /^a qualified name must consist of .* \(e\.g\. 'example\.com\/MyName'\)$/,
    );
    expect(isQualifiedName('Bad.Prefix/name')[0]).toMatch(/^prefix part a lowercase RFC 1123 subdomain/);
    expect(isQualifiedName('x'.repeat(64))).toEqual(['name part must be no more than 63 characters']);
  });

  it('allows empty label values and limits them to 63 characters', () => {
    expect(isValidLabelValue('')).toEqual([]);
    expect(isValidLabelValue('v1.2_3-x')).toEqual([]);
    expect(isValidLabelValue('a b')[0]).toBe(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used " +
        "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    );
    expect(isValidLabelValue('x'.repeat(64))).toContain('must be no more than 63 characters');
  });

  it('checks DNS-1035 labels used by CRD names', () => {
    expect(isDns1035Label('externalsecrets')).toEqual([]);
    expect(isDns1035Label('1abc')).toHaveLength(1);
  });
});

describe('validateLabels', () => {
  it('reports bad keys and values under metadata.labels', () => {
    expect(validateLabels(undefined)).toEqual([]);
    expect(validateLabels({ app: 'web', 'kvsync.io/managed': 'true' })).toEqual([]);
    const causes = validateLabels({ 'bad key': 'ok', good: 'bad value' });
    expect(causes.map((c) => [c.reason, c.field])).toEqual([
      ['FieldValueInvalid', 'metadata.labels'],
      ['FieldValueInvalid', 'metadata.labels'],
    ]);
    expect(causes[0]?.message).toMatch(/^Invalid value: "bad key": name part must consist of/);
    expect(causes[1]?.message).toMatch(/^Invalid value: "bad value": a valid label must be/);
  });

  it('rejects non-string values', () => {
    expect(validateLabels({ a: 1 as unknown as string })[0]?.reason).toBe('FieldValueTypeInvalid');
  });
});

describe('validateAnnotations', () => {
  it('accepts any value and upper-case keys', () => {
    expect(validateAnnotations({ 'Kvsync.io/Note': 'any text, even spaces\n' })).toEqual([]);
  });

  it('reports bad keys', () => {
    const causes = validateAnnotations({ 'a/b/c': 'x' });
    expect(causes.map((c) => [c.reason, c.field])).toEqual([['FieldValueInvalid', 'metadata.annotations']]);
  });

  it('limits the total size to 256 KiB', () => {
    const key = 'big';
    const fits = { [key]: 'x'.repeat(ANNOTATIONS_MAX_TOTAL_BYTES - key.length) };
    expect(validateAnnotations(fits)).toEqual([]);
    const tooBig = { [key]: 'x'.repeat(ANNOTATIONS_MAX_TOTAL_BYTES - key.length + 1) };
    expect(validateAnnotations(tooBig)).toEqual([
      {
        reason: 'FieldValueTooLong',
        message: 'Too long: may not be more than 262144 bytes',
        field: 'metadata.annotations',
      },
    ]);
  });

  it('counts bytes, not characters', () => {
    const value = 'é'.repeat(ANNOTATIONS_MAX_TOTAL_BYTES / 2);
    expect(validateAnnotations({ k: value })).toHaveLength(1);
  });
});
