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

function sortKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;
}

const byKey = (a: { key: string }, b: { key: string }): number =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/**
 * The `count` entries with the smallest keys, in no order: a max-heap of `count` that each
 * smaller entry replaces the top of, so a page of a large list costs O(n log count).
 */
function firstByKey<T extends { key: string }>(entries: readonly T[], count: number): T[] {
  const heap: T[] = [];
  const sinkFrom = (start: number) => {
    for (let i = start; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < heap.length && byKey(heap[left]!, heap[largest]!) > 0) largest = left;
      if (right < heap.length && byKey(heap[right]!, heap[largest]!) > 0) largest = right;
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
      i = largest;
    }
  };
  for (const entry of entries) {
    if (heap.length < count) {
      heap.push(entry);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (byKey(heap[i]!, heap[parent]!) <= 0) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (byKey(entry, heap[0]!) < 0) {
      heap[0] = entry;
      sinkFrom(0);
    }
  }
  return heap;
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
  const matching: Array<{ stored: KubeObject; key: string }> = [];
  for (const stored of api.store.list(type.bucket, namespace)) {
    const key = sortKey(stored);
    if ((after === undefined || key > after) && filter(view(stored))) matching.push({ stored, key });
  }
  const limit = options.limit ?? 0;
  const paged = limit > 0 && matching.length > limit;
  // A page needs only the `limit` first keys: selecting them costs a pass, not a sort of the rest.
  const selected = (paged ? firstByKey(matching, limit) : matching).sort(byKey);
  const items = selected.map(({ stored }) => toServed(type, version, stored));
  if (!paged) return { items, resourceVersion };
  const token: ContinueToken = { rv: resourceVersion, after: selected[selected.length - 1]!.key };
  return {
    items,
    resourceVersion,
    continue: Buffer.from(JSON.stringify(token)).toString('base64url'),
    remainingItemCount: matching.length - limit,
  };
}
