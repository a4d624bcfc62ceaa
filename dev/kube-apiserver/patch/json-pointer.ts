import { malformedPatch } from './patch-errors.ts';

/**
 * RFC 6901 JSON pointers: `""` is the whole document, `/a/b` walks keys, `~1` stands for `/` and
 * `~0` for `~`.
 */

/** The reference tokens of `pointer`, unescaped. Throws 400 BadRequest when the syntax is wrong. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw malformedPatch(`JSON pointer ${JSON.stringify(pointer)} must be empty or start with "/"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => unescapeToken(token, pointer));
}

function unescapeToken(token: string, pointer: string): string {
  if (/~(?![01])/.test(token)) {
    throw malformedPatch(`JSON pointer ${JSON.stringify(pointer)} has a "~" not followed by 0 or 1`);
  }
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** The pointer that `parsePointer` turns into `tokens`. */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((token) => `/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * The array index a token names, or undefined when it is not a canonical non-negative integer
 * (RFC 6901 forbids leading zeros). `-` is handled by callers that accept it.
 */
export function parseArrayIndex(token: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;
}
