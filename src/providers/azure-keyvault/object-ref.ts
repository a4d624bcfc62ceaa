import { ProviderError } from '../errors.ts';

/**
 * ESO's Azure key syntax (`getObjType`): `remoteRef.key` split on `/`; with two parts or more,
 * the first is the object type (`secret`, `key`, `cert`) and the second the name (later parts
 * are ignored); without a slash it is a secret.
 */

export type AzureObjectType = 'secret' | 'key' | 'cert';

export interface AzureObjectRef {
  type: AzureObjectType;
  name: string;
}

const TYPES: readonly string[] = ['secret', 'key', 'cert'];

/** Throws ERR_INVALID_RESOURCE for an unknown type prefix or an empty name. */
export function parseObjectKey(key: string): AzureObjectRef {
  const parts = key.split('/');
  const type = parts.length >= 2 ? parts[0]! : 'secret';
  const name = parts.length >= 2 ? parts[1]! : key;
  if (!TYPES.includes(type))
    throw new ProviderError(
      'ERR_INVALID_RESOURCE',
      `remoteRef.key '${key}': unknown Azure Key Vault object type '${type}' (use secret/, key/ or cert/)`,
    );
  if (!name) throw new ProviderError('ERR_INVALID_RESOURCE', `remoteRef.key '${key}' names no object`);
  return { type: type as AzureObjectType, name };
}

/** How messages name an object: `secret 'db'`, `certificate 'tls'`. */
export function describeObject(ref: AzureObjectRef, version?: string): string {
  const noun = ref.type === 'cert' ? 'certificate' : ref.type;
  return `${noun} '${ref.name}'${version ? ` (version ${version})` : ''}`;
}
