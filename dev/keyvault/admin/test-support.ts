import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * Test helpers: a webhook receiver that speaks both Event Grid handshakes, and a condition
 * waiter. Not used outside tests.
 */

/** A request the receiver saw. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
  /** Real time of arrival, ms. */
  atMs: number;
}

/** How the receiver answers notifications (status 0: never answers); handshakes are answered by `handshake`. */
export type Responder = (request: ReceivedRequest, index: number) => { status: number; body?: string };

export interface ReceiverOptions {
  /** `valid` (default) answers both handshakes; `no-code` answers 200 `{}`; `refuse` answers 403. */
  handshake?: 'valid' | 'no-code' | 'refuse' | 'accepted-202';
  respond?: Responder;
  tls?: { certPem: string; keyPem: string };
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Notifications only (no handshakes). */
  notifications(): ReceivedRequest[];
  close(): Promise<void>;
}

function answerHandshake(
  request: ReceivedRequest,
  mode: ReceiverOptions['handshake'],
  response: ServerResponse,
): void {
  if (mode === 'refuse') {
    response.writeHead(403).end();
    return;
  }
  if (request.method === 'OPTIONS') {
    const origin = String(request.headers['webhook-request-origin'] ?? '');
    response.writeHead(
      200,
      mode === 'valid' ? { 'WebHook-Allowed-Origin': origin, 'WebHook-Allowed-Rate': '*' } : {},
    );
    response.end();
    return;
  }
  const [event] = JSON.parse(request.body) as Array<{ data: { validationCode: string } }>;
  const body =
    mode === 'valid' || mode === 'accepted-202' ? { validationResponse: event!.data.validationCode } : {};
  const text = JSON.stringify(body);
  response.writeHead(mode === 'accepted-202' ? 202 : 200, { 'Content-Type': 'application/json' });
  response.end(text);
}

function isHandshake(request: ReceivedRequest): boolean {
  return request.method === 'OPTIONS' || request.headers['aeg-event-type'] === 'SubscriptionValidation';
}

/** Starts a receiver on a free loopback port. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let notificationIndex = 0;
  const handler = (incoming: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        url: new URL(incoming.url ?? '/', 'http://receiver.invalid'),
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        atMs: Date.now(),
      };
      requests.push(request);
      if (isHandshake(request)) {
        answerHandshake(request, options.handshake ?? 'valid', response);
        return;
      }
      const answer = options.respond?.(request, notificationIndex++) ?? { status: 200 };
      if (answer.status === 0) return;
      response.writeHead(answer.status).end(answer.body ?? '');
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, handler)
    : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/hook`,
    requests,
    notifications: () => requests.filter((request) => !isHandshake(request)),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `condition` every 5 ms until it returns a truthy value; fails after `timeoutMs` (default 2 s). */
export async function waitFor<T>(condition: () => T | undefined | false, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
