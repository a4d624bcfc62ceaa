import { KvsyncError } from '../../errors.ts';

/**
 * ESO's value decoding (`remoteRef.decodingStrategy`) and key conversion
 * (`conversionStrategy`), applied after the provider returns and before the Secret is built.
 */

export type DecodingStrategy = 'None' | 'Base64' | 'Base64URL' | 'Auto';
export type ConversionStrategy = 'Default' | 'Unicode';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]*={0,2}$/;

function decodeStrict(value: Buffer, alphabet: RegExp, encoding: 'base64' | 'base64url'): Buffer | undefined {
  const text = value.toString('latin1').trim();
  if (!alphabet.test(text) || (encoding === 'base64' && text.length % 4 !== 0)) return undefined;
  return Buffer.from(text, encoding);
}

/**
 * Decodes `value` by `strategy` (empty means `None`). `Auto` tries standard base64, then URL
 * base64, then keeps the bytes. Throws ERR_DECODING naming `what` (a key, never the value).
 */
export function decodeValue(value: Buffer, strategy: DecodingStrategy | undefined, what: string): Buffer {
  switch (strategy ?? 'None') {
    case 'None':
      return value;
    case 'Base64':
      return decodeStrict(value, BASE64, 'base64') ?? failDecoding(what, 'Base64');
    case 'Base64URL':
      return decodeStrict(value, BASE64_URL, 'base64url') ?? failDecoding(what, 'Base64URL');
    case 'Auto':
      return decodeStrict(value, BASE64, 'base64') ?? decodeStrict(value, BASE64_URL, 'base64url') ?? value;
  }
}

function failDecoding(what: string, strategy: string): never {
  throw new KvsyncError('ERR_DECODING', `decode ${what}: the value is not valid ${strategy}`);
}

/** Characters allowed in a Secret data key. */
export const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

/**
 * Turns a provider key into a valid Secret key: each invalid character becomes `_`
 * (`Default`) or `_UXXXX_` with its code point (`Unicode`).
 */
export function convertKey(key: string, strategy: ConversionStrategy | undefined): string {
  let converted = '';
  for (const char of key) {
    if (/[-._a-zA-Z0-9]/.test(char)) converted += char;
    else if (strategy === 'Unicode')
      converted += `_U${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}_`;
    else converted += '_';
  }
  return converted;
}
