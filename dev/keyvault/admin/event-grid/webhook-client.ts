import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One request to a subscriber's endpoint. */
export interface WebhookRequest {
  url: URL;
  method: 'POST' | 'OPTIONS' | 'GET';
  headers: Record<string, string>;
  body?: string;
  /** CA certificates (PEM) to trust for HTTPS endpoints, in place of the system ones. */
  ca?: string | string[];
  /** Gives up after this long (Event Grid waits 30 s). */
  timeoutMs: number;
  /** Aborts the request (the publisher closing). */
  signal?: AbortSignal;
}

/** The endpoint's answer; bodies beyond 64 KiB are cut. */
export interface WebhookResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Sends one request on a fresh connection, with `Content-Length` (never chunked: an old
 * Event Grid trap, reference §7.4). Rejects with the network error (its `code`, e.g.
 * `ECONNREFUSED`, or `ETIMEDOUT` after `timeoutMs`).
 */
export function sendWebhookRequest(options: WebhookRequest): Promise<WebhookResponse> {
  const { url, method, body } = options;
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method,
      headers,
      agent: false,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    request.setTimeout(options.timeoutMs, () => {
      request.destroy(
        Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
      );
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_BYTES);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
      });
    });
    request.end(body);
  });
}

/** A short description of a failed request: its error code, never the URL (which may hold a secret). */
export function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'ERROR';
}
