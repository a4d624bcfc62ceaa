import type { IncomingMessage, ServerResponse } from 'node:http';

/** Small HTTP helpers shared by the authority and IMDS endpoints. */

/** Largest form body the token endpoint reads (client assertions are a few KB). */
export const MAX_FORM_BYTES = 64 * 1024;

/** Thrown when a request body is larger than allowed. */
export class BodyTooLargeError extends Error {
  constructor(limitBytes: number) {
    super(`request body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** Sends `body` as JSON with the no-cache headers Entra and IMDS send. Never throws on a closed socket. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  if (response.headersSent) {
    response.end();
    return;
  }
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    ...headers,
  });
  response.end(text);
}

/**
 * Reads the whole body as UTF-8; rejects with BodyTooLargeError past `limitBytes`. An oversized
 * body is still drained (not kept), so that the error response reaches the client.
 */
export async function readBody(request: IncomingMessage, limitBytes = MAX_FORM_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size <= limitBytes) chunks.push(buffer);
  }
  if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
  return Buffer.concat(chunks).toString('utf8');
}

/** A form field, trimmed; undefined when absent or empty. */
export function formField(form: URLSearchParams, name: string): string | undefined {
  const value = form.get(name)?.trim();
  return value ? value : undefined;
}

/** The first value of a request header. */
export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
