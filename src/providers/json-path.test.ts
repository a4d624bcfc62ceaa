import { describe, expect, it } from 'vitest';
import {
  escapeJsonPathComponent,
  getJsonPath,
  isJson,
  jsonObjectMembers,
  jsonSpanText,
  parseJsonPath,
} from './json-path.ts';

const text = (json: string, path: string) => {
  const span = getJsonPath(json, path);
  return span && jsonSpanText(span);
};

describe('parseJsonPath', () => {
  it('splits on dots and takes the character after a backslash literally', () => {
    expect(parseJsonPath('a.b.c')).toEqual(['a', 'b', 'c']);
    expect(parseJsonPath('a\\.b.c')).toEqual(['a.b', 'c']);
    expect(parseJsonPath('a\\\\.b')).toEqual(['a\\', 'b']);
    expect(parseJsonPath('')).toEqual(['']);
  });

  it('round-trips a key through escapeJsonPathComponent', () => {
    expect(parseJsonPath(escapeJsonPathComponent('a.b\\c'))).toEqual(['a.b\\c']);
  });
});

describe('getJsonPath', () => {
  const doc = `{
    "user": "admin", "port": 5432, "ratio": 1.50, "big": 12345678901234567890,
    "tiny": 1e-7, "huge": 1e21, "on": true, "off": false, "none": null,
    "nested": { "a.b": "dotted", "inner": { "deep": "x\\"y" } },
    "list": [ "zero", { "k": "v" }, [1, 2] ],
    "dup": 1, "dup": 2, "esc\\u0061ped": "ok", "sp ace": " kept "
  }`;

  it('reads strings unquoted and unescaped', () => {
    expect(text(doc, 'user')).toBe('admin');
    expect(text(doc, 'nested.inner.deep')).toBe('x"y');
    expect(text(doc, 'escaped')).toBe('ok');
    expect(text(doc, 'sp ace')).toBe(' kept ');
  });

  it('keeps integers as written, however large, and writes other numbers in plain decimals', () => {
    expect(text(doc, 'port')).toBe('5432');
    expect(text(doc, 'big')).toBe('12345678901234567890');
    expect(text(doc, 'ratio')).toBe('1.5');
    expect(text(doc, 'tiny')).toBe('0.0000001');
    expect(text(doc, 'huge')).toBe('1000000000000000000000');
  });

  it('gives booleans, null as empty, and containers as written', () => {
    expect(text(doc, 'on')).toBe('true');
    expect(text(doc, 'off')).toBe('false');
    expect(text(doc, 'none')).toBe('');
    expect(text(doc, 'list.1')).toBe('{ "k": "v" }');
    expect(getJsonPath(doc, 'list.2')).toEqual({ kind: 'array', raw: '[1, 2]' });
  });

  it('indexes arrays and walks through them', () => {
    expect(text(doc, 'list.0')).toBe('zero');
    expect(text(doc, 'list.1.k')).toBe('v');
    expect(text(doc, 'list.2.1')).toBe('2');
    expect(getJsonPath(doc, 'list.3')).toBeUndefined();
    expect(getJsonPath(doc, 'list.x')).toBeUndefined();
  });

  it('takes the first of repeated names, as gjson does', () => {
    expect(text(doc, 'dup')).toBe('1');
  });

  it('matches an escaped dot as part of the name', () => {
    expect(text(doc, 'nested.a\\.b')).toBe('dotted');
    expect(getJsonPath(doc, 'nested.a.b')).toBeUndefined();
  });

  it('finds nothing below a scalar or for a missing name', () => {
    expect(getJsonPath(doc, 'user.x')).toBeUndefined();
    expect(getJsonPath(doc, 'missing')).toBeUndefined();
    expect(getJsonPath('"plain"', 'a')).toBeUndefined();
  });

  it('selects the whole document for an empty path', () => {
    expect(getJsonPath(' [1] ', '')).toEqual({ kind: 'array', raw: '[1]' });
  });
});

describe('jsonObjectMembers', () => {
  it('lists members in order with raw values, the last of repeated names winning', () => {
    const members = jsonObjectMembers('{"a": "x", "b": {"c" : [1, 2]}, "a": 3}');
    expect([...members!.entries()]).toEqual([
      ['a', { kind: 'number', raw: '3' }],
      ['b', { kind: 'object', raw: '{"c" : [1, 2]}' }],
    ]);
  });

  it('is undefined for anything but an object', () => {
    expect(jsonObjectMembers('[1]')).toBeUndefined();
    expect(jsonObjectMembers('"s"')).toBeUndefined();
    expect(jsonObjectMembers('{}')!.size).toBe(0);
  });
});

describe('isJson', () => {
  it('accepts JSON documents and refuses other text', () => {
    expect(isJson('{"a":1}')).toBe(true);
    expect(isJson('3')).toBe(true);
    expect(isJson('s3cret')).toBe(false);
    expect(isJson('{"a":1')).toBe(false);
  });
});
