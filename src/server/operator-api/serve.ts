/**
 * Serving the operator API and the dashboard, in one call from the composition root: the API's
 * routes on the operator's HTTP server (where the CLI reaches them through the Kubernetes API's
 * Service proxy), and, when a dashboard address is configured, a second server (loopback by
 * default) with the API and the dashboard's files. The action token is read from the token file,
 * re-read every 10 s; without one, both are read-only.
 */
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../http-server.ts';
import { tokenFromFile } from './auth.ts';
import { createOperatorApi, type OperatorApi, type OperatorApiDeps } from './api.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { followReloadOutcomes, reloaderView, type ReloaderLike } from './reloader-adapter.ts';
import { operatorApiRoutes } from './routes.ts';

export interface ServeOperatorApiOptions extends Omit<OperatorApiDeps, 'token' | 'reloader'> {
  /** The reloader (`startReloader`'s result), when one runs: stale pods, restarts, their timeline. */
  reloader?: ReloaderLike;
  /** The operator's HTTP server: the API's routes are added to it. */
  http: HttpServer;
  /** `HOST:PORT` of the dashboard's own server; undefined serves no dashboard. */
  dashboardAddress?: string;
  /** File holding the action token (`--dashboard-token-file`); undefined means read-only. */
  tokenFile?: string;
  /** Probes and metrics of the dashboard's server (as the operator's). */
  health: HttpServerOptions['health'];
  metrics: HttpServerOptions['metrics'];
}

export interface ServedOperatorApi {
  api: OperatorApi;
  /** The dashboard's server, when one was asked for; its page is `${url}/dashboard/`. */
  dashboard?: HttpServer;
  /** Ends live streams, then closes the dashboard's server. Call before closing `http`. Idempotent. */
  stop(): Promise<void>;
}

export async function serveOperatorApi(options: ServeOperatorApiOptions): Promise<ServedOperatorApi> {
  const { http, dashboardAddress, tokenFile, health, metrics, reloader, ...deps } = options;
  const token = tokenFile
    ? tokenFromFile(tokenFile, {
        clock: deps.clock,
        onError: (error) => deps.logger.warn('dashboard token file not read: actions refused', { error }),
      })
    : undefined;
  const api = await createOperatorApi({
    ...deps,
    ...(token ? { token } : {}),
    ...(reloader ? { reloader: reloaderView(reloader, { clock: deps.clock }) } : {}),
  });
  if (reloader)
    api.onStop(
      followReloadOutcomes(reloader, {
        clock: deps.clock,
        record: (namespace, secret, kind, message) => api.recordForSecret(namespace, secret, kind, message),
      }),
    );
  for (const route of operatorApiRoutes(api)) http.addRoute(route);
  let dashboard: HttpServer | undefined;
  try {
    if (dashboardAddress !== undefined)
      dashboard = await startHttpServer({
        address: dashboardAddress,
        logger: deps.logger,
        health,
        metrics,
        routes: [...operatorApiRoutes(api), ...dashboardRoutes({ redirectRoot: true })],
      });
  } catch (error) {
    api.stop();
    throw error;
  }
  if (dashboard)
    deps.logger.info('dashboard on', { url: `${dashboard.url}/dashboard/`, actions: token !== undefined });
  let stopped: Promise<void> | undefined;
  return {
    api,
    ...(dashboard ? { dashboard } : {}),
    stop() {
      stopped ??= (async () => {
        api.stop();
        await dashboard?.close();
      })();
      return stopped;
    },
  };
}
