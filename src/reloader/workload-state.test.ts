import { describe, expect, it } from 'vitest';
import { RolloutSlots } from './context.ts';
import { recallFrom } from './last-good.ts';
import { SettleTracker } from './settle.ts';
import {
  formatRejections,
  formatRollout,
  isRejected,
  MAX_REJECTIONS_PER_SOURCE,
  readWorkloadState,
  withRejections,
  type RolloutRecord,
} from './workload-state.ts';

describe('workload state annotations', () => {
  it('round-trips the record, the rollout and the rejections; unreadable ones count as absent', () => {
    const rollout: RolloutRecord = {
      phase: 'restart',
      startedAt: '2026-01-01T00:00:00.000Z',
      to: { 'Secret/db': 'h1' },
      from: { 'Secret/db': 'h0' },
      templateValue: '{"Secret/db":"h1"}',
      previousTemplateValue: null,
      changed: ['Secret/db'],
      written: { 'Secret/db': { externalSecret: 'db', versions: [{ key: 'kv', version: 'v2' }] } },
    };
    const rejected = withRejections({}, [{ key: 'Secret/db', rejection: { hash: 'bad', rejectedAt: 'x' } }]);
    const state = readWorkloadState(
      {
        'kvsync.io/secret-hashes': '{"Secret/db":"h1"}',
        'kvsync.io/rollout': formatRollout(rollout),
        'kvsync.io/rejected': formatRejections(rejected)!,
      },
      { 'kvsync.io/secret-hashes': '{"Secret/db":"h1"}' },
    );
    expect(state.record).toEqual({ 'Secret/db': 'h1' });
    expect(state.rollout).toEqual(rollout);
    expect(isRejected(state.rejected, 'Secret/db', 'bad')).toBe(true);
    expect(state.templateValue).toBe('{"Secret/db":"h1"}');
    const argo: RolloutRecord = { ...rollout, restartAt: '2026-01-01T00:00:01Z', templateValue: null };
    expect(readWorkloadState({ 'kvsync.io/rollout': formatRollout(argo) }).rollout).toEqual(argo);
    expect(readWorkloadState({ 'kvsync.io/rollout': '{', 'kvsync.io/rejected': '[]' })).toEqual({
      rejected: {},
      templateValue: undefined,
    });
  });

  it('keeps the newest rejections per source, without duplicates', () => {
    let rejected = withRejections({}, []);
    for (let i = 0; i < 8; i += 1)
      rejected = withRejections(rejected, [
        { key: 'Secret/db', rejection: { hash: `h${i % 7}`, rejectedAt: `${i}` } },
      ]);
    expect(rejected['Secret/db']!.map((r) => r.hash)).toEqual(['h3', 'h4', 'h5', 'h6', 'h0']);
    expect(rejected['Secret/db']).toHaveLength(MAX_REJECTIONS_PER_SOURCE);
    expect(formatRejections({})).toBeNull();
  });
});

describe('rollout slots', () => {
  it('never hands out more than the limit, queues the rest, and hands them back on release', () => {
    const slots = new RolloutSlots(2);
    expect([slots.reserve('a'), slots.reserve('b'), slots.reserve('c'), slots.reserve('a')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(slots.inProgress).toBe(2);
    expect(slots.release('a')).toEqual(['c']);
    expect(slots.release('a')).toEqual([]);
    slots.hold('x'); // a rollout found running after a restart counts even beyond the limit
    expect(slots.inProgress).toBe(2);
    expect(slots.reserve('c')).toBe(false);
  });
});

describe('settle tracker', () => {
  it('measures the quiet time from the last change, per key', () => {
    const settle = new SettleTracker();
    expect(settle.dueMs('w', 'd1', 0, 5000)).toBe(5000);
    expect(settle.dueMs('w', 'd1', 3000, 5000)).toBe(5000);
    expect(settle.dueMs('w', 'd2', 4000, 5000)).toBe(9000);
    expect(settle.dueMs('other', 'd1', 4000, 5000)).toBe(9000);
    settle.clear('w');
    expect(settle.keys()).toEqual(['other']);
  });
});

describe('last-good copies', () => {
  it('recall the data kept for one hash among several', () => {
    const copy = {
      metadata: {
        annotations: {
          'kvsync.io/last-good-versions': JSON.stringify([
            { hash: 'h1', savedAt: 'x' },
            { hash: 'h0', savedAt: 'y', esoDataHash: 'e0' },
          ]),
        },
      },
      data: { 'h1.password': 'MQ==', 'h0.password': 'MA==', 'h0.user': 'dQ==' },
    };
    expect(recallFrom(copy, 'h0')).toEqual({ data: { password: 'MA==', user: 'dQ==' }, esoDataHash: 'e0' });
    expect(recallFrom(copy, 'h1')).toEqual({ data: { password: 'MQ==' } });
    expect(recallFrom(copy, 'h9')).toBeUndefined();
    expect(recallFrom(undefined, 'h0')).toBeUndefined();
  });
});
