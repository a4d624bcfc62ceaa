import type { ReconcileResult, Reconciler } from '../runtime/index.ts';
import { KVSYNC, RELOAD_EVENT, RELOAD_REASON, ROLLOUT_STRATEGY } from './annotations.ts';
import { nextRestartAt } from './argo-restart.ts';
import type { ReloaderContext } from './context.ts';
import { formatHashRecord, type HashRecord } from './hash.ts';
import { planReload, type Plan } from './plan.ts';
import type { SourceKey } from './references.ts';
import { formatWindowTime } from './restart-window.ts';
import { RollbackSupport } from './rollback-support.ts';
import { watchRollout } from './rollout-watch.ts';
import { describeSources, refsOf, viewOf, writersOf, type WorkloadView } from './workload-view.ts';
import { formatRollout, type RolloutRecord, type WrittenVersions } from './workload-state.ts';
import {
  announce,
  parseWorkloadKey,
  patchWorkload,
  statusValue,
  writeStatus,
  type RestartChange,
} from './workload-writes.ts';

/**
 * Reconciles one workload (`Kind/namespace/name`) from the level: reads it and its sources from
 * the caches, plans (see plan.ts), and carries the plan out with at most one guarded patch of
 * the workload. A restart is that patch; the rollout it starts is then watched (rollout-watch.ts)
 * until it succeeds, fails, or is rolled back.
 */

type WaitPlan = Extract<Plan, { action: 'wait' }>;

const FAILED_OUTCOMES: ReadonlySet<string> = new Set([
  RELOAD_REASON.rolloutFailed,
  RELOAD_REASON.rollbackFailed,
]);
const OUTCOME_REASONS: ReadonlySet<string> = new Set([
  RELOAD_REASON.rolloutSucceeded,
  RELOAD_REASON.rolledBack,
  ...FAILED_OUTCOMES,
]);
/** How soon to look again at a workload whose cached copy predates the reloader's own write. */
const CACHE_CATCH_UP_MS = 100;
/** A workload waiting for a slot is looked at again this often, besides when a slot frees. */
const SLOT_RECHECK_MS = 30_000;

export class WorkloadReconciler implements Reconciler {
  readonly #ctx: ReloaderContext;
  readonly #rollback: RollbackSupport;
  /** Last pending/blocked/problem event per workload, so that each is announced once. */
  readonly #announced = new Map<string, string>();

  constructor(ctx: ReloaderContext) {
    this.#ctx = ctx;
    this.#rollback = new RollbackSupport(ctx);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const ref = parseWorkloadKey(key);
    if (!ref) return;
    const workload = this.#ctx.caches.workload(ref.kind, ref.namespace, ref.name);
    const view =
      workload && !workload.metadata.deletionTimestamp ? viewOf(this.#ctx, ref, key, workload) : undefined;
    if (!view) return this.#forget(key);
    if (this.#ctx.replacedVersions.get(key) === workload!.metadata.resourceVersion)
      return { requeueAfterMs: CACHE_CATCH_UP_MS }; // the cache predates our own write
    this.#ctx.replacedVersions.delete(key);
    this.#reportProblems(view);
    const plan = planReload({
      nowMs: this.#ctx.clock.now(),
      state: view.state,
      current: view.current,
      missing: view.missing,
      settleDueMs: (digest) =>
        this.#ctx.settle.dueMs(
          key,
          digest,
          this.#ctx.clock.now(),
          view.options.settlePeriodMs ?? this.#ctx.settings.settlePeriodMs,
        ),
      windows: view.options.windows,
      blockedByAnnotation: view.options.windowsBlocked || view.strategy === undefined,
      paused: workload!.spec?.paused === true,
      slotFree: () => this.#ctx.slots.reserve(key),
    });
    if (plan.action !== 'wait') this.#ctx.slots.stopWaiting(key);
    if (plan.action !== 'watch' && plan.action !== 'restart') this.#releaseSlot(key);
    if (plan.action !== 'wait' && plan.action !== 'watch') this.#ctx.settle.clear(key);
    switch (plan.action) {
      case 'watch':
        return watchRollout(this.#ctx, this.#rollback, view);
      case 'baseline':
      case 'adopt':
        return this.#record(view, plan.record, plan.action);
      case 'none':
        return this.#upToDate(view, plan.blocked);
      case 'wait':
        return this.#wait(view, plan);
      case 'restart':
        return this.#restart(view, plan.target, plan.changed);
    }
  }

  /** A workload without a rollout holds no slot (one held is a leftover of a stale read). */
  #releaseSlot(key: string): void {
    for (const waiting of this.#ctx.slots.release(key)) this.#ctx.enqueue(waiting);
  }

  #forget(key: string): void {
    this.#ctx.settle.clear(key);
    this.#ctx.slots.stopWaiting(key);
    this.#ctx.replacedVersions.delete(key);
    this.#releaseSlot(key);
    this.#ctx.state.setWorkload(key, undefined);
    this.#announced.delete(key);
    this.#announced.delete(`${key}#problems`);
  }

  #reportProblems(view: WorkloadView): void {
    const text = view.problems.join('; ');
    const memoKey = `${view.key}#problems`;
    if (this.#announced.get(memoKey) === text) return;
    this.#announced.set(memoKey, text);
    if (text === '') return;
    announce(this.#ctx, { ...view, externalSecrets: [] }, 'Warning', RELOAD_EVENT.invalidAnnotation, text);
  }

  /** First sight, or sources added to / dropped from tracking: the record changes, nothing restarts. */
  async #record(view: WorkloadView, record: HashRecord, action: 'baseline' | 'adopt'): Promise<void> {
    if (view.options.rollback) await this.#rollback.rememberAll(view, record);
    const count = Object.keys(record).length;
    const message =
      action === 'baseline'
        ? `recorded the data of ${count} source(s) the pods run with; no restart on first sight`
        : `tracking ${count} source(s); pods run with their current data`;
    const status = statusValue(
      view.state.status,
      { status: 'True', reason: RELOAD_REASON.upToDate, message },
      this.#ctx.clock.now(),
    );
    await patchWorkload(this.#ctx, view.ref, view.workload, {
      [KVSYNC.hashes]: formatHashRecord(record),
      ...(status === undefined ? {} : { [KVSYNC.status]: status }),
    });
    this.#setState(view, 'True', RELOAD_REASON.upToDate, message, []);
  }

