import { describe, expect, it } from 'vitest';
import { FakeClock } from '../runtime/index.ts';
import type { HashRecord } from './hash.ts';
import { planReload, type PlanInput } from './plan.ts';
import { parseRestartWindows } from './restart-window.ts';
import { SettleTracker } from './settle.ts';
import type { WorkloadState } from './workload-state.ts';

const SETTLE_MS = 5000;

/** A planner for one workload on a FakeClock, with a settle tracker as the reconciler has. */
function planner(clock: FakeClock, state: Partial<WorkloadState>, extra: Partial<PlanInput> = {}) {
  const settle = new SettleTracker();
  return (current: HashRecord, overrides: Partial<PlanInput> = {}) =>
    planReload({
      nowMs: clock.now(),
      state: { rejected: {}, templateValue: undefined, ...state },
      current,
      missing: new Set(),
      settleDueMs: (digest) => settle.dueMs('w', digest, clock.now(), SETTLE_MS),
      blockedByAnnotation: false,
      slotFree: () => true,
      ...extra,
      ...overrides,
    });
}

const recorded: Partial<WorkloadState> = { record: { 'Secret/db': 'h0' } };

describe('planReload', () => {
  it('records on first sight without restarting', () => {
    const plan = planner(new FakeClock(), {})({ 'Secret/db': 'h0' });
    expect(plan).toEqual({ action: 'baseline', record: { 'Secret/db': 'h0' } });
  });

  it('does nothing when the sources hold what the pods were rolled for', () => {
    expect(planner(new FakeClock(), recorded)({ 'Secret/db': 'h0' })).toEqual({
      action: 'none',
      blocked: [],
    });
  });

  it('coalesces changes within the settle period into one restart (FakeClock)', async () => {
    const clock = new FakeClock();
    const plan = planner(clock, recorded);
    expect(plan({ 'Secret/db': 'h1' })).toMatchObject({
      action: 'wait',
      reason: 'Settling',
      untilMs: clock.now() + SETTLE_MS,
    });
    await clock.advance(3000);
    const second = plan({ 'Secret/db': 'h2' }); // another change: the quiet time starts again
    expect(second).toMatchObject({ action: 'wait', reason: 'Settling', untilMs: clock.now() + SETTLE_MS });
    await clock.advance(3000);
    expect(plan({ 'Secret/db': 'h2' })).toMatchObject({ action: 'wait', reason: 'Settling' });
    await clock.advance(2000);
    expect(plan({ 'Secret/db': 'h2' })).toEqual({
      action: 'restart',
      target: { 'Secret/db': 'h2' },
      changed: ['Secret/db'],
    });
  });

  it('a source that never stops changing restarts after ten settle periods at most', async () => {
    const clock = new FakeClock();
    const plan = planner(clock, recorded);
    let last;
    for (let i = 1; i <= 60; i += 1) {
      last = plan({ 'Secret/db': `h${i}` });
      if (last.action === 'restart') break;
      await clock.advance(1000);
    }
    expect(last?.action).toBe('restart');
    expect(clock.now()).toBe(new FakeClock().now() + 10 * SETTLE_MS);
  });

  it('waits for the restart window, then for a slot', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 1, 0, 0)); // Monday 01:00 UTC
    const windows = parseRestartWindows({ schedule: '02:00-03:00' });
    let slots = 0;
    const plan = planner(clock, recorded, { windows, slotFree: () => slots > 0 });
    plan({ 'Secret/db': 'h1' });
    await clock.advance(SETTLE_MS);
    expect(plan({ 'Secret/db': 'h1' })).toMatchObject({
      action: 'wait',
      reason: 'OutsideRestartWindow',
      untilMs: Date.UTC(2026, 0, 5, 2, 0, 0),
    });
    await clock.advance(Date.UTC(2026, 0, 5, 2, 0, 0) - clock.now());
    expect(plan({ 'Secret/db': 'h1' })).toMatchObject({ action: 'wait', reason: 'WaitingForRolloutSlot' });
    slots = 1;
    expect(plan({ 'Secret/db': 'h1' })).toMatchObject({ action: 'restart' });
  });

  it('a paused workload waits to be resumed', async () => {
    const clock = new FakeClock();
    const plan = planner(clock, recorded, { paused: true });
    plan({ 'Secret/db': 'h1' });
    await clock.advance(SETTLE_MS);
    expect(plan({ 'Secret/db': 'h1' })).toMatchObject({ action: 'wait', reason: 'WorkloadPaused' });
    expect(plan({ 'Secret/db': 'h1' }, { paused: false })).toMatchObject({ action: 'restart' });
  });

  it('an invalid window blocks the restart', async () => {
    const clock = new FakeClock();
    const plan = planner(clock, recorded, { blockedByAnnotation: true });
    plan({ 'Secret/db': 'h1' });
    await clock.advance(SETTLE_MS);
    expect(plan({ 'Secret/db': 'h1' })).toMatchObject({ action: 'wait', reason: 'InvalidAnnotation' });
  });

  it('keeps a rejected hash at its recorded value (blocked), but restarts for other changes', async () => {
    const clock = new FakeClock();
    const rejected = { 'Secret/db': [{ hash: 'bad', rejectedAt: 'x' }] };
    const plan = planner(clock, { record: { 'Secret/db': 'h0', 'Secret/api': 'a0' }, rejected });
    expect(plan({ 'Secret/db': 'bad', 'Secret/api': 'a0' })).toEqual({
      action: 'none',
      blocked: ['Secret/db'],
    });
    plan({ 'Secret/db': 'bad', 'Secret/api': 'a1' });
    await clock.advance(SETTLE_MS);
    expect(plan({ 'Secret/db': 'bad', 'Secret/api': 'a1' })).toEqual({
      action: 'restart',
      target: { 'Secret/db': 'h0', 'Secret/api': 'a1' },
      changed: ['Secret/api'],
    });
  });

  it('adopts added and dropped sources without a restart; a missing source keeps its hash', () => {
    const plan = planner(new FakeClock(), { record: { 'Secret/db': 'h0', 'Secret/gone': 'g0' } });
    expect(plan({ 'Secret/db': 'h0', 'ConfigMap/new': 'n0' }, { missing: new Set(['Secret/gone']) })).toEqual(
      {
        action: 'adopt',
        record: { 'Secret/db': 'h0', 'ConfigMap/new': 'n0', 'Secret/gone': 'g0' },
        blocked: [],
      },
    );
    expect(plan({ 'Secret/db': 'h0' })).toMatchObject({ action: 'adopt', record: { 'Secret/db': 'h0' } });
  });

  it('only watches while a rollout runs', () => {
    const rollout = {
      phase: 'restart' as const,
      startedAt: 'x',
      to: {},
      from: {},
      templateValue: null,
      previousTemplateValue: null,
      changed: [],
    };
    expect(planner(new FakeClock(), { ...recorded, rollout })({ 'Secret/db': 'h9' })).toEqual({
      action: 'watch',
    });
  });
});
