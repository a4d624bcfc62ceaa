import {
  latest,
  RECOVERABLE_DAYS,
  RECOVERY_LEVEL,
  type Deleted,
  type ObjectAttributes,
  type SecretVersion,
  type Versioned,
} from '../vault/model.ts';

/**
 * JSON shapes of the secrets API (reference §2.5). `baseUrl` is the vault origin the client
 * used (`https://127.0.0.1:PORT` or `https://NAME.vault.azure.net[:PORT]`), so ids parse back
 * to the same vault.
 */

/** Attributes as sent: set fields plus the vault's recovery settings. */
export function attributesWire(attributes: ObjectAttributes): Record<string, unknown> {
  return {
    enabled: attributes.enabled,
    ...(attributes.nbf !== undefined ? { nbf: attributes.nbf } : {}),
    ...(attributes.exp !== undefined ? { exp: attributes.exp } : {}),
    created: attributes.created,
    updated: attributes.updated,
    recoveryLevel: RECOVERY_LEVEL,
    recoverableDays: RECOVERABLE_DAYS,
  };
}

function optional(version: SecretVersion): Record<string, unknown> {
  return {
    ...(version.contentType !== undefined ? { contentType: version.contentType } : {}),
    ...(version.tags !== undefined ? { tags: version.tags } : {}),
  };
}

/** SecretBundle; `value` only where the API returns it (set, get). */
export function secretBundle(
  baseUrl: string,
  name: string,
  version: SecretVersion,
  options: { withValue: boolean },
): Record<string, unknown> {
  return {
    ...(options.withValue ? { value: version.value } : {}),
    id: `${baseUrl}/secrets/${name}/${version.version}`,
    ...optional(version),
    attributes: attributesWire(version.attributes),
    ...(version.managed ? { kid: `${baseUrl}/keys/${name}/${version.version}`, managed: true } : {}),
  };
}

/** SecretItem of `GET /secrets` (id without version) or `GET /secrets/{name}/versions` (with). */
export function secretItem(
  baseUrl: string,
  name: string,
  version: SecretVersion,
  options: { versionedId: boolean },
): Record<string, unknown> {
  const id = `${baseUrl}/secrets/${name}${options.versionedId ? `/${version.version}` : ''}`;
  return {
    id,
    attributes: attributesWire(version.attributes),
    ...optional(version),
    ...(version.managed ? { managed: true } : {}),
  };
}

function deletedFields(baseUrl: string, deleted: Deleted<Versioned<SecretVersion>>): Record<string, unknown> {
  return {
    recoveryId: `${baseUrl}/deletedsecrets/${deleted.object.name}`,
    deletedDate: deleted.deletedDate,
    scheduledPurgeDate: deleted.scheduledPurgeDate,
  };
}

/** DeletedSecretBundle (never with a value). */
export function deletedSecretBundle(
  baseUrl: string,
  deleted: Deleted<Versioned<SecretVersion>>,
): Record<string, unknown> {
  const current = latest(deleted.object);
  return {
    ...deletedFields(baseUrl, deleted),
    ...secretBundle(baseUrl, deleted.object.name, current, { withValue: false }),
  };
}

/** DeletedSecretItem of `GET /deletedsecrets`. */
export function deletedSecretItem(
  baseUrl: string,
  deleted: Deleted<Versioned<SecretVersion>>,
): Record<string, unknown> {
  const current = latest(deleted.object);
  return {
    ...deletedFields(baseUrl, deleted),
    ...secretItem(baseUrl, deleted.object.name, current, { versionedId: false }),
  };
}
