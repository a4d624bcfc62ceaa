import { describe, expect, it } from 'vitest';
import { contentHash, formatHashRecord, parseHashRecord, sameRecord } from './hash.ts';
import type { SourceObject } from './types.ts';

const secret = (
  data: Record<string, string>,
  extra: Partial<SourceObject['metadata']> = {},
): SourceObject => ({
  metadata: { name: 'db', uid: 'uid-1', ...extra },
  data,
});

describe('contentHash', () => {
  it('depends on the data only: not on key order, labels, annotations or resourceVersion', () => {
    const a = contentHash(secret({ a: 'MQ==', b: 'Mg==' }));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(contentHash(secret({ b: 'Mg==', a: 'MQ==' }))).toBe(a);
    expect(
      contentHash(
        secret(
          { a: 'MQ==', b: 'Mg==' },
          { labels: { x: 'y' }, annotations: { z: '1' }, resourceVersion: '9' },
        ),
      ),
    ).toBe(a);
  });

  it('changes with any value or key', () => {
    const a = contentHash(secret({ a: 'MQ==' }));
    expect(contentHash(secret({ a: 'Mg==' }))).not.toBe(a);
    expect(contentHash(secret({ b: 'MQ==' }))).not.toBe(a);
    expect(contentHash(secret({}))).not.toBe(a);
  });

  it('cannot be confused by key/value boundaries, and tells data from binaryData', () => {
    expect(contentHash(secret({ ab: 'c' }))).not.toBe(contentHash(secret({ a: 'bc' })));
    const asData = contentHash({ metadata: { uid: 'u' }, data: { k: 'dg==' } });
    expect(contentHash({ metadata: { uid: 'u' }, binaryData: { k: 'dg==' } })).not.toBe(asData);
  });

  it('is keyed by the uid: the same data in a re-created Secret hashes differently', () => {
    expect(contentHash(secret({ a: 'MQ==' }))).not.toBe(contentHash(secret({ a: 'MQ==' }, { uid: 'uid-2' })));
  });
});

describe('hash records', () => {
  it('format sorted and parse back; garbage parses as absent', () => {
    const text = formatHashRecord({ 'Secret/b': '2', 'ConfigMap/a': '1' });
    expect(text).toBe('{"ConfigMap/a":"1","Secret/b":"2"}');
    expect(parseHashRecord(text)).toEqual({ 'ConfigMap/a': '1', 'Secret/b': '2' });
    expect(parseHashRecord('not json')).toBeUndefined();
    expect(parseHashRecord('[1]')).toBeUndefined();
    expect(parseHashRecord('{"Pod/x":"1","Secret/y":2,"Secret/z":"3"}')).toEqual({ 'Secret/z': '3' });
    expect(sameRecord({ 'Secret/a': '1', 'Secret/b': '2' }, { 'Secret/b': '2', 'Secret/a': '1' })).toBe(true);
  });
});
