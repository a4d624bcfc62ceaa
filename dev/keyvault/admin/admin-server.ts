import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminError } from './errors.ts';
import { adminRoutes, type Route } from './admin-routes.ts';
import { sendJson } from './http-json.ts';
import type { TestControls } from './index.ts';

/**
 * Extra admin routes supplied by the server composer (principals, grants). Returns true when it
 * answered; false lets the admin server answer 404. It reads the body itself.
 */
export type ExtraRoutes = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

/** Options of {@link startAdminServer}. */
export interface AdminServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default `127.0.0.1`; the admin API has no authentication, keep it on loopback. */
  host?: string;
  extraRoutes?: ExtraRoutes;
}

/** A running admin server. */
export interface AdminServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Stops serving and drops open connections; resolves when the port is free. */
  close(): Promise<void>;
}

const STATUS_OF: Record<string, number> = { NotFound: 404, SubscriptionNotFound: 404 };

function sendFailure(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof AdminError) {
    sendJson(response, STATUS_OF[error.code] ?? 400, { error: { code: error.code, message: error.message } });
    return;
  }
  sendJson(response, 500, { error: { code: 'InternalError', message: 'the admin request failed' } });
}

function findRoute(routes: Route[], method: string, path: string): { route?: Route; params: string[] } {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.path.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: match.slice(1).map(decodeURIComponent) };
  }
  return { params: pathMatched ? ['method'] : [] };
}

async function handle(
  controls: TestControls,
  routes: Route[],
  extraRoutes: ExtraRoutes | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://admin.invalid');
  const method = request.method ?? 'GET';
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const { route, params } = findRoute(routes, method, path);
  if (route) {
    await route.handle({ controls, request, response, url, params });
    return;
  }
  if (extraRoutes && (await extraRoutes(request, response, url))) return;
  if (params[0] === 'method') {
    sendJson(response, 405, {
      error: { code: 'MethodNotAllowed', message: `${method} ${path} is not supported` },
    });
    return;
  }
  throw new AdminError('NotFound', `no admin endpoint ${method} ${path}`);
}

/**
 * Serves the JSON admin API over plain HTTP (see README.md). Points the controls' manual
 * validation URLs at itself while running. The caller owns `close()`.
 */
export async function startAdminServer(
  controls: TestControls,
  options: AdminServerOptions = {},
): Promise<AdminServer> {
  const routes = adminRoutes();
  const server = createServer((request, response) => {
    handle(controls, routes, options.extraRoutes, request, response).catch((error: unknown) =>
      sendFailure(response, error),
    );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  controls.setAdminUrl(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        controls.setAdminUrl(undefined);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
