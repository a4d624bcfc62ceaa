/**
 * `GET /api/v1/stream`: server-sent events. The first message (`snapshot`) is the whole
 * picture; then `delta` messages carry what changed. A comment line every `heartbeatMs` keeps
 * proxies from closing a quiet stream. A client that does not read (its socket buffer above
 * `maxBufferedBytes`) is dropped: its browser reconnects and starts again from a snapshot.
 */
import type { ServerResponse } from 'node:http';
import type { Clock, Timer } from '../../runtime/index.ts';
import type { OperatorApi } from './api.ts';

export interface StreamOptions {
  clock: Clock;
  /** Default 15 s. */
  heartbeatMs?: number;
  /** Default 8 MiB. */
  maxBufferedBytes?: number;
}

function message(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams `api`'s picture into `response` until the client goes away or `stop` is called (the
 * operator stops). Returns the function that ends the stream.
 */
export function openStream(api: OperatorApi, response: ServerResponse, options: StreamOptions): () => void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  let ended = false;
  let heartbeat: Timer | undefined;
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const write = (text: string) => {
    if (ended) return;
    response.write(text);
    if (response.writableLength > maxBuffered) end();
  };
  const { snapshot, unsubscribe } = api.subscribe((delta) => write(message('delta', delta)));
  const beat = () => {
    heartbeat = options.clock.setTimer(options.heartbeatMs ?? 15_000, () => {
      write(': heartbeat\n\n');
      beat();
    });
  };
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    heartbeat?.cancel();
    response.end();
  };
  write('retry: 3000\n\n');
  write(message('snapshot', snapshot));
  beat();
  response.once('close', end);
  return end;
}
