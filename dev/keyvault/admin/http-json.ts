import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminError } from './errors.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body (≤ 1 MiB); an empty body reads as `{}`. Throws `InvalidRequest`. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new AdminError('InvalidRequest', 'the request body is larger than 1 MiB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminError('InvalidRequest', 'the request body is not valid JSON');
  }
}

/** Writes `body` as JSON with `Content-Length`; `undefined` sends an empty answer. */
export function sendJson(response: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}
