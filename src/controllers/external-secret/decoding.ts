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
  // Go's StdEncoding and URLEncoding are both padded: a length that is not a multiple of 4 is refused.
  if (!alphabet.test(text) || text.length % 4 !== 0) return undefined;
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

/** What ESO's `convert` keeps: Go's `unicode.IsLetter`/`IsNumber`, '-', '.' and '_'. */
const KEPT_KEY_CHARACTER = /^[\p{L}\p{N}._-]$/u;

/**
 * ESO's key conversion for provider keys: each character that is not a letter, a number, '-',
 * '.' or '_' becomes `_` (`Default`) or `_U%04x_` with its code point in lower-case hex
 * (`Unicode`). Letters outside ASCII are kept, as ESO does; `desiredSecret` then refuses the key.
 */
export function convertKey(key: string, strategy: ConversionStrategy | undefined): string {
  let converted = '';
  for (const char of key) {
    if (KEPT_KEY_CHARACTER.test(char)) converted += char;
    else if (strategy === 'Unicode') converted += `_U${char.codePointAt(0)!.toString(16).padStart(4, '0')}_`;
    else converted += '_';
  }
  return converted;
}
