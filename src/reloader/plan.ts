import { RELOAD_REASON } from './annotations.ts';
import { formatHashRecord, sameRecord, type HashRecord } from './hash.ts';
import type { SourceKey } from './references.ts';
import { windowState, type RestartWindows } from './restart-window.ts';
import { isRejected, type WorkloadState } from './workload-state.ts';

/**
 * The reloader's decision for one workload, as a pure function of the level: what the pods were
 * rolled for (the record), what the sources hold now, and the time. No I/O; the reconciler
 * carries the plan out.
 *
 * - a rollout in progress is watched, nothing else;
 * - first sight (no record): the current hashes become the record, with no restart, as
 *   Reloader does not restart on start-up (pods started earlier are assumed to run with what
 *   the sources hold; those that do not are listed as stale pods);
 * - a source newly tracked or no longer tracked changes the record without a restart (a
 *   template change that adds a reference restarts the pods anyway);
 * - a source whose hash was rejected after a failed rollout keeps its recorded hash (blocked);
 * - a missing source keeps its recorded hash: deleting a Secret restarts nothing;
 * - otherwise a changed source waits for the settle period, for a paused workload to be resumed,
 *   for a restart window, then for a free rollout slot, and then restarts.
 */

export type WaitReason =
  | typeof RELOAD_REASON.settling
  | typeof RELOAD_REASON.outsideWindow
  | typeof RELOAD_REASON.waitingForSlot
  | typeof RELOAD_REASON.paused
  | typeof RELOAD_REASON.invalidAnnotation;

export type Plan =
  | { action: 'watch' }
  | { action: 'baseline'; record: HashRecord }
  | { action: 'adopt'; record: HashRecord; blocked: SourceKey[] }
  | { action: 'none'; blocked: SourceKey[] }
  | { action: 'wait'; reason: WaitReason; untilMs?: number; target: HashRecord; changed: SourceKey[] }
  | { action: 'restart'; target: HashRecord; changed: SourceKey[] };

export interface PlanInput {
  nowMs: number;
  state: WorkloadState;
  /** Hash of every tracked source now. */
  current: HashRecord;
  /** Sources of the record that do not exist now. */
  missing: ReadonlySet<SourceKey>;
  /** When a change to `digest` may restart (the settle tracker); called only when something changed. */
  settleDueMs: (digest: string) => number;
  windows?: RestartWindows | undefined;
  /**
   * An annotation that says when or how to restart (the window, an Argo Rollout's strategy) is
   * invalid: wait rather than restart at any time or in a way not asked for.
   */
  blockedByAnnotation: boolean;
  /** The workload is paused (`spec.paused`): a template change would not roll out. */
  paused?: boolean;
  /** Whether the cluster-wide limit allows another rollout now. */
  slotFree: () => boolean;
}

interface Target {
  target: HashRecord;
  changed: SourceKey[];
  blocked: SourceKey[];
}

function targetOf(record: HashRecord, input: PlanInput): Target {
  const target: Record<SourceKey, string> = {};
  const blocked: SourceKey[] = [];
  for (const [key, hash] of Object.entries(input.current) as Array<[SourceKey, string]>) {
    const recorded = record[key];
    if (recorded !== undefined && recorded !== hash && isRejected(input.state.rejected, key, hash)) {
      target[key] = recorded;
      blocked.push(key);
    } else target[key] = hash;
  }
  for (const key of input.missing) {
    const recorded = record[key];
    if (recorded !== undefined && target[key] === undefined) target[key] = recorded;
  }
  const changed = (Object.keys(target) as SourceKey[]).filter(
    (key) => record[key] !== undefined && record[key] !== target[key],
  );
  return { target, changed: changed.sort(), blocked: blocked.sort() };
}

/** Decides what to do for one workload now. */
export function planReload(input: PlanInput): Plan {
  const { state, nowMs } = input;
  if (state.rollout) return { action: 'watch' };
  if (!state.record) return { action: 'baseline', record: input.current };
  const { target, changed, blocked } = targetOf(state.record, input);
  if (changed.length === 0) {
    return sameRecord(target, state.record)
      ? { action: 'none', blocked }
      : { action: 'adopt', record: target, blocked };
  }
  const wait = (reason: WaitReason, untilMs?: number): Plan =>
    untilMs === undefined
      ? { action: 'wait', reason, target, changed }
      : { action: 'wait', reason, untilMs, target, changed };
  const dueMs = input.settleDueMs(formatHashRecord(target));
  if (dueMs > nowMs) return wait(RELOAD_REASON.settling, dueMs);
  if (input.blockedByAnnotation) return wait(RELOAD_REASON.invalidAnnotation);
  if (input.paused) return wait(RELOAD_REASON.paused);
  if (input.windows) {
    const window = windowState(input.windows, nowMs);
    if (!window.open) return wait(RELOAD_REASON.outsideWindow, window.opensAtMs);
  }
  if (!input.slotFree()) return wait(RELOAD_REASON.waitingForSlot);
  return { action: 'restart', target, changed };
}