  async #upToDate(view: WorkloadView, blocked: SourceKey[]): Promise<void> {
    await this.#rollback.syncRejections(view);
    const previous = view.state.status;
    const healthy = !previous || !FAILED_OUTCOMES.has(previous.reason);
    if (view.options.rollback && healthy && view.state.record)
      await this.#rollback.rememberAll(view, view.state.record);
    if (blocked.length > 0) {
      const message = `${describeSources(blocked)} now hold(s) data rejected after a failed rollout; not restarting until newer data arrives or the annotation ${KVSYNC.rejected} is removed`;
      await this.#announceOnce(
        view,
        `blocked:${blocked.join(',')}:${formatHashRecord(view.current)}`,
        'Warning',
        RELOAD_EVENT.rejected,
        message,
      );
      await writeStatus(this.#ctx, view.ref, view.workload, previous, {
        status: 'False',
        reason: RELOAD_REASON.rejectedValue,
        message,
      });
      return this.#setState(view, 'False', RELOAD_REASON.rejectedValue, message, blocked);
    }
    if (previous && (OUTCOME_REASONS.has(previous.reason) || previous.reason === RELOAD_REASON.upToDate)) {
      return this.#setState(view, previous.status, previous.reason, previous.message, []);
    }
    const message = `pods run with the current data of ${Object.keys(view.current).length} source(s)`;
    await writeStatus(this.#ctx, view.ref, view.workload, previous, {
      status: 'True',
      reason: RELOAD_REASON.upToDate,
      message,
    });
    this.#setState(view, 'True', RELOAD_REASON.upToDate, message, []);
  }

  async #wait(view: WorkloadView, plan: WaitPlan): Promise<ReconcileResult> {
    const nowMs = this.#ctx.clock.now();
    const message = this.#waitMessage(view, plan);
    const until = plan.untilMs === undefined ? {} : { until: new Date(plan.untilMs).toISOString() };
    this.#ctx.state.setWorkload(view.key, {
      ...this.#baseState(view),
      status: 'Unknown',
      reason: plan.reason,
      message,
      ...until,
      changed: plan.changed,
    });
    this.#ctx.metrics?.pendingRestarts(this.#ctx.state.pendingRestarts());
    if (plan.reason !== RELOAD_REASON.settling) {
      const memo = `pending:${plan.reason}:${formatHashRecord(plan.target)}:${plan.untilMs ?? ''}`;
      await this.#announceOnce(view, memo, 'Normal', RELOAD_EVENT.pending, message, plan.changed);
      await writeStatus(this.#ctx, view.ref, view.workload, view.state.status, {
        status: 'Unknown',
        reason: plan.reason,
        message,
        untilMs: plan.untilMs,
      });
    }
    if (plan.untilMs !== undefined) return { requeueAfterMs: Math.max(1, plan.untilMs - nowMs) };
    if (plan.reason === RELOAD_REASON.waitingForSlot) return { requeueAfterMs: SLOT_RECHECK_MS };
    return undefined;
  }

  #waitMessage(view: WorkloadView, plan: WaitPlan): string {
    const what = `${describeSources(plan.changed)} changed`;
    switch (plan.reason) {
      case RELOAD_REASON.settling:
        return `${what}; restart pending until ${new Date(plan.untilMs ?? 0).toISOString()} (settle period)`;
      case RELOAD_REASON.outsideWindow: {
        const windows = view.options.windows!;
        if (plan.untilMs === undefined)
          return `${what}; restart pending: the restart window "${windows.description}" never opens`;
        return `${what}; restart pending until ${formatWindowTime(windows, plan.untilMs)} (restart window "${windows.description}")`;
      }
      case RELOAD_REASON.paused:
        return `${what}; restart pending: the ${view.ref.kind} is paused (spec.paused)`;
      case RELOAD_REASON.waitingForSlot:
        return `${what}; restart pending: ${this.#ctx.slots.inProgress} rollout(s) in progress, the limit is ${this.#ctx.settings.maxConcurrentRollouts}`;
      default:
        return `${what}; restart pending: fix the annotations (${view.problems.join('; ')})`;
    }
  }

  async #restart(view: WorkloadView, target: HashRecord, changed: SourceKey[]): Promise<ReconcileResult> {
    const ctx = this.#ctx;
    const writers = await writersOf(ctx, view, changed);
    const written: Record<string, WrittenVersions> = {};
    for (const [key, writer] of writers)
      written[key] = { externalSecret: writer.ref.name, versions: writer.versions };
    const hashes = formatHashRecord(target);
    const restart = restartOf(view, hashes, ctx.clock.now());
    const rollout: RolloutRecord = {
      phase: 'restart',
      startedAt: new Date(ctx.clock.now()).toISOString(),
      to: target,
      from: view.state.record ?? {},
      templateValue: 'template' in restart ? hashes : (view.state.templateValue ?? null),
      previousTemplateValue: view.state.templateValue ?? null,
      changed,
      ...(writers.size > 0 ? { written } : {}),
      ...('restartAt' in restart ? { restartAt: restart.restartAt } : {}),
    };
    const versions = describeVersions(written);
    const how = 'restartAt' in restart ? ` (Argo restart, spec.restartAt ${restart.restartAt})` : '';
    const message = `restarting${how}: ${describeSources(changed)} changed${versions}`;
    const status = statusValue(
      view.state.status,
      { status: 'Unknown', reason: RELOAD_REASON.rollingOut, message },
      ctx.clock.now(),
    );
    try {
      await patchWorkload(
        ctx,
        view.ref,
        view.workload,
        {
          [KVSYNC.hashes]: hashes,
          [KVSYNC.rollout]: formatRollout(rollout),
          ...(status ? { [KVSYNC.status]: status } : {}),
        },
        restart,
      );
    } catch (error) {
      for (const waiting of ctx.slots.release(view.key)) ctx.enqueue(waiting);
      throw error;
    }
    announce(ctx, { ...view, externalSecrets: refsOf(writers) }, 'Normal', RELOAD_EVENT.restarted, message);
    ctx.logger.info('reloader restarted a workload', { ...view.ref, sources: changed });
    ctx.metrics?.restarted(view.ref.kind, view.ref.namespace, 'change');
    ctx.metrics?.rolloutsInProgress(ctx.slots.inProgress);
    this.#setState(view, 'Unknown', RELOAD_REASON.rollingOut, message, changed);
    ctx.metrics?.pendingRestarts(ctx.state.pendingRestarts());
    return { requeueAfterMs: ctx.settings.healthPollMs };
  }

  async #announceOnce(
    view: WorkloadView,
    memo: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    sources: readonly SourceKey[] = [],
  ): Promise<void> {
    if (this.#announced.get(view.key) === memo) return;
    this.#announced.set(view.key, memo);
    const writers = await writersOf(this.#ctx, view, sources);
    announce(this.#ctx, { ...view, externalSecrets: refsOf(writers) }, type, reason, message);
  }

  #baseState(view: WorkloadView) {
    return { kind: view.ref.kind, namespace: view.ref.namespace, name: view.ref.name };
  }

  #setState(
    view: WorkloadView,
    status: 'True' | 'False' | 'Unknown',
    reason: string,
    message: string,
    changed: string[],
  ): void {
    this.#ctx.state.setWorkload(view.key, { ...this.#baseState(view), status, reason, message, changed });
    this.#ctx.metrics?.pendingRestarts(this.#ctx.state.pendingRestarts());
  }
}

/**
 * The restart write for `view`: the hashes on the pod template, or for an Argo Rollout with
 * `rollout-strategy: restart` a new `spec.restartAt` (the template is left alone).
 */
function restartOf(view: WorkloadView, hashes: string, nowMs: number): RestartChange {
  if (view.strategy === ROLLOUT_STRATEGY.restart)
    return { restartAt: nextRestartAt(nowMs, view.workload.spec?.restartAt) };
  return { template: { [KVSYNC.hashes]: hashes } };
}

/** " (Key Vault versions: db-password@3f2a…)" or "". Version ids are not values. */
export function describeVersions(written: Readonly<Record<string, WrittenVersions>>): string {
  const versions = Object.values(written).flatMap((w) => w.versions.map((v) => `${v.key}@${v.version}`));
  return versions.length > 0 ? ` (Key Vault versions: ${versions.join(', ')})` : '';
}
