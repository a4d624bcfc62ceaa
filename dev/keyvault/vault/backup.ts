import { badParameter, type ObjectKind } from './errors.ts';
import type { Versioned } from './model.ts';

/**
 * Backup blobs: opaque to clients (the SDK hands back the bytes it got), readable by any vault
 * of this emulator. Not encrypted: the emulator holds test data only.
 */

const FORMAT = 'kvsync-emulator-backup/1';

interface BackupEnvelope {
  format: typeof FORMAT;
  kind: ObjectKind;
  object: unknown;
}

/** Encodes `object` (all its versions) as the base64url `value` of a backup answer. */
export function encodeBackup<V>(kind: ObjectKind, object: Versioned<V>): string {
  const envelope: BackupEnvelope = { format: FORMAT, kind, object };
  return Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
}

/** Decodes a blob made by `encodeBackup`; `BadParameter` for anything else. */
export function decodeBackup<V>(kind: ObjectKind, blob: unknown): Versioned<V> {
  if (typeof blob !== 'string' || blob.length === 0) throw badParameter("The parameter 'value' is required.");
  let envelope: Partial<BackupEnvelope>;
  try {
    envelope = JSON.parse(Buffer.from(blob, 'base64url').toString('utf8')) as Partial<BackupEnvelope>;
  } catch {
    throw badParameter('The backup blob is not valid.');
  }
  if (envelope.format !== FORMAT || envelope.kind !== kind)
    throw badParameter('The backup blob is not valid.');
  const object = envelope.object as Versioned<V> | undefined;
  if (
    !object ||
    typeof object.name !== 'string' ||
    !Array.isArray(object.versions) ||
    !object.versions.length
  )
    throw badParameter('The backup blob is not valid.');
  return object;
}
