import type { ListedObjects, ListWatchSource, WatchEventType, WatchHandle } from '../runtime/index.ts';
import { kubeApiErrorFromResponse, kubeTransportError } from './api-error.ts';
import { collectionPath, type KindInfo } from './kinds.ts';
import type { KubeTransport } from './transport.ts';
import type { KubeObject, ListScope } from './types.ts';

/**
 * List and watch of one kind in one scope over HTTP, for the runtime's `Informer`.
 *
 * - lists page through `limit`/`continue` and give every item its `apiVersion` and `kind`;
 * - watches ask for bookmarks (which keep quiet watches alive and advance the version) and a
 *   server-side timeout of 5–10 minutes, as client-go's reflector does;
 * - an HTTP 410 answer to the watch request becomes an ERROR event with code 410, so the
 *   informer relists the same way as after a 410 in the stream.
 */

const PAGE_SIZE = 500;

export interface KubeListWatchOptions {
  transport: KubeTransport;
  /** Resolves the kind's URL (by table or discovery). */
  resolveKind: () => Promise<KindInfo>;
  scope: ListScope;
}

interface ListPage<T> {
  items?: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

function selectors(scope: ListScope): Record<string, string | undefined> {
  return { labelSelector: scope.labelSelector, fieldSelector: scope.fieldSelector };
}

function describeScope(scope: ListScope): string {
  return `${scope.kind}${scope.namespace ? ` in ${scope.namespace}` : ''}`;
}

/** Every object of the kind in scope, across pages; the version is the first page's. */
export async function listAll<T>(options: KubeListWatchOptions): Promise<ListedObjects<T>> {
  const { transport, scope } = options;
  const info = await options.resolveKind();
  const items: T[] = [];
  let resourceVersion = '';
  let continueToken: string | undefined;
  do {
    const { body } = await transport.call<ListPage<T>>(`list ${describeScope(scope)}`, {
      method: 'GET',
      path: collectionPath(info, scope.namespace),
      query: { ...selectors(scope), limit: String(PAGE_SIZE), continue: continueToken },
    });
    for (const item of body?.items ?? []) items.push(withKind(item, info));
    resourceVersion ||= body?.metadata?.resourceVersion ?? '';
    continueToken = body?.metadata?.continue || undefined;
  } while (continueToken);
  return { items, resourceVersion };
}

/** Sets `apiVersion` and `kind`, which built-in lists and watches may leave out per item. */
export function withKind<T>(object: T, info: KindInfo): T {
  const typed = object as KubeObject;
  if (typed && typeof typed === 'object' && (!typed.apiVersion || !typed.kind)) {
    typed.apiVersion ||= info.apiVersion;
    typed.kind ||= info.kind;
  }
  return object;
}

/** Randomised like client-go's reflector (5–10 min), so watches do not all end together. */
function watchTimeoutSeconds(): string {
  return String(300 + Math.floor(Math.random() * 300));
}

export function createKubeListWatch<T>(options: KubeListWatchOptions): ListWatchSource<T> {
  return {
    list: () => listAll<T>(options),
    watch: (resourceVersion, onEvent, signal) => openWatch(options, resourceVersion, onEvent, signal),
  };
}

async function openWatch<T>(
  options: KubeListWatchOptions,
  resourceVersion: string,
  onEvent: (type: WatchEventType, object: T) => void,
  signal: AbortSignal | undefined,
): Promise<WatchHandle> {
  const { transport, scope } = options;
  const operation = `watch ${describeScope(scope)}`;
  const info = await options.resolveKind();
  const abort = new AbortController();
  const stop = () => abort.abort(new Error(`${operation} aborted`));
  if (signal?.aborted) throw signal.reason;
  signal?.addEventListener('abort', stop, { once: true });
  const detach = () => signal?.removeEventListener('abort', stop);
  let response;
  try {
    response = await transport.open(operation, {
      method: 'GET',
      path: collectionPath(info, scope.namespace),
      query: {
        ...selectors(scope),
        watch: 'true',
        resourceVersion: resourceVersion || undefined,
        allowWatchBookmarks: 'true',
        timeoutSeconds: watchTimeoutSeconds(),
      },
      signal: abort.signal,
    });
  } catch (error) {
    detach();
    throw abort.signal.aborted ? abort.signal.reason : error;
  }
  if (response.httpStatusCode === 410) {
    const text = await response.body.text().catch(() => '');
    onEvent('ERROR', (safeJson(text) ?? { kind: 'Status', code: 410, reason: 'Expired' }) as T);
    detach();
    return { done: Promise.resolve(), abort: stop };
  }
  if (response.httpStatusCode !== 200) {
    const text = await response.body.text().catch(() => '');
    detach();
    throw kubeApiErrorFromResponse(operation, response.httpStatusCode, text);
  }
  const stream = response.body.stream();
  const done = readEvents(stream, info, onEvent, abort.signal).then(
    () => detach(),
    (error: unknown) => {
      detach();
      if (!abort.signal.aborted) throw kubeTransportError(operation, error);
    },
  );
  return { done, abort: stop };
}

/** Reads newline-delimited watch events until the stream ends; an aborted read ends quietly. */
async function readEvents<T>(
  stream: ReadableStream<Uint8Array> | null,
  info: KindInfo,
  onEvent: (type: WatchEventType, object: T) => void,
  signal: AbortSignal,
): Promise<void> {
  if (!stream) return;
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const deliver = (line: string) => {
    const event = safeJson(line) as { type?: WatchEventType; object?: T } | undefined;
    if (!event?.type || signal.aborted) return;
    onEvent(event.type, event.type === 'ERROR' ? (event.object as T) : withKind(event.object as T, info));
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) deliver(line);
    }
    if (buffered.trim()) deliver(buffered);
  } finally {
    reader.releaseLock();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
