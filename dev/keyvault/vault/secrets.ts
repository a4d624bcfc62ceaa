import { badParameter, disabled, VaultError } from './errors.ts';
import {
  bodyObject,
  checkName,
  newAttributes,
  newVersion,
  parseAttributes,
  parseContentType,
  parseTags,
  updateAttributes,
} from './input.ts';
import type { SecretVersion, VaultData, Versioned } from './model.ts';
import { findLive, findVersion, objectForWrite, storeLive } from './table.ts';

/**
 * Secret operations on one vault's data: what `PUT/GET/PATCH /secrets/…` do, without HTTP.
 * Delete, recover, purge, list and backup are the shared lifecycle of `table.ts`.
 */

/** Azure's limit on a secret value: 25 KB. */
export const MAX_SECRET_VALUE_BYTES = 25 * 1024;

function checkValue(value: unknown): string {
  if (typeof value !== 'string')
    throw badParameter("The parameter 'value' is required and must be a string.");
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_VALUE_BYTES)
    throw badParameter(
      `The secret value exceeds the maximum allowed size of ${MAX_SECRET_VALUE_BYTES} bytes (25 KB).`,
    );
  return value;
}

function refuseManaged(object: Versioned<SecretVersion>, operation: string): void {
  if (object.versions.some((version) => version.managed))
    throw new VaultError(
      403,
      'Forbidden',
      `Operation ${operation} is not allowed on secret ${object.name}: it is managed by a certificate.`,
    );
}

/** `setSecret`: adds a version (creating the secret); returns the object and the new version. */
export function setSecret(
  vault: VaultData,
  name: string,
  body: unknown,
  now: number,
): { object: Versioned<SecretVersion>; version: SecretVersion } {
  checkName(name, 'Secret');
  const input = bodyObject(body);
  const value = checkValue(input.value);
  const contentType = parseContentType(input.contentType);
  const tags = parseTags(input.tags);
  const attributes = newAttributes(parseAttributes(input.attributes), now);
  const object = objectForWrite(vault.secrets, 'Secret', name);
  refuseManaged(object, 'set');
  const version: SecretVersion = {
    version: newVersion(),
    value,
    attributes,
    ...(contentType !== undefined ? { contentType } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  object.versions.push(version);
  storeLive(vault.secrets, object);
  return { object, version };
}

/** `getSecret`: a version (current when empty); 404 when missing, 403 when disabled. */
export function getSecret(
  vault: VaultData,
  name: string,
  version: string | undefined,
): { object: Versioned<SecretVersion>; version: SecretVersion } {
  const object = findLive(vault.secrets, 'Secret', name);
  const found = findVersion(object, 'Secret', version);
  if (!found.attributes.enabled) throw disabled('Secret', 'get');
  return { object, version: found };
}

/** `updateSecret`: changes attributes, content type and tags of one version (not its value). */
export function updateSecret(
  vault: VaultData,
  name: string,
  version: string | undefined,
  body: unknown,
  now: number,
): { object: Versioned<SecretVersion>; version: SecretVersion } {
  const object = findLive(vault.secrets, 'Secret', name);
  const found = findVersion(object, 'Secret', version);
  const input = bodyObject(body);
  const contentType = parseContentType(input.contentType);
  const tags = parseTags(input.tags);
  found.attributes = updateAttributes(found.attributes, parseAttributes(input.attributes), now);
  if (contentType !== undefined) found.contentType = contentType;
  if (tags !== undefined) found.tags = tags;
  return { object, version: found };
}

/** Refuses to delete a certificate's backing secret through the secrets API. */
export function checkSecretDeletable(vault: VaultData, name: string): void {
  refuseManaged(findLive(vault.secrets, 'Secret', name), 'delete');
}
