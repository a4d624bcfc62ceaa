/**
 * Decoding Key Vault event data (reference §7.2): PascalCase on the wire (`Id`, `VaultName`,
 * `ObjectType`, `ObjectName`, `Version`, `NBF`, `EXP`), matched here case-insensitively and with
 * keys and values trimmed (the documented samples carry stray spaces, and the SDK's types are
 * camelCase). `NBF`/`EXP` come as numbers, numeric strings or null.
 */
import { KvsyncError } from '../errors.ts';
import type { EventEnvelope } from './envelope.ts';
import { parseKeyVaultEventType } from './event-types.ts';
import type { VaultObjectEvent } from './types.ts';

type Fields = ReadonlyMap<string, unknown>;

function bad(envelope: EventEnvelope, message: string): never {
  throw new KvsyncError(
    'ERR_WEBHOOK_BAD_EVENT',
    `read key vault event '${envelope.id}' (${envelope.type}): ${message}`,
  );
}

function fieldsOf(envelope: EventEnvelope): Fields {
  const data = envelope.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    bad(envelope, "'data' is not an object");
  return new Map(Object.entries(data).map(([key, value]) => [key.trim().toLowerCase(), value]));
}

function text(envelope: EventEnvelope, fields: Fields, name: string): string | undefined {
  const value = fields.get(name.toLowerCase());
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') bad(envelope, `'${name}' is not a string`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function seconds(envelope: EventEnvelope, fields: Fields, name: string): number | undefined {
  const value = fields.get(name.toLowerCase());
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
  if (!Number.isFinite(number)) bad(envelope, `'${name}' is not a number of seconds`);
  return number;
}

function objectUrl(envelope: EventEnvelope, id: string | undefined): URL | undefined {
  if (id === undefined) return undefined;
  try {
    return new URL(id);
  } catch {
    return bad(envelope, "'Id' is not a URL");
  }
}

/** `our-vault.vault.azure.net` (or another cloud's `.vault.` suffix) → `our-vault`. */
function vaultFromHost(url: URL | undefined): string | undefined {
  return url === undefined ? undefined : /^([^.]+)\.vault\./i.exec(url.hostname)?.[1];
}

/** `/subscriptions/…/providers/Microsoft.KeyVault/vaults/{name}` → name. */
function vaultFromTopic(source: string): string | undefined {
  return /\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)/i.exec(source)?.[1];
}

/**
 * The Key Vault object event an envelope carries; undefined when its type is not one of the
 * nine object event types (the caller acknowledges and ignores it). Throws
 * `ERR_WEBHOOK_BAD_EVENT` when the data cannot name the vault, object and version.
 * `receivedAtMs` stands in for a CloudEvent without `time`.
 */
export function toVaultObjectEvent(
  envelope: EventEnvelope,
  receivedAtMs: number,
): VaultObjectEvent | undefined {
  const type = parseKeyVaultEventType(envelope.type);
  if (type === undefined) return undefined;
  const fields = fieldsOf(envelope);
  const url = objectUrl(envelope, text(envelope, fields, 'Id'));
  const vaultName = (
    text(envelope, fields, 'VaultName') ??
    vaultFromHost(url) ??
    vaultFromTopic(envelope.source)
  )?.toLowerCase();
  if (vaultName === undefined || vaultName === '') bad(envelope, 'no vault name');
  const objectName = text(envelope, fields, 'ObjectName') ?? (envelope.subject?.trim() || undefined);
  if (objectName === undefined) bad(envelope, 'no object name');
  const version = text(envelope, fields, 'Version') ?? url?.pathname.split('/').filter(Boolean)[2];
  if (version === undefined) bad(envelope, 'no version');
  const nbf = seconds(envelope, fields, 'NBF');
  const exp = seconds(envelope, fields, 'EXP');
  return {
    vaultName,
    vaultHost: url?.host.toLowerCase() ?? `${vaultName}.vault.azure.net`,
    objectType: type.objectType,
    objectName,
    version,
    eventType: envelope.type,
    eventId: envelope.id,
    eventTime: envelope.time ?? new Date(receivedAtMs).toISOString(),
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
}
