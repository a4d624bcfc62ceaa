import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { badParameter } from './errors.ts';
import {
  bodyObject,
  checkName,
  newAttributes,
  newVersion,
  parseAttributes,
  parseTags,
  updateAttributes,
  type AttributeInput,
} from './input.ts';
import type { KeyVersion, PrivateJwk, VaultData, Versioned } from './model.ts';
import { findLive, findVersion, objectForWrite, storeLive } from './table.ts';

/**
 * Key operations: create (RSA, EC) and import with Node's crypto, get, update. Private parts
 * stay inside; the wire only shows the public JWK.
 */

type KeyType = KeyVersion['kty'];

const RSA_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'];
const EC_OPS = ['sign', 'verify'];
const CURVES: Record<string, string> = {
  'P-256': 'P-256',
  'P-384': 'P-384',
  'P-521': 'P-521',
  'P-256K': 'secp256k1',
};
const RSA_SIZES = [2048, 3072, 4096];

function keyType(value: unknown): KeyType {
  if (value === 'RSA' || value === 'RSA-HSM' || value === 'EC' || value === 'EC-HSM') return value;
  throw badParameter(
    `The key type (kty) must be one of RSA, RSA-HSM, EC, EC-HSM; oct keys are not emulated.`,
  );
}

function keyOps(value: unknown, kty: KeyType): string[] {
  if (value === undefined || value === null) return kty.startsWith('RSA') ? [...RSA_OPS] : [...EC_OPS];
  if (!Array.isArray(value) || !value.every((op) => typeof op === 'string'))
    throw badParameter("Invalid value for 'key_ops': expected an array of strings.");
  return value as string[];
}

/** A new key pair for `kty` with the requested size or curve. */
export function generateKey(kty: KeyType, keySize: unknown, curve: unknown): KeyObject {
  if (kty.startsWith('RSA')) {
    const size = keySize === undefined || keySize === null ? 2048 : keySize;
    if (typeof size !== 'number' || !RSA_SIZES.includes(size))
      throw badParameter(`Invalid key size: RSA keys are 2048, 3072 or 4096 bits.`);
    return generateKeyPairSync('rsa', { modulusLength: size }).privateKey;
  }
  const crv = curve === undefined || curve === null ? 'P-256' : curve;
  const named = typeof crv === 'string' ? CURVES[crv] : undefined;
  if (!named) throw badParameter(`Invalid curve: one of ${Object.keys(CURVES).join(', ')}.`);
  return generateKeyPairSync('ec', { namedCurve: named }).privateKey;
}

/** The JWK of a private key, as stored. */
export function privateJwkOf(key: KeyObject): PrivateJwk {
  return key.export({ format: 'jwk' }) as PrivateJwk;
}

/** Adds a key version; shared by create, import and certificates (which pass `managed`). */
export function addKeyVersion(
  vault: VaultData,
  name: string,
  parts: {
    jwk: PrivateJwk;
    kty: KeyType;
    keyOps: string[];
    attributes: AttributeInput | undefined;
    tags: Record<string, string> | undefined;
    managed?: boolean;
    version?: string;
  },
  now: number,
): { object: Versioned<KeyVersion>; version: KeyVersion } {
  checkName(name, 'Key');
  const object = objectForWrite(vault.keys, 'Key', name);
  const version: KeyVersion = {
    version: parts.version ?? newVersion(),
    privateJwk: parts.jwk,
    kty: parts.kty,
    keyOps: parts.keyOps,
    attributes: newAttributes(parts.attributes, now),
    ...(parts.tags ? { tags: parts.tags } : {}),
    ...(parts.managed ? { managed: true, exportable: true } : {}),
  };
  object.versions.push(version);
  storeLive(vault.keys, object);
  return { object, version };
}

/** `createKey` (`POST /keys/{name}/create`). */
export function createKey(
  vault: VaultData,
  name: string,
  body: unknown,
  now: number,
): { object: Versioned<KeyVersion>; version: KeyVersion } {
  checkName(name, 'Key');
  const input = bodyObject(body);
  const kty = keyType(input.kty);
  const tags = parseTags(input.tags);
  const attributes = parseAttributes(input.attributes);
  const ops = keyOps(input.key_ops, kty);
  const jwk = privateJwkOf(generateKey(kty, input.key_size, input.crv));
  return addKeyVersion(vault, name, { jwk, kty, keyOps: ops, attributes, tags }, now);
}

function importedKey(jwk: Record<string, unknown>): { key: KeyObject; kty: KeyType } {
  const kty = keyType(jwk.kty);
  const material: Record<string, unknown> = { kty: kty.startsWith('RSA') ? 'RSA' : 'EC' };
  for (const member of ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi', 'crv', 'x', 'y'])
    if (typeof jwk[member] === 'string') material[member] = jwk[member];
  if (material.crv === 'P-256K') material.crv = 'secp256k1';
  try {
    const key =
      typeof material.d === 'string'
        ? createPrivateKey({ key: material as JsonWebKey, format: 'jwk' })
        : createPublicKey({ key: material as JsonWebKey, format: 'jwk' });
    return { key, kty };
  } catch {
    throw badParameter('The key material is not a valid JSON web key.');
  }
}

/** `importKey` (`PUT /keys/{name}`): an RSA or EC JWK, with or without its private part. */
export function importKey(
  vault: VaultData,
  name: string,
  body: unknown,
  now: number,
): { object: Versioned<KeyVersion>; version: KeyVersion } {
  checkName(name, 'Key');
  const input = bodyObject(body);
  if (typeof input.key !== 'object' || input.key === null)
    throw badParameter("The parameter 'key' is required.");
  const jwkInput = input.key as Record<string, unknown>;
  const { key, kty } = importedKey(jwkInput);
  const hsm = input.Hsm === true && !kty.endsWith('-HSM') ? (`${kty}-HSM` as KeyType) : kty;
  const jwk = key.export({ format: 'jwk' }) as PrivateJwk;
  const ops = keyOps(jwkInput.key_ops, hsm);
  return addKeyVersion(
    vault,
    name,
    {
      jwk,
      kty: hsm,
      keyOps: ops,
      attributes: parseAttributes(input.attributes),
      tags: parseTags(input.tags),
    },
    now,
  );
}

/** `getKey`: a version (current when empty). Disabled keys are still readable (public part only). */
export function getKey(
  vault: VaultData,
  name: string,
  version: string | undefined,
): { object: Versioned<KeyVersion>; version: KeyVersion } {
  const object = findLive(vault.keys, 'Key', name);
  return { object, version: findVersion(object, 'Key', version) };
}

/** `updateKey` (`PATCH /keys/{name}/{version}`): attributes, tags and key_ops. */
export function updateKey(
  vault: VaultData,
  name: string,
  version: string | undefined,
  body: unknown,
  now: number,
): { object: Versioned<KeyVersion>; version: KeyVersion } {
  const { object, version: found } = getKey(vault, name, version);
  const input = bodyObject(body);
  const tags = parseTags(input.tags);
  found.attributes = updateAttributes(found.attributes, parseAttributes(input.attributes), now);
  if (tags !== undefined) found.tags = tags;
  if (input.key_ops !== undefined) found.keyOps = keyOps(input.key_ops, found.kty);
  return { object, version: found };
}

/** The public members of a stored JWK. */
export function publicJwk(jwk: PrivateJwk): Record<string, string> {
  if (jwk.kty === 'RSA') return { n: jwk.n!, e: jwk.e! };
  return { crv: jwk.crv === 'secp256k1' ? 'P-256K' : jwk.crv!, x: jwk.x!, y: jwk.y! };
}
