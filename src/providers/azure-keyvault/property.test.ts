import { describe, expect, it } from 'vitest';
import { isProviderError } from '../errors.ts';
import { extractProperty, jsonObjectEntries, tagEntries, tagProperty, tagsJson } from './property.ts';

const str = (buffer: Buffer) => buffer.toString('utf8');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isProviderError(error) ? error.code : String(error);
  }
}

describe('extractProperty (ESO getProperty)', () => {
  const value = '{"username":"app","port":5432,"db":{"host":"pg"},"a.b":"literal","a":{"c":"nested"}}';

  it('returns the whole value without a property, JSON or not', () => {
    expect(str(extractProperty('s3cret', undefined, "secret 'x'"))).toBe('s3cret');
    expect(str(extractProperty('s3cret', '', "secret 'x'"))).toBe('s3cret');
  });

  it('reads paths: strings unquoted, other values as JSON', () => {
    expect(str(extractProperty(value, 'username', "secret 'x'"))).toBe('app');
    expect(str(extractProperty(value, 'port', "secret 'x'"))).toBe('5432');
    expect(str(extractProperty(value, 'db', "secret 'x'"))).toBe('{"host":"pg"}');
    expect(str(extractProperty(value, 'db.host', "secret 'x'"))).toBe('pg');
  });

  it('retries a dotted property as one literal key on a miss', () => {
    expect(str(extractProperty(value, 'a.b', "secret 'x'"))).toBe('literal');
    expect(str(extractProperty(value, 'a.c', "secret 'x'"))).toBe('nested');
    expect(str(extractProperty(value, 'a\\.b', "secret 'x'"))).toBe('literal');
  });

  it('fails with ERR_PROPERTY_NOT_FOUND naming property and object, never the value', () => {
    let message = '';
    try {
      extractProperty(value, 'password', "secret 'db-credentials'");
    } catch (error) {
      expect(isProviderError(error, 'ERR_PROPERTY_NOT_FOUND')).toBe(true);
      message = (error as Error).message;
    }
    expect(message).toContain("'password'");
    expect(message).toContain("secret 'db-credentials'");
    expect(message).not.toContain('app');
  });

  it('fails with ERR_DECODING when the value is not JSON', () => {
    expect(codeOf(() => extractProperty('s3cret', 'user', "secret 'x'"))).toBe('ERR_DECODING');
  });
});

describe('tags (metadataPolicy: Fetch)', () => {
  const tags = { zeta: 'z', alpha: 'a', config: '{"region":"eu","size":3}' };

  it('gives all tags as JSON with sorted keys', () => {
    expect(tagsJson(tags)).toBe('{"alpha":"a","config":"{\\"region\\":\\"eu\\",\\"size\\":3}","zeta":"z"}');
    expect(str(tagProperty(tags, undefined, "secret 'x'"))).toBe(tagsJson(tags));
  });

  it('gives one tag, or a path into a JSON tag', () => {
    expect(str(tagProperty(tags, 'alpha', "secret 'x'"))).toBe('a');
    expect(str(tagProperty(tags, 'config.region', "secret 'x'"))).toBe('eu');
    expect(str(tagProperty(tags, 'config.size', "secret 'x'"))).toBe('3');
  });

  it('fails with ERR_PROPERTY_NOT_FOUND for a missing tag or path', () => {
    expect(codeOf(() => tagProperty(tags, 'missing', "secret 'x'"))).toBe('ERR_PROPERTY_NOT_FOUND');
    expect(codeOf(() => tagProperty(tags, 'config.missing', "secret 'x'"))).toBe('ERR_PROPERTY_NOT_FOUND');
    expect(codeOf(() => tagProperty(tags, 'alpha.x', "secret 'x'"))).toBe('ERR_DECODING');
  });

  it('expands tags for extract as <name>_<tag>, flattening JSON objects of strings', () => {
    const entries = tagEntries(
      { env: 'prod', owner: '{"team":"db","oncall":"ana"}', n: '{"x":1}' },
      'db',
      undefined,
      'x',
    );
    expect(Object.fromEntries([...entries].map(([k, v]) => [k, str(v)]))).toEqual({
      db_env: 'prod',
      db_owner_team: 'db',
      db_owner_oncall: 'ana',
      db_n: '{"x":1}',
    });
  });

  it('keeps only <name>_<property> with a property, and fails when it is not there', () => {
    const entries = tagEntries({ env: 'prod', other: 'x' }, 'db', 'env', "secret 'db'");
    expect([...entries.keys()]).toEqual(['db_env']);
    expect(codeOf(() => tagEntries({ env: 'prod' }, 'db', 'nope', "secret 'db'"))).toBe(
      'ERR_PROPERTY_NOT_FOUND',
    );
  });
});

describe('jsonObjectEntries (dataFrom.extract)', () => {
  it('unquotes strings and keeps other values as written', () => {
    const entries = jsonObjectEntries('{"user":"app","port":5432,"tls":{"on": true},"n":null,"f":1.50}', 'x');
    expect(Object.fromEntries([...entries].map(([k, v]) => [k, str(v)]))).toEqual({
      user: 'app',
      port: '5432',
      tls: '{"on": true}',
      n: '',
      f: '1.50',
    });
  });

  it('fails with ERR_DECODING for values that are not JSON objects', () => {
    for (const value of ['s3cret', '[1,2]', '"text"', '42'])
      expect(codeOf(() => jsonObjectEntries(value, "secret 'x'"))).toBe('ERR_DECODING');
  });
});
