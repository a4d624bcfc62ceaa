import { RELOAD_REASON } from './annotations.ts';

/**
 * What the reloader knows right now, for the CLI and the dashboard: every workload it manages
 * with its last outcome or what it waits for, and the stale pods per Secret. In memory, rebuilt
 * from the cluster by the reconcilers; names and reasons only, never values.
 */

export interface WorkloadReloadState {
  kind: string;
  namespace: string;
  name: string;
  /** `True` up to date or done; `False` failed or blocked; `Unknown` waiting or rolling. */
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  /** A pending restart's expected time (RFC 3339). */
  until?: string;
  /** `Kind/name` of the sources whose change is pending or rolling out. */
  changed: string[];
}

export interface StalePodState {
  pod: string;
  /** `Kind/name` of the pod's workload, when it has one. */
  workload?: string;
  containers: string[];
}

export interface StaleSecretState {
  namespace: string;
  secret: string;
  /** When kvsync saw the Secret's current data first (RFC 3339). */
  dataChangedAt?: string;
  pods: StalePodState[];
}

export interface ReloaderState {
  workloads: WorkloadReloadState[];
  /** Workloads with a restart waiting to run. */
  pendingRestarts: number;
  rolloutsInProgress: number;
  /** Secrets with at least one stale pod. */
  stalePods: StaleSecretState[];
}

const PENDING_REASONS: ReadonlySet<string> = new Set([
  RELOAD_REASON.settling,
  RELOAD_REASON.outsideWindow,
  RELOAD_REASON.waitingForSlot,
  RELOAD_REASON.paused,
  RELOAD_REASON.invalidAnnotation,
]);

export class ReloaderStateStore {
  readonly #workloads = new Map<string, WorkloadReloadState>();
  readonly #stale = new Map<string, StaleSecretState>();

  /** Sets (or with undefined removes) the state of workload `key`. */
  setWorkload(key: string, state: WorkloadReloadState | undefined): void {
    if (state) this.#workloads.set(key, state);
    else this.#workloads.delete(key);
  }

  /** Sets the stale pods of Secret `key` (`namespace/name`); none removes the entry. */
  setStale(key: string, state: StaleSecretState | undefined): void {
    if (state && state.pods.length > 0) this.#stale.set(key, state);
    else this.#stale.delete(key);
  }

  pendingRestarts(): number {
    let count = 0;
    for (const state of this.#workloads.values()) if (PENDING_REASONS.has(state.reason)) count += 1;
    return count;
  }

  snapshot(rolloutsInProgress: number): ReloaderState {
    const byKey = <T>(map: Map<string, T>) =>
      [...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, value]) => structuredClone(value));
    return {
      workloads: byKey(this.#workloads),
      pendingRestarts: this.pendingRestarts(),
      rolloutsInProgress,
      stalePods: byKey(this.#stale),
    };
  }
}
