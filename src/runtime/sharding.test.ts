import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { MemoryLeaseStore } from './memory-source.ts';
import { assignedMember, MemoryMembership, shardOf, ShardCoordinator } from './sharding.ts';

const SHARDS = 4;
const LEASE = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };

/** Replicas sharing one membership and one lease store per shard; each replica's locks can be cut off. */
function cluster() {
  const clock = new FakeClock(0);
  const membership = new MemoryMembership();
  const leases = Array.from({ length: SHARDS }, () => new MemoryLeaseStore());
  const locks = new Map<string, Array<{ unreachable: boolean }>>();
  const replica = (identity: string) => {
    const views: Array<{ unreachable: boolean }> = [];
    locks.set(identity, views);
    const coordinator = new ShardCoordinator({
      shards: SHARDS,
      identity,
      membership,
      clock,
      ...LEASE,
      lockFor: (shard) => {
        const view = leases[shard]!.lock(`shard-${shard}`);
        views.push(view);
        return view;
      },
      onAcquired: () => {},
      onReleased: () => {},
    });
    coordinator.start();
    return coordinator;
  };
  /** A replica that dies without a word: its heartbeats and lease renewals fail from now on. */
  const kill = (identity: string) => {
    membership.unreachable.add(identity);
    for (const view of locks.get(identity) ?? []) view.unreachable = true;
  };
  return { clock, replica, kill };
}

/** Advances time in small steps, checking after each that no shard has two owners. */
async function run(clock: FakeClock, ms: number, coordinators: ShardCoordinator[]): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    await clock.advance(100);
    for (let shard = 0; shard < SHARDS; shard++)
      expect(
        coordinators.filter((c) => c.owns(shard)).length,
        `owners of shard ${shard}`,
      ).toBeLessThanOrEqual(1);
  }
}

describe('shardOf and assignedMember', () => {
  it('hash keys stably and spread them', () => {
    expect(shardOf('default/database-credentials', 4)).toBe(shardOf('default/database-credentials', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`ns-${i % 97}/es-${i}`, 4)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  it('assign shards round-robin over the sorted live members', () => {
    expect([0, 1, 2, 3].map((s) => assignedMember(s, ['b', 'a']))).toEqual(['a', 'b', 'a', 'b']);
    expect(assignedMember(2, [])).toBeUndefined();
  });
});

describe('ShardCoordinator', () => {
  it('splits the shards between two replicas, each shard held by exactly one', async () => {
    const { clock, replica } = cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    await run(clock, 5_000, [a, b]);
    expect(a.owned()).toEqual([0, 2]);
    expect(b.owned()).toEqual([1, 3]);
  });

  it('moves a dead replica’s shards to the survivor within two lease durations', async () => {
    const { clock, replica, kill } = cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    await run(clock, 5_000, [a, b]);
    kill('replica-a');
    // Its heartbeat must expire (one lease duration) before the survivor campaigns, and the
    // survivor must then see the shard lease unrenewed for another before it takes it.
    await run(clock, LEASE.leaseDurationMs, [a, b]);
    expect(b.owned()).toEqual([1, 3]);
    await run(clock, LEASE.leaseDurationMs + 2 * LEASE.retryPeriodMs, [a, b]);
    expect(b.owned()).toEqual([0, 1, 2, 3]);
  });

  it('hands shards to a replica that joins, releasing them first', async () => {
    const { clock, replica } = cluster();
    const a = replica('replica-a');
    await run(clock, 3_000, [a]);
    expect(a.owned()).toEqual([0, 1, 2, 3]);
    const b = replica('replica-b');
    await run(clock, 5_000, [a, b]);
    expect(a.owned()).toEqual([0, 2]);
    expect(b.owned()).toEqual([1, 3]);
  });

  it('releases everything and leaves on stop, so the others take over at once', async () => {
    const { clock, replica } = cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    await run(clock, 5_000, [a, b]);
    const stopping = a.stop();
    await clock.advance(0);
    await stopping;
    expect(a.owned()).toEqual([]);
    await run(clock, 2 * LEASE.retryPeriodMs + 500, [a, b]);
    expect(b.owned()).toEqual([0, 1, 2, 3]);
  });
});
