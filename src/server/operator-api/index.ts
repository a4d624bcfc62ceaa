/**
 * The operator's read/act API (JSON under `/api/v1`, a live stream of server-sent events) and
 * the dashboard's static files. The CLI and the dashboard use it; `src/main.ts` wires it with
 * `serveOperatorApi` (API routes on the operator's server, a dashboard server when configured),
 * or by hand with `createOperatorApi`, `operatorApiRoutes` and `dashboardRoutes`.
 */
export {
  createOperatorApi,
  type OperatorApi,
  type OperatorApiDeps,
  type OperatorHandle,
  type StoreInformers,
} from './api.ts';
export { tokenFromFile, type TokenSource } from './auth.ts';
export {
  DASHBOARD_FILES,
  DASHBOARD_PATH,
  dashboardRoutes,
  type DashboardRouteOptions,
} from './dashboard-routes.ts';
export type { ReloaderView } from './reloader-view.ts';
export {
  followReloadOutcomes,
  reloaderView,
  type ReloaderLike,
  type ReloaderStateLike,
} from './reloader-adapter.ts';
export { operatorApiRoutes, type OperatorApiRouteOptions } from './routes.ts';
export { serveOperatorApi, type ServedOperatorApi, type ServeOperatorApiOptions } from './serve.ts';
export type { BudgetSource } from './views.ts';
export * from './wire.ts';
