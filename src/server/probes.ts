/**
 * The built-in routes: `/healthz`, `/readyz`, `/metrics`.
 *
 * Readiness and leadership are separate on purpose. A follower (standby replica) is *ready*:
 * it answers 200 so that a Deployment with two replicas rolls out and both stay behind the
 * Service, and it says `standby: not the leader` in the body (and `kvsync_leader 0` in the
 * metrics). 503 is kept for a replica that cannot work at all (caches not synced, shutting
 * down). The composition root decides which by what `ready()` returns.
 */
import type { Logger } from '../observability/logger.ts';
import type { Route } from './route.ts';
import { sendText } from './responses.ts';

export const HEALTHZ_PATH = '/healthz';
export const READYZ_PATH = '/readyz';
export const METRICS_PATH = '/metrics';

export interface Readiness {
  ready: boolean;
  /** Shown as the body: why not ready, or a note such as `standby: not the leader` when ready. */
  reason?: string;
}

export interface HealthChecks {
  /** False means the process is wedged and should be restarted. */
  live(): boolean;
  ready(): Readiness;
}

/** The part of `Metrics` the server needs. */
export interface MetricsRenderer {
  render(): Promise<{ contentType: string; body: string }>;
}

export function probeRoutes(health: HealthChecks, metrics: MetricsRenderer, logger: Logger): Route[] {
  return [
    {
      method: 'GET',
      path: HEALTHZ_PATH,
      handle: (_request, response) => {
        const live = check(logger, 'liveness', () => health.live(), false);
        sendText(response, live ? 200 : 503, live ? 'ok' : 'not live');
      },
    },
    {
      method: 'GET',
      path: READYZ_PATH,
      handle: (_request, response) => {
        const fallback: Readiness = { ready: false, reason: 'readiness check failed' };
        const { ready, reason } = check(logger, 'readiness', () => health.ready(), fallback);
        sendText(response, ready ? 200 : 503, reason ?? (ready ? 'ok' : 'not ready'));
      },
    },
    {
      method: 'GET',
      path: METRICS_PATH,
      handle: async (_request, response) => {
        const { contentType, body } = await metrics.render();
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(body);
      },
    },
  ];
}

/** A throwing check counts as failed and is logged; probes must never crash the server. */
function check<T>(logger: Logger, name: string, run: () => T, failed: T): T {
  try {
    return run();
  } catch (error) {
    logger.error('health check threw', { check: name, error });
    return failed;
  }
}
