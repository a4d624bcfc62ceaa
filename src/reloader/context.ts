import type { EventRecorder, KubeClient } from '../kube/index.ts';
import type { Clock } from '../runtime/index.ts';
import type { ExternalSecretHooks } from './external-secret-hooks.ts';
import type { LastGoodStore } from './last-good.ts';
import type { SourceKind } from './reload-config.ts';
import type { SettleTracker } from './settle.ts';
import type { ReloaderStateStore } from './state.ts';
import type { PodObject, SourceObject, WorkloadObject } from './types.ts';
import type { WorkloadKind } from './workload-kinds.ts';

/** What the reloader's parts share: its dependencies, its caches and its in-memory bookkeeping. */

/** The logger the reloader needs (the observability logger satisfies it). */
export interface ReloaderLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type RolloutResult = 'succeeded' | 'failed' | 'rolled-back' | 'rollback-failed';

/** Metrics the reloader reports; the operator maps them to Prometheus. Labels never carry values. */
export interface ReloaderMetrics {
  /** A workload was restarted: for a change of its sources, or to roll back. */
  restarted(kind: WorkloadKind, namespace: string, trigger: 'change' | 'rollback'): void;
  /** A rollout kvsync watched ended. */
  rolloutFinished(kind: WorkloadKind, namespace: string, result: RolloutResult): void;
  /** Workloads with a restart waiting (settling, outside a window, for a slot). */
  pendingRestarts(count: number): void;
  rolloutsInProgress(count: number): void;
  /** Pods running with old data of `namespace/secret`; 0 when none (the series may then be removed). */
  stalePods(namespace: string, secret: string, count: number): void;
}

export interface ReloaderSettings {
  /** Namespaces to watch; empty means all. */
  namespaces: readonly string[];
  /** Default quiet time before a restart (per workload: `kvsync.io/settle-period`). Default 5000. */
  settlePeriodMs: number;
  /** Rollouts kvsync runs at once, cluster-wide. Default 2. */
  maxConcurrentRollouts: number;
  /** Default time a rollout may take (per workload: `kvsync.io/rollout-timeout`). Default 600000. */
  rolloutTimeoutMs: number;
  /** How often a rollout in progress is checked besides on changes. Default 2000. */
  healthPollMs: number;
  /** Workers of the workload controller. Default 2. */
  workers: number;
  /** Restart Argo Rollouts: `auto` when the CRD exists (default), or never. */
  argoRollouts: 'auto' | 'off';
  /** Field manager of kvsync's writes. Default `kvsync-reloader`. */
  fieldManager: string;
}

/** The informer caches the reconcilers read. Keys are `namespace/name`. */
export interface ReloaderCaches {
  source(kind: SourceKind, namespace: string, name: string): SourceObject | undefined;
  sourceNames(kind: SourceKind, namespace: string): string[];
  workload(kind: WorkloadKind, namespace: string, name: string): WorkloadObject | undefined;
  podsIn(namespace: string): PodObject[];
}

export interface ReloaderContext {
  kube: KubeClient;
  clock: Clock;
  events: EventRecorder;
  logger: ReloaderLogger;
  metrics: ReloaderMetrics | undefined;
  settings: ReloaderSettings;
  hooks: ExternalSecretHooks | undefined;
  caches: ReloaderCaches;
  lastGood: LastGoodStore;
  settle: SettleTracker;
  slots: RolloutSlots;
  state: ReloaderStateStore;
  /**
   * Per workload key, the resourceVersion a write of the reloader replaced: a cached workload
   * still at that version predates the write, and is not acted on.
   */
  replacedVersions: Map<string, string>;
  /** Queues a workload key (`Kind/namespace/name`) for reconcile. */
  enqueue(key: string): void;
}

/**
 * The cluster-wide limit on rollouts. A workload holds a slot from the patch that starts its
 * rollout until kvsync has seen it end; `reserve` checks and takes in one synchronous step, so
 * two workers never both take the last slot. Rebuilt from the workloads' `kvsync.io/rollout`
 * annotations on start, so a restarted kvsync counts the rollouts still running.
 */
export class RolloutSlots {
  readonly #max: number;
  readonly #held = new Set<string>();
  readonly #waiting = new Set<string>();

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** Takes a slot for `key` (true), or notes it waits for one (false). A holder gets true again. */
  reserve(key: string): boolean {
    if (this.#held.has(key)) return true;
    if (this.#held.size >= this.#max) {
      this.#waiting.add(key);
      return false;
    }
    this.#waiting.delete(key);
    this.#held.add(key);
    return true;
  }

  /** Marks `key` as holding a slot (a rollout found in progress), even beyond the limit. */
  hold(key: string): void {
    this.#held.add(key);
    this.#waiting.delete(key);
  }

  /** Frees `key`'s slot; returns the keys waiting for one (the caller queues them). */
  release(key: string): string[] {
    if (!this.#held.delete(key)) return [];
    const waiting = [...this.#waiting];
    this.#waiting.clear();
    return waiting;
  }

  /** Forgets that `key` waits. */
  stopWaiting(key: string): void {
    this.#waiting.delete(key);
  }

  get inProgress(): number {
    return this.#held.size;
  }

  holds(key: string): boolean {
    return this.#held.has(key);
  }
}
