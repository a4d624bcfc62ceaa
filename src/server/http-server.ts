/**
 * The operator's HTTP server: probes, metrics, and routes registered by others (the Event Grid
 * webhook, the dashboard API). Plain HTTP; TLS is the ingress's or the Service mesh's job.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KvsyncError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { parseHostPort, urlHost } from './address.ts';
import { DEFAULT_MAX_BODY_BYTES, readBody } from './body.ts';
import { probeRoutes, type HealthChecks, type MetricsRenderer } from './probes.ts';
import { sendJson } from './responses.ts';
import { RouteTable, type Route } from './route.ts';

export interface HttpServerOptions {
  /** `HOST:PORT`; `:8080` listens on every interface, port 0 picks a free port. */
  address: string;
  metrics: MetricsRenderer;
  health: HealthChecks;
  routes?: readonly Route[];
  logger: Logger;
  /** Bodies above this get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** How long close() lets in-flight requests finish before cutting them. Default 5000. */
  closeGraceMs?: number;
}

export interface HttpServer {
  /** `http://host:port` to reach the server (loopback when listening on every interface). */
  readonly url: string;
  readonly port: number;
  /** Adds a route at any time; throws ERR_INVALID_CONFIG for a method and path already taken. */
  addRoute(route: Route): void;
  /**
   * Stops accepting connections, closes idle keep-alive sockets at once, lets in-flight
   * requests finish within the grace period and then destroys what is left. Idempotent.
   */
  close(): Promise<void>;
}

/** Listens on `address`; rejects with ERR_INVALID_CONFIG when the address cannot be used (EADDRINUSE, …). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { host, port } = parseHostPort(options.address);
  const routes = new RouteTable();
  for (const route of [
    ...probeRoutes(options.health, options.metrics, options.logger),
    ...(options.routes ?? []),
  ]) {
    routes.add(route);
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let closing: Promise<void> | undefined;
  const server = createServer((request, response) => {
    // While closing, a connection is not reused: it ends once its response is out.
    if (closing !== undefined) response.setHeader('connection', 'close');
    response.once('finish', () => {
      if (closing !== undefined) setImmediate(() => server.closeIdleConnections());
    });
    serve(request, response, routes, maxBodyBytes, options.logger).catch((error: unknown) => {
      options.logger.error('http request failed', { path: request.url?.split('?')[0], error });
      response.destroy();
    });
  });
  await listen(server, options.address, host, port);
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${bound}`;
  options.logger.info('http server listening', { address: options.address, url });
  return {
    url,
    port: bound,
    addRoute: (route) => routes.add(route),
    close: () => (closing ??= closeServer(server, options.closeGraceMs ?? 5_000)),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  routes: RouteTable,
  maxBodyBytes: number,
  logger: Logger,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://kvsync.invalid');
  const method = (request.method ?? 'GET').toUpperCase();
  const match = routes.match(method, url.pathname);
  if (match.kind === 'not-found') return sendJson(response, 404, { error: 'not found', path: url.pathname });
  if (match.kind === 'method-not-allowed') {
    const allow = match.allowed.join(', ');
    return sendJson(response, 405, { error: 'method not allowed', allow }, { allow });
  }
  const body = await readBody(request, maxBodyBytes);
  if (!body.ok) {
    if (body.reason === 'aborted') return void response.destroy();
    return sendJson(
      response,
      413,
      { error: 'request body too large', maxBytes: maxBodyBytes },
      { connection: 'close' },
    );
  }
  try {
    await match.route.handle(
      { method, url, headers: request.headers, body: body.body, raw: request },
      response,
    );
  } catch (error) {
    logger.error('http handler failed', { method, path: url.pathname, error });
    if (response.headersSent) response.destroy();
    else sendJson(response, 500, { error: 'internal error' });
  }
}

function listen(server: Server, address: string, host: string | undefined, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason = error.code ?? error.message;
      reject(new KvsyncError('ERR_INVALID_CONFIG', `listen on ${address}: ${reason}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    cut.unref();
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
