/**
 * The operator API's HTTP routes (JSON under `/api/v1`). Reads need no token; actions need the
 * configured token in `x-kvsync-token` (or `Authorization: Bearer`). Nothing answered carries a
 * secret value. Served on the operator's HTTP server (reachable through the Kubernetes API's
 * Service proxy) and on the dashboard's.
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | GET | /api/v1/info | ApiInfo |
 * | GET | /api/v1/externalsecrets[?namespace=a,b] | { items: EsSummary[] } |
 * | GET | /api/v1/externalsecrets/NS/NAME | EsDetail |
 * | GET | /api/v1/externalsecrets/NS/NAME/probe | ProbeResult (reads Key Vault) |
 * | POST | /api/v1/externalsecrets/NS/NAME/sync | { requested: value } (token) |
 * | POST | /api/v1/externalsecrets/NS/NAME/restart-stale | RestartResult (token) |
 * | GET | /api/v1/stores, /api/v1/vaults | { items } |
 * | GET | /api/v1/stream | server-sent events: snapshot, then deltas |
 * | POST | /api/v1/auth | 204 when the token is right |
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../responses.ts';
import type { Route, RouteRequest } from '../route.ts';
import type { OperatorApi } from './api.ts';
import { openStream } from './stream.ts';
import { OPERATOR_API_PREFIX as PREFIX, TOKEN_HEADER } from './wire.ts';

export interface OperatorApiRouteOptions {
  /** Live streams open at once; more get 503. Default 64. */
  maxStreams?: number;
  /** Heartbeat of the live stream; default 15 s. */
  heartbeatMs?: number;
}

function fail(response: ServerResponse, status: number, error: string, message: string): void {
  sendJson(response, status, { error, message });
}

/** `NS/NAME[/ACTION]` after the externalsecrets prefix; undefined when the shape is wrong. */
function esPath(request: RouteRequest): { namespace: string; name: string; action?: string } | undefined {
  const rest = request.url.pathname.slice(`${PREFIX}/externalsecrets/`.length).split('/');
  if (rest.length < 2 || rest.length > 3 || rest.some((part) => part === '')) return undefined;
  const [namespace, name, action] = rest.map((part) => decodeURIComponent(part));
  return { namespace: namespace!, name: name!, ...(action !== undefined ? { action } : {}) };
}

const notFound = (response: ServerResponse, what: string) =>
  fail(response, 404, 'NotFound', `${what} not found (or not watched by this operator)`);

/** 404 for an ExternalSecret not known here: `NotHeldHere` when another replica holds its shard. */
async function esNotFound(
  api: OperatorApi,
  response: ServerResponse,
  path: { namespace: string; name: string },
): Promise<void> {
  // Where it is held is a hint: a failed Lease read leaves the plain 404.
  const elsewhere = await api.heldElsewhere(path.namespace, path.name).catch(() => undefined);
  if (elsewhere) return fail(response, 404, 'NotHeldHere', elsewhere);
  notFound(response, `ExternalSecret ${path.namespace}/${path.name}`);
}

/** Answers 401/403 unless the request carries the configured token; true when it may go on. */
function authorized(api: OperatorApi, request: RouteRequest, response: ServerResponse): boolean {
  const check = api.checkToken(request.headers);
  if (check === 'ok') return true;
  if (check === 'not-configured')
    fail(
      response,
      403,
      'ActionsDisabled',
      'this operator has no action token (--dashboard-token-file): the API is read-only',
    );
  else if (check === 'missing')
    fail(
      response,
      401,
      'Unauthorized',
      `this action needs the operator's token in the ${TOKEN_HEADER} header`,
    );
  else fail(response, 403, 'Forbidden', 'the token is not the one the operator is configured with');
  return false;
}

async function readDetail(api: OperatorApi, request: RouteRequest, response: ServerResponse): Promise<void> {
  const path = esPath(request);
  if (!path || (path.action !== undefined && path.action !== 'probe'))
    return fail(response, 404, 'NotFound', `no such path: ${request.url.pathname}`);
  if (path.action === undefined) {
    const detail = api.detail(path.namespace, path.name);
    return detail ? sendJson(response, 200, detail) : esNotFound(api, response, path);
  }
  const probe = await api.probe(path.namespace, path.name);
  if (probe.outcome === 'not-found') return esNotFound(api, response, path);
  if (probe.outcome === 'busy')
    return fail(response, 429, 'Busy', 'too many Key Vault checks at once; try again in a few seconds');
  sendJson(response, 200, probe.result);
}

async function act(api: OperatorApi, request: RouteRequest, response: ServerResponse): Promise<void> {
  const path = esPath(request);
  if (!path || (path.action !== 'sync' && path.action !== 'restart-stale'))
    return fail(response, 404, 'NotFound', `no such action: ${request.url.pathname}`);
  if (!authorized(api, request, response)) return;
  if (path.action === 'sync') {
    const sync = await api.requestSync(path.namespace, path.name);
    if (sync.outcome === 'not-found') return esNotFound(api, response, path);
    return sendJson(response, 200, { requested: sync.value });
  }
  const restart = await api.restartStale(path.namespace, path.name);
  if (restart.outcome === 'not-found') return esNotFound(api, response, path);
  if (restart.outcome === 'not-available')
    return fail(
      response,
      501,
      'NotAvailable',
      'restart-stale is not available yet: this operator runs no reloader',
    );
  sendJson(response, 200, restart.result);
}

/** The JSON API and the live stream. The caller stops streams with `api.stop()`. */
export function operatorApiRoutes(api: OperatorApi, options: OperatorApiRouteOptions = {}): Route[] {
  const streams = new Set<() => void>();
  api.onStop(() => {
    for (const end of [...streams]) end();
  });
  return [
    {
      method: 'GET',
      path: `${PREFIX}/info`,
      handle: (_request, response) => sendJson(response, 200, api.info()),
    },
    {
      method: 'GET',
      path: `${PREFIX}/externalsecrets`,
      handle: (request, response) => {
        const namespaces = (request.url.searchParams.get('namespace') ?? '').split(',').filter(Boolean);
        sendJson(response, 200, { items: api.summaries(namespaces) });
      },
    },
    {
      method: 'GET',
      path: `${PREFIX}/externalsecrets/*`,
      handle: (request, response) => readDetail(api, request, response),
    },
    {
      method: 'POST',
      path: `${PREFIX}/externalsecrets/*`,
      handle: (request, response) => act(api, request, response),
    },
    {
      method: 'GET',
      path: `${PREFIX}/stores`,
      handle: (_request, response) => sendJson(response, 200, { items: api.stores() }),
    },
    {
      method: 'GET',
      path: `${PREFIX}/vaults`,
      handle: (_request, response) => sendJson(response, 200, { items: api.vaults() }),
    },
    {
      method: 'POST',
      path: `${PREFIX}/auth`,
      handle: (request, response) => {
        if (authorized(api, request, response)) response.writeHead(204).end();
      },
    },
    {
      method: 'GET',
      path: `${PREFIX}/stream`,
      handle: (_request, response) => {
        if (streams.size >= (options.maxStreams ?? 64))
          return fail(response, 503, 'TooManyStreams', 'too many live streams are open; try again later');
        const end = openStream(api, response, {
          clock: api.clock,
          ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
        });
        streams.add(end);
        response.once('close', () => streams.delete(end));
      },
    },
  ];
}
