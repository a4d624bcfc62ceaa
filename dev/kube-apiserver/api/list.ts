import { badRequest } from '../errors.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../selectors.ts';
import type { ResourceType } from '../resources/resource-type.ts';
import type { KubeObject } from '../types.ts';
import { toServed } from './objects.ts';
import type { ObjectApi, Target } from './object-api.ts';

/** Lists and the filters that lists and watches share. */

export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Page size; 0 or undefined = everything. */
  limit?: number | undefined;
  continue?: string | undefined;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Decides whether a stored object (in served form) belongs to a list or watch. */
export type ObjectFilter = (object: KubeObject) => boolean;

export function buildFilter(
  type: ResourceType,
  namespace: string | undefined,
  options: ListOptions,
): ObjectFilter {
  const labels = options.labelSelector ? parseLabelSelector(options.labelSelector) : [];
  const fields = options.fieldSelector
    ? parseFieldSelector(options.fieldSelector, type.kind, type.group)
    : [];
  return (object) =>
    (namespace === undefined || object.metadata.namespace === namespace) &&
    matchesLabels(labels, object.metadata.labels) &&
    matchesFields(fields, object, type.kind, type.group);
}

interface ContinueToken {
  rv: string;
  after: string;
}

/** The index of the first of the sorted `keys` that is `key` or after it (`after`: strictly after). */
function firstIndex(keys: readonly string[], key: string, after = false): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (keys[middle]! < key || (after && keys[middle] === key)) low = middle + 1;
    else high = middle;
  }
  return low;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof parsed.after === 'string' && typeof parsed.rv === 'string') return parsed;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: the continue token could not be decoded');
}

/**
 * Objects of the target's namespace (or all), filtered and ordered by namespace/name as etcd
 * orders keys, in pages of `limit` with an opaque continue token.
 */
export function listObjects(api: ObjectApi, target: Target, options: ListOptions = {}): ListResult {
  const { type, version } = target;
  const namespace = type.namespaced ? target.namespace : undefined;
  const filter = buildFilter(type, namespace, options);
  const resourceVersion = String(api.store.resourceVersion);
  // Filter and order on shallow views of the (frozen) stored objects; copy only what is returned.
  const view = (stored: KubeObject): KubeObject => (type.fromStorage ? type.fromStorage(stored) : stored);
  const after = options.continue ? decodeContinue(options.continue).after : undefined;
  // Keys are `namespace/name`; '0' follows '/', so one namespace's keys lie before `${namespace}0`.
  const keys = api.store.sortedKeys(type.bucket);
  const from = namespace === undefined ? 0 : firstIndex(keys, `${namespace}/`);
  const end = namespace === undefined ? keys.length : firstIndex(keys, `${namespace}0`);
  const start = after === undefined ? from : Math.max(from, firstIndex(keys, after, true));
  const limit = options.limit ?? 0;
  const selected: Array<{ stored: KubeObject; key: string }> = [];
  // One more than a page tells whether another page follows.
  for (let next = start; next < end && (limit === 0 || selected.length <= limit); next++) {
    const stored = api.store.getByKey(type.bucket, keys[next]!)!;
    if (filter(view(stored))) selected.push({ stored, key: keys[next]! });
  }
  const paged = limit > 0 && selected.length > limit;
  if (paged) selected.length = limit;
  const items = selected.map(({ stored }) => toServed(type, version, stored));
  if (!paged) return { items, resourceVersion };
  const last = selected[selected.length - 1]!.key;
  const token: ContinueToken = { rv: resourceVersion, after: last };
  // As the API server: what remains is counted only for a list without selectors.
  const counted = !options.labelSelector && !options.fieldSelector;
  return {
    items,
    resourceVersion,
    continue: Buffer.from(JSON.stringify(token)).toString('base64url'),
    ...(counted ? { remainingItemCount: end - firstIndex(keys, last, true) } : {}),
  };
}
