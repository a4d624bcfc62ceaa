import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createdByLabelValue,
  dataHash,
  dataHashOfEncoded,
  goFormatByteMap,
  goFormatStringMap,
  hashMeta,
  syncedResourceVersion,
} from './hash.ts';

/*
 * Test vectors. The Go strings are what `fmt.Sprintf("%+v", v)` prints for the value: a struct
 * `{field:value field:value}`, maps `map[k:v k:v]` sorted by key bytes (so `USER_KEY` sorts
 * before `host`), strings raw, `[]byte` as `[98 97 114]`, nil and empty maps and slices as
 * `map[]` and `[]`. The hex digests are SHA3-224 of those strings; the first test pins the
 * algorithm to FIPS 202 SHA3 (not Keccak) with the NIST vector for "abc".
 *
 * The formatting is also checked against real ESO output from before ESO switched
 * `ObjectHash` from MD5 to SHA3-224 (the `%+v` text is unchanged): a Secret published in a
 * tutorial with data {password: asajkjkahs, username: otus} carried data-hash
 * f445955da15f3ae1278448facb7667cf, and another, with five keys, 867bd7cd4b34f8b857174ece5e1f2186
 * and created-by md5("default/simple") = 178edf16c659c2998642565fbe634a1a.
 */

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const bytes = (text: string) => Buffer.from(text, 'utf8');
const b64 = (text: string) => Buffer.from(text, 'base64');

describe('Go %+v formatting', () => {
  it('uses FIPS 202 SHA3-224', () => {
    expect(createHash('sha3-224').update('abc').digest('hex')).toBe(
      'e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf',
    );
  });

  it('prints string maps sorted by key bytes, and nil or empty maps as map[]', () => {
    expect(goFormatStringMap(undefined)).toBe('map[]');
    expect(goFormatStringMap({})).toBe('map[]');
    expect(goFormatStringMap({ c: 'd', a: 'b', B: 'upper first' })).toBe('map[B:upper first a:b c:d]');
  });

  it('prints byte maps as decimal lists', () => {
    expect(goFormatByteMap({})).toBe('map[]');
    expect(goFormatByteMap({ key: bytes('bar'), empty: bytes('') })).toBe('map[empty:[] key:[98 97 114]]');
  });

  it('matches the data-hash and created-by values a real ESO wrote (MD5 era)', () => {
    expect(md5(goFormatByteMap({ username: bytes('otus'), password: bytes('asajkjkahs') }))).toBe(
      'f445955da15f3ae1278448facb7667cf',
    );
    const fiveKeys = {
      USER_ACCESS_KEY: b64('YWNjZXNza2V5X3NuMHJ0'),
      USER_SECRET_KEY: b64('c2VjcmV0a2V5X3NuMHJ0'),
      host: b64('bG9jYWxob3N0LmxvY2Fs'),
      password: b64('InNuMHJ0X3NlY3JldGtleV9zbjBydCI='),
      username: b64('ImFjY2Vzc2tleV9zbjBydCI='),
    };
    expect(md5(goFormatByteMap(fiveKeys))).toBe('867bd7cd4b34f8b857174ece5e1f2186');
    expect(md5('default/simple')).toBe('178edf16c659c2998642565fbe634a1a');
  });
});

describe('hashMeta and syncedResourceVersion', () => {
  it('hashes {annotations:map[] labels:map[]} for metadata without labels or annotations', () => {
    const empty = 'f47fe3c0b255b6dd8047cdffa772587bb829efe7a1cb70febeda2eb2';
    expect(hashMeta({})).toBe(empty);
    expect(hashMeta({ labels: {}, annotations: {} })).toBe(empty);
  });

  it('hashes {annotations:map[a:b c:d] labels:map[k:v]} whatever the key order', () => {
    const expected = '7d04ba912a0f774cc303a160c9783c2f6bc5f1c4b32c8d46546f5fa5';
    expect(hashMeta({ annotations: { c: 'd', a: 'b' }, labels: { k: 'v' } })).toBe(expected);
    expect(hashMeta({ annotations: { a: 'b', c: 'd' }, labels: { k: 'v' } })).toBe(expected);
  });

  it('changes with a force-sync annotation', () => {
    expect(hashMeta({ annotations: { 'force-sync': '1700000000' } })).toBe(
      'df54e3e2e03f8455a218b1d9cbffaa2c878db6978aae0e1136007395',
    );
  });

  it('is <generation>-<hashMeta>, generation 0 when absent', () => {
    expect(syncedResourceVersion({ generation: 3 })).toBe(
      '3-f47fe3c0b255b6dd8047cdffa772587bb829efe7a1cb70febeda2eb2',
    );
    expect(syncedResourceVersion({})).toBe('0-f47fe3c0b255b6dd8047cdffa772587bb829efe7a1cb70febeda2eb2');
  });
});

describe('dataHash', () => {
  it('hashes map[] for no data', () => {
    const empty = '74a974446e359fb3e6baff9bd0058950e6edd0f040888d9989b0a11b';
    expect(dataHash({})).toBe(empty);
    expect(dataHashOfEncoded(undefined)).toBe(empty);
  });

  it('hashes map[key:[98 97 114]]', () => {
    const expected = '03567ea1a92b373e1206000979f912bb1ffb7f7c111ebcf9791efc6b';
    expect(dataHash({ key: bytes('bar') })).toBe(expected);
    expect(dataHashOfEncoded({ key: 'YmFy' })).toBe(expected);
  });

  it('keeps empty values as []', () => {
    expect(dataHash({ empty: bytes('') })).toBe('cab07b48d3e27ae0a2295ff90591c8518118baf0dc4ed9fc099c5718');
  });

  it('hashes the tutorial Secret in SHA3-224', () => {
    expect(dataHash({ password: bytes('asajkjkahs'), username: bytes('otus') })).toBe(
      'e75646080c2cdaf6a84657648057170b1c1ad70f1b1ef31db2f5c98d',
    );
  });
});

describe('createdByLabelValue', () => {
  it('is SHA3-224 of namespace/name and fits a label value', () => {
    const value = createdByLabelValue('default', 'database-credentials');
    expect(value).toBe('8e574d60ee26c05f26050adf9cdd37744b673c6d876311cca54a3dfb');
    expect(value.length).toBeLessThanOrEqual(63);
  });
});
