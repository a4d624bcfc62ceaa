import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  audienceClaim,
  decodeJwt,
  publicJwk,
  signJwt,
  verifyJwtSignature,
  verifyWithJwks,
  type Jwk,
} from './jwt.ts';

// Compact JWS: decoding, RS256 signing, and verification of the algorithms assertions use.

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function segment(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function signWith(alg: 'PS256' | 'ES256', key: KeyObject, claims: object, kid = 'k1'): string {
  const input = `${segment({ alg, kid })}.${segment(claims)}`;
  const options =
    alg === 'PS256'
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : { key, dsaEncoding: 'ieee-p1363' as const };
  return `${input}.${sign('sha256', Buffer.from(input), options).toString('base64url')}`;
}

describe('jwt', () => {
  it('signs RS256 tokens that verify with the public JWK and not after tampering', () => {
    const token = signJwt({ sub: 'a', aud: ['x', 'y'] }, rsa.privateKey, 'k1');
    const jwt = decodeJwt(token)!;
    expect(jwt.header).toEqual({ typ: 'JWT', alg: 'RS256', kid: 'k1' });
    expect(audienceClaim(jwt.claims)).toEqual(['x', 'y']);
    expect(verifyWithJwks(jwt, { keys: [publicJwk(rsa.publicKey, 'k1')] })).toBe(true);
    const [h, , s] = token.split('.');
    const tampered = decodeJwt(`${h}.${segment({ sub: 'b' })}.${s}`)!;
    expect(verifyJwtSignature(tampered, rsa.publicKey)).toBe(false);
  });

  it('verifies PS256 (MSAL certificate assertions) and ES256', () => {
    expect(verifyJwtSignature(decodeJwt(signWith('PS256', rsa.privateKey, { a: 1 }))!, rsa.publicKey)).toBe(
      true,
    );
    const ecJwk: Jwk = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'k1' };
    expect(verifyWithJwks(decodeJwt(signWith('ES256', ec.privateKey, { a: 1 }))!, { keys: [ecJwk] })).toBe(
      true,
    );
  });

  it('uses only the key the kid names, and refuses alg none', () => {
    const token = decodeJwt(signJwt({}, rsa.privateKey, 'k1'))!;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(verifyWithJwks(token, { keys: [publicJwk(rsa.publicKey, 'k2')] })).toBe(false);
    expect(
      verifyWithJwks(token, { keys: [publicJwk(other.publicKey, 'k1'), publicJwk(rsa.publicKey, 'k3')] }),
    ).toBe(false);
    const none = decodeJwt(`${segment({ alg: 'none' })}.${segment({ sub: 'a' })}.`)!;
    expect(verifyWithJwks(none, { keys: [publicJwk(rsa.publicKey, 'k1')] })).toBe(false);
  });

  it.each([
    '',
    'a.b',
    'a.b.c.d',
    `${segment([])}.${segment({})}.x`,
    `${segment({ alg: 1 })}.${segment({})}.x`,
    '!!.??.x',
    'eyJ.eyJ.x',
  ])('refuses malformed token %j', (token) => {
    expect(decodeJwt(token)).toBeUndefined();
  });
});
