import type { ReconcileResult } from '../runtime/index.ts';
import { KVSYNC, RELOAD_EVENT, RELOAD_REASON } from './annotations.ts';
import { createdSince } from './argo-restart.ts';
import type { ReloaderContext, RolloutResult } from './context.ts';
import type { SourceKey } from './references.ts';
import type { RollbackSupport } from './rollback-support.ts';
import { rolloutHealth, type RolloutHealth } from './rollout-health.ts';
import type { PodObject } from './types.ts';
import { KIND_ADAPTERS } from './workload-kinds.ts';
import { describeSources, refsOf, writersOf, type WorkloadView } from './workload-view.ts';
import type { RolloutRecord } from './workload-state.ts';
import { announce, patchWorkload, statusValue, type StatusChange } from './workload-writes.ts';

/**
 * Watches a rollout kvsync started (the workload's `kvsync.io/rollout` annotation) until it
 * ends, then records the outcome: success frees the slot (and the new data becomes "last
 * good"); failure after a change rolls back when the workload asks for it (`kvsync.io/rollback:
 * auto`) and otherwise stops there; a failed rollback stops there too. Nothing is retried on
 * its own: a failed rollout's record already equals the sources, so there is no restart loop.
 */

/**
 * The workload's pods that the rollout brought: those from the template it wrote, or after an
 * Argo restart (same template), those created since its `spec.restartAt`.
 */
function newPods(view: WorkloadView, rollout: RolloutRecord, pods: readonly PodObject[]): PodObject[] {
  const adapter = KIND_ADAPTERS[view.ref.kind];
  const { restartAt } = rollout;
  const wanted = rollout.templateValue ?? undefined;
  const isNew = (pod: PodObject) =>
    restartAt !== undefined
      ? createdSince(pod, restartAt)
      : pod.metadata.annotations?.[KVSYNC.hashes] === wanted;
  return pods.filter((pod) => adapter.ownsPod(view.workload, pod) && isNew(pod));
}

export async function watchRollout(
  ctx: ReloaderContext,
  rollback: RollbackSupport,
  view: WorkloadView,
): Promise<ReconcileResult> {
  const rollout = view.state.rollout!;
  ctx.slots.hold(view.key);
  const health = rolloutHealth({
    adapter: KIND_ADAPTERS[view.ref.kind],
    workload: view.workload,
    newPods: newPods(view, rollout, ctx.caches.podsIn(view.ref.namespace)),
    startedMs: Date.parse(rollout.startedAt) || ctx.clock.now(),
    nowMs: ctx.clock.now(),
    timeoutMs: view.options.rolloutTimeoutMs ?? ctx.settings.rolloutTimeoutMs,
    judgePods: rollout.phase === 'restart',
    restartAt: rollout.restartAt,
  });
  if (health.state === 'progressing') {
    ctx.state.setWorkload(view.key, stateOf(view, rollout));
    return { requeueAfterMs: ctx.settings.healthPollMs };
  }
  if (health.state === 'failed' && rollout.phase === 'restart' && view.options.rollback)
    return startRollback(ctx, rollback, view, rollout, health);
  await finish(ctx, rollback, view, rollout, health);
  return undefined;
}

function stateOf(view: WorkloadView, rollout: RolloutRecord) {
  const reason = rollout.phase === 'restart' ? RELOAD_REASON.rollingOut : RELOAD_REASON.rollingBack;
  return {
    kind: view.ref.kind,
    namespace: view.ref.namespace,
    name: view.ref.name,
    status: 'Unknown' as const,
    reason,
    message: view.state.status?.message ?? reason,
    changed: rollout.changed,
  };
}

interface Outcome {
  result: RolloutResult;
  status: StatusChange;
  event: { type: 'Normal' | 'Warning'; reason: string };
}

function outcomeOf(view: WorkloadView, rollout: RolloutRecord, health: RolloutHealth): Outcome {
  const what = describeSources(rollout.changed);
  if (health.state === 'succeeded' && rollout.phase === 'restart')
    return {
      result: 'succeeded',
      status: {
        status: 'True',
        reason: RELOAD_REASON.rolloutSucceeded,
        message: `rollout for the new data of ${what} succeeded`,
      },
      event: { type: 'Normal', reason: RELOAD_EVENT.rolloutSucceeded },
    };
  if (health.state === 'succeeded')
    return {
      result: 'rolled-back',
      status: {
        status: 'False',
        reason: RELOAD_REASON.rolledBack,
        message: `rolled back to the last good data of ${what} after: ${rollout.cause ?? 'a failed rollout'}; the new data is rejected`,
      },
      event: { type: 'Normal', reason: RELOAD_EVENT.rolledBack },
    };
  const why = health.state === 'failed' ? `${health.reason}: ${health.message}` : '';
  if (rollout.phase === 'rollback')
    return {
      result: 'rollback-failed',
      status: {
        status: 'False',
        reason: RELOAD_REASON.rollbackFailed,
        message: `the rollback of ${what} failed too (${why}); kvsync does nothing more`,
      },
      event: { type: 'Warning', reason: RELOAD_EVENT.rollbackFailed },
    };
  const advice = view.options.rollback ? '' : ` (set ${KVSYNC.rollback}: auto to roll back automatically)`;
  return {
    result: 'failed',
    status: {
      status: 'False',
      reason: RELOAD_REASON.rolloutFailed,
      message: `rollout for the new data of ${what} failed: ${why}${advice}`,
    },
    event: { type: 'Warning', reason: RELOAD_EVENT.rolloutFailed },
  };
}

