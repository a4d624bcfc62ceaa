import { describe, expect, it } from 'vitest';
import { KvsyncError } from '../../errors.ts';
import { convertKey, decodeValue, type DecodingStrategy } from './decoding.ts';

/*
 * ESO's `runtime/decoding`: Base64 is Go's padded StdEncoding, Base64URL Go's padded URLEncoding,
 * Auto tries Base64, then Base64URL, then keeps the bytes; empty means None. Key conversion is
 * ESO's `convert`: `_` (Default) or `_U%04x_` (Unicode, lower-case hex) for each character that
 * is not a letter, a digit, '-', '.' or '_'.
 */

const bytes = (text: string) => Buffer.from(text, 'utf8');

function decodingError(run: () => unknown): KvsyncError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KvsyncError);
    return error as KvsyncError;
  }
  throw new Error('expected ERR_DECODING');
}

describe('decodeValue', () => {
  it.each<[DecodingStrategy | undefined, string, string]>([
    [undefined, 'aGVsbG8=', 'aGVsbG8='],
    ['None', 'aGVsbG8=', 'aGVsbG8='],
    ['Base64', 'aGVsbG8=', 'hello'],
    ['Base64', '', ''],
    ['Base64', '+/8=', '\u00fb\u00ff'],
    ['Base64URL', '-_8=', '\u00fb\u00ff'],
    ['Base64URL', 'aGVsbG8=', 'hello'],
    // Auto: standard first, then URL, then the bytes as they are (ESO's own documentation example).
    ['Auto', 'aGFwcHkgc3RyZWV0', 'happy street'],
    ['Auto', '-_8=', '\u00fb\u00ff'],
    ['Auto', 'not base64!', 'not base64!'],
  ])('%s decodes %j to %j', (strategy, input, expected) => {
    expect(decodeValue(bytes(input), strategy, "'k'")).toEqual(Buffer.from(expected, 'latin1'));
  });

  it('keeps undecodable plain words under Auto, as ESO documents ("Gustavo" stays "Gustavo")', () => {
    // ESO's Base64URL is Go's padded URLEncoding: an unpadded word is not base64url, so Auto
    // keeps it. Decoding it as unpadded base64url would turn a plain password into garbage.
    expect(decodeValue(bytes('Gustavo'), 'Auto', "'name'").toString('utf8')).toBe('Gustavo');
    expect(decodeValue(bytes('Fring'), 'Auto', "'surname'").toString('utf8')).toBe('Fring');
  });

  it.each<[DecodingStrategy, string]>([
    ['Base64', 'not base64!'],
    ['Base64', 'aGVsbG8'], // unpadded: Go's StdEncoding refuses it
    ['Base64', '-_8='], // URL alphabet
    ['Base64URL', '+/8='], // standard alphabet
    ['Base64URL', 'Gustavo'], // unpadded: Go's URLEncoding refuses it
  ])('%s rejects %j with ERR_DECODING', (strategy, input) => {
    const error = decodingError(() =>
      decodeValue(bytes(input), strategy, "'pg-password' for key 'password'"),
    );
    expect(error.code).toBe('ERR_DECODING');
  });

  it('names the key, never the value, in its error', () => {
    const value = 'Sup3r$ecret!';
    const error = decodingError(() =>
      decodeValue(bytes(value), 'Base64', "'pg-password' for key 'password'"),
    );
    expect(error.message).toContain('pg-password');
    expect(error.message).not.toContain(value);
    expect(error.message).not.toContain(Buffer.from(value).toString('base64'));
  });
});

describe('convertKey', () => {
  it.each<[string, 'Default' | 'Unicode' | undefined, string]>([
    ['db.user-name_1', 'Default', 'db.user-name_1'],
    ['db.user-name_1', 'Unicode', 'db.user-name_1'],
    ['a/b c', 'Default', 'a_b_c'],
    ['a/b c', undefined, 'a_b_c'],
    ['a/b', 'Unicode', 'a_U002f_b'],
    ['x@y', 'Unicode', 'x_U0040_y'],
    ['key😀', 'Unicode', 'key_U1f600_'],
    ['key😀', 'Default', 'key_'],
    // Letters and numbers beyond ASCII are kept, as Go's unicode.IsLetter/IsNumber keep them.
    ['clé', 'Unicode', 'clé'],
    ['clé', 'Default', 'clé'],
  ])('%j with %s → %j', (key, strategy, expected) => {
    expect(convertKey(key, strategy)).toBe(expected);
  });
});
