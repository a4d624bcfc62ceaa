import { createHash } from 'node:crypto';

/**
 * ESO's hashes, byte for byte, so that Secrets and statuses written by ESO and by kvsync are
 * interchangeable: each is the SHA3-224 hex digest of what Go's `fmt.Sprintf("%+v", x)` prints
 * for a Go value (`esutils.ObjectHash`). Go prints maps with their keys sorted byte-wise,
 * strings raw, byte slices as decimal lists: `map[password:[115 51 99] user:[97]]`, and a nil
 * or empty map as `map[]`.
 */

/** SHA3-224 hex of `text`'s UTF-8 bytes, as `esutils.ObjectHash` of a value printing as `text`. */
function sha3(text: string): string {
  return createHash('sha3-224').update(text, 'utf8').digest('hex');
}

/** Go's map key order: byte-wise comparison of the UTF-8 encodings. */
function goKeyOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Go's `%+v` of a `map[string]string`: `map[a:b c:d]`; `map[]` when absent or empty. */
export function goFormatStringMap(map: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(map ?? {}).sort(goKeyOrder);
  return `map[${keys.map((key) => `${key}:${map![key]}`).join(' ')}]`;
}

/** Go's `%+v` of a `map[string][]byte`: `map[key:[98 97 114]]`; an empty value prints `[]`. */
export function goFormatByteMap(data: Readonly<Record<string, Uint8Array>>): string {
  const keys = Object.keys(data).sort(goKeyOrder);
  return `map[${keys.map((key) => `${key}:[${Array.from(data[key]!).join(' ')}]`).join(' ')}]`;
}

/** The metadata the hashes read; labels and annotations absent mean empty. */
export interface HashedMeta {
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * ESO's `HashMeta`: SHA3-224 of `{annotations:map[…] labels:map[…]}`. Any label or annotation
 * change (added, changed or removed) changes it; nothing else does.
 */
export function hashMeta(meta: HashedMeta): string {
  return sha3(
    `{annotations:${goFormatStringMap(meta.annotations)} labels:${goFormatStringMap(meta.labels)}}`,
  );
}

/**
 * ESO's `GetResourceVersion`: `<generation>-<hashMeta>`, written to
 * `status.syncedResourceVersion` on each successful sync; a missing generation counts as 0.
 * It differs from the stored value exactly when the spec (generation) or the metadata changed.
 */
export function syncedResourceVersion(meta: HashedMeta): string {
  return `${meta.generation ?? 0}-${hashMeta(meta)}`;
}

/** ESO's data hash (`reconcile.external-secrets.io/data-hash`) of a Secret's decoded `data`. */
export function dataHash(data: Readonly<Record<string, Uint8Array>>): string {
  return sha3(goFormatByteMap(data));
}

/** `dataHash` of a Secret's `data` as the API serves it (base64 values); absent means empty. */
export function dataHashOfEncoded(data: Readonly<Record<string, string>> | undefined): string {
  const decoded: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(data ?? {})) decoded[key] = Buffer.from(value, 'base64');
  return dataHash(decoded);
}

/** Value of the `reconcile.external-secrets.io/created-by` label: SHA3-224 of `namespace/name`. */
export function createdByLabelValue(namespace: string, name: string): string {
  return sha3(`${namespace}/${name}`);
}