async function finish(
  ctx: ReloaderContext,
  rollback: RollbackSupport,
  view: WorkloadView,
  rollout: RolloutRecord,
  health: RolloutHealth,
): Promise<void> {
  const outcome = outcomeOf(view, rollout, health);
  if (outcome.result === 'succeeded' && view.options.rollback) await rollback.rememberAll(view, rollout.to);
  const status = statusValue(view.state.status, outcome.status, ctx.clock.now());
  await patchWorkload(ctx, view.ref, view.workload, {
    [KVSYNC.rollout]: null,
    ...(status ? { [KVSYNC.status]: status } : {}),
  });
  await release(ctx, view, rollout, outcome);
}

async function release(
  ctx: ReloaderContext,
  view: WorkloadView,
  rollout: RolloutRecord,
  outcome: Outcome,
): Promise<void> {
  for (const waiting of ctx.slots.release(view.key)) ctx.enqueue(waiting);
  const refs = refsOf(await writersOf(ctx, view, rollout.changed));
  announce(
    ctx,
    { ...view, externalSecrets: refs },
    outcome.event.type,
    outcome.event.reason,
    outcome.status.message,
  );
  ctx.logger.info('reloader rollout ended', { ...view.ref, result: outcome.result });
  ctx.metrics?.rolloutFinished(view.ref.kind, view.ref.namespace, outcome.result);
  ctx.metrics?.rolloutsInProgress(ctx.slots.inProgress);
  ctx.state.setWorkload(view.key, {
    kind: view.ref.kind,
    namespace: view.ref.namespace,
    name: view.ref.name,
    status: outcome.status.status,
    reason: outcome.status.reason,
    message: outcome.status.message,
    changed: [],
  });
}

async function startRollback(
  ctx: ReloaderContext,
  rollback: RollbackSupport,
  view: WorkloadView,
  rollout: RolloutRecord,
  health: Extract<RolloutHealth, { state: 'failed' }>,
): Promise<ReconcileResult> {
  const cause = `${health.reason}: ${health.message}`;
  const result = await rollback.rollBack(view, rollout, cause);
  if (result.restored.length === 0) {
    const missing = describeSources(result.unavailable);
    const message = `rollout for the new data of ${describeSources(rollout.changed)} failed (${cause}); no last good data to roll back to (${missing || 'nothing restorable'})`;
    const refs = refsOf(await writersOf(ctx, view, rollout.changed));
    announce(ctx, { ...view, externalSecrets: refs }, 'Warning', RELOAD_EVENT.rollbackUnavailable, message);
    const status = statusValue(
      view.state.status,
      { status: 'False', reason: RELOAD_REASON.rolloutFailed, message },
      ctx.clock.now(),
    );
    await patchWorkload(ctx, view.ref, view.workload, {
      [KVSYNC.rollout]: null,
      ...(status ? { [KVSYNC.status]: status } : {}),
    });
    const outcome: Outcome = {
      result: 'failed',
      status: { status: 'False', reason: RELOAD_REASON.rolloutFailed, message },
      event: { type: 'Warning', reason: RELOAD_EVENT.rolloutFailed },
    };
    ctx.metrics?.rolloutFinished(view.ref.kind, view.ref.namespace, 'failed');
    for (const waiting of ctx.slots.release(view.key)) ctx.enqueue(waiting);
    ctx.state.setWorkload(view.key, { ...stateOf(view, rollout), ...outcome.status, changed: [] });
    return undefined;
  }
  const restored = describeSources(result.restored);
  const message = `rollout failed (${cause}); restored the last good data of ${restored}, rejected the new data${rejectedVersions(rollout, result.restored)}, rolling back`;
  announce(
    ctx,
    { ...view, externalSecrets: result.externalSecrets },
    'Warning',
    RELOAD_EVENT.rolloutFailed,
    message,
  );
  ctx.logger.warn('reloader rolls back a workload', {
    ...view.ref,
    sources: result.restored,
    reason: health.reason,
  });
  ctx.metrics?.rolloutFinished(view.ref.kind, view.ref.namespace, 'failed');
  ctx.metrics?.restarted(view.ref.kind, view.ref.namespace, 'rollback');
  ctx.state.setWorkload(view.key, {
    ...stateOf(view, rollout),
    reason: RELOAD_REASON.rollingBack,
    message,
    changed: result.restored,
  });
  return { requeueAfterMs: ctx.settings.healthPollMs };
}

function rejectedVersions(rollout: RolloutRecord, keys: readonly SourceKey[]): string {
  const versions = keys.flatMap(
    (key) => rollout.written?.[key]?.versions.map((v) => `${v.key}@${v.version}`) ?? [],
  );
  return versions.length > 0 ? ` (Key Vault versions ${versions.join(', ')})` : '';
}
