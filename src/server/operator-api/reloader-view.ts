/**
 * What the operator API needs from a reloader, when one runs. The reloader (`src/reloader/`) is
 * adapted to this in the composition root; without one, the API answers "not available" for
 * stale pods, pending restarts and restart-stale.
 */
import type { ReloaderDetail, RestartResult } from './wire.ts';

export interface ReloaderView {
  /** Pods still running an older value of Secret `namespace/secretName`, and restarts waiting for it. */
  forSecret(namespace: string, secretName: string): ReloaderDetail;
  /**
   * Restarts, through the reloader's safe path (coalescing, restart windows, health checks,
   * rollback), what still runs an old value of Secret `namespace/secretName`.
   */
  restartStale(namespace: string, secretName: string): Promise<RestartResult>;
}
