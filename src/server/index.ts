/** HTTP: /metrics, /healthz, /readyz, and the routes others register (webhook, dashboard API). */
export { parseHostPort, urlHost, type HostPort } from './address.ts';
export { DEFAULT_MAX_BODY_BYTES } from './body.ts';
export { startHttpServer, type HttpServer, type HttpServerOptions } from './http-server.ts';
export {
  HEALTHZ_PATH,
  METRICS_PATH,
  READYZ_PATH,
  type HealthChecks,
  type MetricsRenderer,
  type Readiness,
} from './probes.ts';
export { sendJson, sendText } from './responses.ts';
export type { Route, RouteRequest } from './route.ts';
