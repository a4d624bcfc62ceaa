/**
 * The dashboard's static files (`src/dashboard/`: plain HTML, CSS and JavaScript, no build
 * step), served under `/dashboard/` with a strict Content-Security-Policy: no inline script,
 * no foreign origin, no framing. Only the files listed in DASHBOARD_FILES are served, read once
 * when the routes are made. The page reaches the API by relative URLs, so it works the same on
 * the dashboard's own address and through the Kubernetes API's Service proxy.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../responses.ts';
import type { Route } from '../route.ts';

export const DASHBOARD_PATH = '/dashboard/';

/** The files of the dashboard and their content types. */
export const DASHBOARD_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'model.js': 'text/javascript; charset=utf-8',
  'render.js': 'text/javascript; charset=utf-8',
  'detail.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

export interface DashboardRouteOptions {
  /** Folder of the files; default `src/dashboard/`. */
  root?: string;
  /** Also redirect `/` to the dashboard (on the dashboard's own server). Default false. */
  redirectRoot?: boolean;
}

const DEFAULT_ROOT = resolve(import.meta.dirname, '../../dashboard');

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(308, { location, 'cache-control': 'no-cache' });
  response.end();
}

/** Routes serving the dashboard. Throws when a listed file is missing (a broken install). */
export function dashboardRoutes(options: DashboardRouteOptions = {}): Route[] {
  const root = options.root ?? DEFAULT_ROOT;
  const files = new Map(
    Object.entries(DASHBOARD_FILES).map(([name, type]) => [
      name,
      { type, body: readFileSync(join(root, name)) },
    ]),
  );
  const routes: Route[] = [
    // Relative, so that a proxy's path prefix is kept.
    { method: 'GET', path: '/dashboard', handle: (_request, response) => redirect(response, 'dashboard/') },
    {
      method: 'GET',
      path: `${DASHBOARD_PATH}*`,
      handle: (request, response) => {
        const name = request.url.pathname.slice(DASHBOARD_PATH.length) || 'index.html';
        const file = files.get(name);
        if (!file) return sendJson(response, 404, { error: 'NotFound', message: `no such file: ${name}` });
        response.writeHead(200, { 'content-type': file.type, ...SECURITY_HEADERS });
        response.end(request.method === 'HEAD' ? undefined : file.body);
      },
    },
  ];
  if (options.redirectRoot)
    routes.push({
      method: 'GET',
      path: '/',
      handle: (_request, response) => redirect(response, 'dashboard/'),
    });
  return routes;
}
