import { createHmac } from 'node:crypto';
import { parseSourceKey, type SourceKey } from './references.ts';
import type { SourceObject } from './types.ts';

/**
 * Content hashes of Secrets and ConfigMaps, and the record of them kept on workloads.
 *
 * The hash is an HMAC-SHA-256 keyed by the object's uid over its sorted keys and values,
 * truncated to 128 bits (32 hex). It changes when and only when the data changes (metadata
 * does not count, as with Reloader); keying by uid means a hash seen on a pod template cannot
 * be checked against guessed values without also knowing the Secret's uid, and a Secret that is
 * deleted and created again counts as changed. Reloader hashes with unkeyed SHA-1.
 */

const HASH_HEX_CHARS = 32;

/** The content hash of `source`'s `data` (and a ConfigMap's `binaryData`). */
export function contentHash(source: SourceObject): string {
  const mac = createHmac('sha256', `kvsync-reloader:${source.metadata.uid ?? ''}`);
  const feed = (prefix: string, map: Record<string, string> | undefined) => {
    for (const key of Object.keys(map ?? {}).sort()) mac.update(`${prefix}${key}\0${map![key]}\0`);
  };
  feed('d:', source.data);
  feed('b:', source.binaryData);
  return mac.digest('hex').slice(0, HASH_HEX_CHARS);
}

/** Hash per tracked source: what the pods were rolled for, or what the sources hold now. */
export type HashRecord = Readonly<Record<SourceKey, string>>;

/** Sorted, compact JSON; equal records give equal text. */
export function formatHashRecord(record: HashRecord): string {
  const sorted = Object.keys(record)
    .sort()
    .map((key) => [key, record[key as SourceKey]]);
  return JSON.stringify(Object.fromEntries(sorted));
}

/** The record in `text`; undefined when absent or not a record (then kvsync treats it as unseen). */
export function parseHashRecord(text: string | undefined): HashRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const record: Record<SourceKey, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (parseSourceKey(key) && typeof value === 'string') record[key as SourceKey] = value;
    }
    return record;
  } catch {
    return undefined;
  }
}

/** True when both records hold the same keys with the same hashes. */
export function sameRecord(a: HashRecord, b: HashRecord): boolean {
  return formatHashRecord(a) === formatHashRecord(b);
}
