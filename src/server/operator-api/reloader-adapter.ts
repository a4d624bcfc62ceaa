/**
 * The reloader (`src/reloader/`) as the operator API sees it. Typed structurally, by the few
 * fields read here, so that the API does not depend on the reloader's module: the composition
 * root passes its `Reloader` and the compiler checks that the shapes still fit.
 *
 * - stale pods and pending restarts per Secret come from `reloader.state()`, read at most once
 *   per `cacheMs` (a summary of 10,000 ExternalSecrets asks 10,000 times);
 * - restart-stale enqueues the workloads that run stale pods of the Secret: the reloader's own
 *   reconcile decides, with its windows, coalescing, health checks and rollback;
 * - restarts and rollbacks become timeline entries of the ExternalSecrets writing the Secret.
 */
import type { Clock, Timer } from '../../runtime/index.ts';
import type { ReloaderView } from './reloader-view.ts';
import type { HappeningKind, ReloaderDetail } from './wire.ts';

/** The reloader's state, as far as read here. */
export interface ReloaderStateLike {
  workloads: ReadonlyArray<{
    kind: string;
    namespace: string;
    name: string;
    reason: string;
    message: string;
    until?: string;
    /** `Kind/name` of the sources whose change is pending or rolling out. */
    changed: readonly string[];
  }>;
  stalePods: ReadonlyArray<{
    namespace: string;
    secret: string;
    dataChangedAt?: string;
    pods: ReadonlyArray<{ pod: string; workload?: string }>;
  }>;
}

export interface ReloaderLike {
  state(): ReloaderStateLike;
  /** Queues a workload (`Kind/namespace/name`) for reconcile now. */
  enqueue(key: string): void;
}

/** Reasons of a workload whose restart is waiting (the reloader's RELOAD_REASON values). */
export const PENDING_RESTART_REASONS: ReadonlySet<string> = new Set([
  'Settling',
  'OutsideRestartWindow',
  'WaitingForRolloutSlot',
  'WorkloadPaused',
]);

/** Reasons that end a rollout, and the timeline entry each makes. */
const OUTCOMES: Readonly<Record<string, { kind: HappeningKind; text: string }>> = {
  RolloutSucceeded: { kind: 'restart', text: 'restarted' },
  RolledBack: { kind: 'rollback', text: 'rolled back to the last good value' },
  RolloutFailed: { kind: 'failed', text: 'restart failed' },
  RollbackFailed: { kind: 'failed', text: 'rollback failed' },
};

const secretOf = (source: string) =>
  source.startsWith('Secret/') ? source.slice('Secret/'.length) : undefined;

/** The ReloaderView of `reloader`. */
export function reloaderView(
  reloader: ReloaderLike,
  options: { clock: Pick<Clock, 'now'>; cacheMs?: number },
): ReloaderView {
  let readAtMs = -Infinity;
  let bySecret = new Map<string, ReloaderDetail>();
  const index = (): Map<string, ReloaderDetail> => {
    const now = options.clock.now();
    if (now - readAtMs < (options.cacheMs ?? 1000)) return bySecret;
    readAtMs = now;
    const state = reloader.state();
    const next = new Map<string, ReloaderDetail>();
    const entry = (key: string) =>
      next.get(key) ?? next.set(key, { stalePods: [], pendingRestarts: [] }).get(key)!;
    for (const secret of state.stalePods)
      for (const pod of secret.pods)
        entry(`${secret.namespace}/${secret.secret}`).stalePods.push({
          namespace: secret.namespace,
          name: pod.pod,
          ...(pod.workload ? { workload: pod.workload } : {}),
          ...(secret.dataChangedAt ? { since: secret.dataChangedAt } : {}),
        });
    for (const workload of state.workloads) {
      if (!PENDING_RESTART_REASONS.has(workload.reason)) continue;
      for (const secret of workload.changed.map(secretOf))
        if (secret)
          entry(`${workload.namespace}/${secret}`).pendingRestarts.push({
            workload: `${workload.kind}/${workload.name}`,
            reason: workload.message || workload.reason,
            ...(workload.until ? { notBefore: workload.until } : {}),
          });
    }
    bySecret = next;
    return next;
  };
  return {
    forSecret: (namespace, secretName) =>
      index().get(`${namespace}/${secretName}`) ?? { stalePods: [], pendingRestarts: [] },
    async restartStale(namespace, secretName) {
      readAtMs = -Infinity;
      const detail = index().get(`${namespace}/${secretName}`) ?? { stalePods: [], pendingRestarts: [] };
      const workloads = [...new Set(detail.stalePods.flatMap((pod) => (pod.workload ? [pod.workload] : [])))];
      for (const workload of workloads) {
        const [kind, name] = workload.split('/');
        reloader.enqueue(`${kind}/${namespace}/${name}`);
      }
      return {
        restarted: workloads,
        deferred: detail.pendingRestarts.map((pending) => ({
          workload: pending.workload,
          reason: pending.reason,
        })),
      };
    },
  };
}

/**
 * Polls the reloader's state every `everyMs` (default 2 s) and reports each rollout that ended
 * (restarted, rolled back, failed) to `record(namespace, secretName, kind, message)` once per
 * Secret it rolled out. Returns the function that stops polling.
 */
export function followReloadOutcomes(
  reloader: ReloaderLike,
  options: {
    clock: Clock;
    everyMs?: number;
    record(namespace: string, secretName: string, kind: HappeningKind, message: string): void;
  },
): () => void {
  const last = new Map<string, string>();
  let timer: Timer | undefined;
  let stopped = false;
  const poll = () => {
    for (const workload of reloader.state().workloads) {
      const key = `${workload.kind}/${workload.namespace}/${workload.name}`;
      const previous = last.get(key);
      last.set(key, workload.reason);
      const outcome = OUTCOMES[workload.reason];
      if (!outcome || previous === undefined || previous === workload.reason) continue;
      for (const secret of workload.changed.map(secretOf))
        if (secret)
          options.record(
            workload.namespace,
            secret,
            outcome.kind,
            `${workload.kind}/${workload.name} ${outcome.text}${workload.message ? `: ${workload.message}` : ''}`,
          );
    }
    if (!stopped) timer = options.clock.setTimer(options.everyMs ?? 2000, poll);
  };
  poll();
  return () => {
    stopped = true;
    timer?.cancel();
  };
}
