import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListOptions } from '../api/list.ts';
import type { Target } from '../api/object-api.ts';
import { startWatch, type WatchEvent, type WatchSubscription } from '../api/watch.ts';
import { KubeStatusError } from '../errors.ts';
import { groupVersion, servedVersion } from '../resources/resource-type.ts';
import type { KubeObject } from '../types.ts';
import { integerParam } from './request.ts';
import { wantsTable } from './respond.ts';
import type { ResourceContext } from './resources.ts';

/**
 * The watch stream: newline-delimited JSON events on a chunked 200 whose headers are flushed at
 * once (kubectl blocks until it sees them). An ERROR event is always followed by closing the
 * stream, because client-node's informer only relists when the stream ends.
 */

/** Open watch streams, so the server can drop or close them all. */
export class WatchRegistry {
  readonly #open = new Set<ServerResponse>();
  /** Interval between BOOKMARK events for watchers that allow them. */
  readonly bookmarkIntervalMs: number;

  constructor(bookmarkIntervalMs: number) {
    this.bookmarkIntervalMs = bookmarkIntervalMs;
  }

  add(response: ServerResponse): void {
    this.#open.add(response);
    response.on('close', () => this.#open.delete(response));
  }

  get size(): number {
    return this.#open.size;
  }

  /** Ends every open watch cleanly; clients resume from their last resourceVersion. */
  endAll(): void {
    for (const response of this.#open) response.end();
  }
}

const serializedEvents = new WeakMap<KubeObject, Map<string, string>>();

/** JSON line of an event; shared objects are serialized once for all watchers. */
function eventLine(event: WatchEvent): string {
  let lines = serializedEvents.get(event.object);
  if (!lines) serializedEvents.set(event.object, (lines = new Map()));
  let line = lines.get(event.type);
  if (!line) lines.set(event.type, (line = `${JSON.stringify(event)}\n`));
  return line;
}

function bookmark(target: Target, resourceVersion: number, initialEventsEnd: boolean): string {
  const metadata = {
    resourceVersion: String(resourceVersion),
    ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
  };
  const object = {
    kind: target.type.kind,
    apiVersion: groupVersion(target.type.group, target.version),
    metadata,
  };
  return `${JSON.stringify({ type: 'BOOKMARK', object })}\n`;
}

export function serveWatch(
  ctx: ResourceContext,
  request: IncomingMessage,
  response: ServerResponse,
  target: Target,
  query: URLSearchParams,
  listOptions: ListOptions,
): void {
  const asTable = wantsTable(request.headers.accept);
  const timeoutSeconds = integerParam(query, 'timeoutSeconds');
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const sendInitialEvents = query.get('sendInitialEvents') === 'true';
  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  response.flushHeaders();
  ctx.watches.add(response);

  // Events of one burst of writes leave in one TLS record: cork on the first, uncork after the tick.
  let corked = false;
  const send = (line: string) => {
    // Once ended (timeoutSeconds, dropWatches) events keep coming until 'close', which waits for a
    // slow client to read what is buffered; a write after end() is an unhandled error that ends
    // the server.
    if (response.writableEnded) return;
    if (!corked) {
      corked = true;
      response.cork();
      setImmediate(() => {
        corked = false;
        response.uncork();
      });
    }
    response.write(line);
  };
  const write = (event: WatchEvent) => {
    if (!asTable) {
      send(eventLine(event));
      return;
    }
    const table = servedVersion(target.type, target.version)!.table([event.object], {
      now: ctx.api.clock.now(),
      resourceVersion: event.object.metadata.resourceVersion ?? '',
    });
    send(`${JSON.stringify({ type: event.type, object: table })}\n`);
  };

  let subscription: WatchSubscription | undefined;
  const timers: NodeJS.Timeout[] = [];
  const cleanup = () => {
    subscription?.stop();
    for (const timer of timers) clearTimeout(timer);
  };
  response.on('close', cleanup);
  try {
    const resourceVersion = sendInitialEvents ? undefined : (query.get('resourceVersion') ?? undefined);
    subscription = startWatch(ctx.api, target, { ...listOptions, resourceVersion }, write);
  } catch (error) {
    if (!(error instanceof KubeStatusError)) throw error;
    response.end(`${JSON.stringify({ type: 'ERROR', object: error.toStatus() })}\n`);
    return;
  }
  if (sendInitialEvents) response.write(bookmark(target, ctx.api.store.resourceVersion, true));
  if (bookmarks) {
    const tick = () => {
      if (response.writableEnded) return;
      response.write(bookmark(target, ctx.api.store.resourceVersion, false));
      timers[0] = setTimeout(tick, ctx.watches.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, ctx.watches.bookmarkIntervalMs);
  }
  if (timeoutSeconds !== undefined && timeoutSeconds > 0)
    timers.push(setTimeout(() => response.end(), timeoutSeconds * 1000));
}
