import {
  isExpiredEvent,
  resourceVersionOf,
  type ListedObjects,
  type ListWatchSource,
  type WatchEventType,
  type WatchHandle,
} from '../runtime/index.ts';
import type { ListScope } from './types.ts';

/**
 * List and watch of one kind in several namespaces, for an operator whose rights are Roles in
 * those namespaces only (a Role never allows the cluster-wide list). One list and one watch per
 * namespace, merged into the single `ListWatchSource` an informer consumes.
 *
 * resourceVersions of different namespaces' collections are unrelated, so the merged source
 * keeps one per namespace itself: the version the informer hands back to `watch()` is ignored.
 * Each namespace's version starts at its list's and follows the events (bookmarks included) of
 * its watch; a new list resets them all.
 *
 * - a 410 in any namespace reaches the informer as the one ERROR 410 event (it relists all);
 * - the merged watch ends as soon as one namespace's watch ends, and fails when one fails; the
 *   others are aborted, and the next `watch()` resumes each namespace from its own version;
 * - a namespace's list or watch that cannot start fails the whole call (the informer retries).
 *
 * The versions are state of the source: give each informer a source of its own. `namespaces`
 * must not be empty (a watch of nothing would never end): `listWatchInNamespaces` picks.
 */
export function createNamespacesListWatch<T>(
  sourceFor: (namespace: string) => ListWatchSource<T>,
  namespaces: readonly string[],
): ListWatchSource<T> {
  const sources = new Map([...new Set(namespaces)].map((namespace) => [namespace, sourceFor(namespace)]));
  let versions = new Map<string, string>();
  return {
    async list(): Promise<ListedObjects<T>> {
      const listed = await Promise.all(
        [...sources].map(async ([namespace, source]) => ({ namespace, ...(await source.list()) })),
      );
      versions = new Map(listed.map(({ namespace, resourceVersion }) => [namespace, resourceVersion]));
      return {
        items: listed.flatMap(({ items }) => items),
        resourceVersion: describeVersions(versions),
      };
    },
    watch: (_resourceVersion, onEvent, signal) => watchAll(sources, versions, onEvent, signal),
  };
}

/** `namespace=version` pairs: what the informer keeps, for logs only; `watch()` never parses it. */
function describeVersions(versions: ReadonlyMap<string, string>): string {
  return [...versions].map(([namespace, version]) => `${namespace}=${version}`).join(',');
}

async function watchAll<T>(
  sources: ReadonlyMap<string, ListWatchSource<T>>,
  versions: Map<string, string>,
  onEvent: (type: WatchEventType, object: T) => void,
  signal: AbortSignal | undefined,
): Promise<WatchHandle> {
  if (signal?.aborted) throw signal.reason;
  // One controller for every namespace's watch: whoever ends first ends them all.
  const all = new AbortController();
  const stopAll = () => all.abort(new Error('watch of several namespaces ended'));
  signal?.addEventListener('abort', stopAll, { once: true });
  const forward = (namespace: string) => (type: WatchEventType, object: T) => {
    if (all.signal.aborted) return;
    if (type !== 'ERROR') {
      const version = resourceVersionOf(object);
      if (version !== '') versions.set(namespace, version);
    }
    onEvent(type, object);
    // After a 410 that namespace's stream ends; the informer relists everything anyway.
    if (type === 'ERROR' && isExpiredEvent(object)) stopAll();
  };
  const opened = await Promise.allSettled(
    [...sources].map(([namespace, source]) =>
      source.watch(versions.get(namespace) ?? '', forward(namespace), all.signal),
    ),
  );
  const handles = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = opened.find((result) => result.status === 'rejected');
  const endAll = () => {
    stopAll();
    for (const handle of handles) handle.abort();
  };
  if (failed || signal?.aborted) {
    endAll();
    signal?.removeEventListener('abort', stopAll);
    throw signal?.aborted ? signal.reason : (failed as PromiseRejectedResult).reason;
  }
  all.signal.addEventListener('abort', endAll, { once: true });
  const done = firstEnd(handles.map((handle) => handle.done)).finally(() => {
    endAll();
    signal?.removeEventListener('abort', stopAll);
  });
  return { done, abort: endAll };
}

/** Settles like the first of `ends` to settle; later rejections are not left unhandled. */
function firstEnd(ends: Array<Promise<void>>): Promise<void> {
  for (const end of ends) end.catch(() => {});
  return Promise.race(ends);
}

/**
 * The list/watch source an informer of `scope`'s kind needs for `namespaces`: cluster-wide when
 * there are none, the namespace's when there is one, and one per namespace, merged, otherwise.
 * Cluster-scoped kinds take `namespaces` empty.
 */
export function listWatchInNamespaces<T>(
  kube: { listWatchSource<U>(scope: ListScope): ListWatchSource<U> },
  scope: Omit<ListScope, 'namespace'>,
  namespaces: readonly string[],
): ListWatchSource<T> {
  if (namespaces.length === 0) return kube.listWatchSource<T>(scope);
  if (namespaces.length === 1) return kube.listWatchSource<T>({ ...scope, namespace: namespaces[0] });
  return createNamespacesListWatch(
    (namespace) => kube.listWatchSource<T>({ ...scope, namespace }),
    namespaces,
  );
}
