import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.ts';
import { MemoryLeaseStore } from './memory-source.ts';
import { assignShards, MemoryMembership, shardOf, ShardCoordinator } from './sharding.ts';

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

describe('shardOf and assignShards', () => {
  it('hash keys stably and spread them', () => {
    expect(shardOf('default/database-credentials', 4)).toBe(shardOf('default/database-credentials', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`ns-${i % 97}/es-${i}`, 4)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });

  const loads = (assignment: Array<string | undefined>) => {
    const counts = new Map<string, number>();
    for (const member of assignment) counts.set(member!, (counts.get(member!) ?? 0) + 1);
    return [...counts.values()].sort((a, b) => a - b);
  };
  const fleets = Array.from({ length: 50 }, (_, fleet) =>
    Array.from({ length: 4 }, (_, i) => `kvsync-7d9f${fleet}-x${(fleet * 31 + i * 7) % 97}`),
  );

  it('assign every shard, balanced to one, the same whatever order the members are seen in', () => {
    expect(loads(assignShards(12, ['a', 'b', 'c', 'd']))).toEqual([3, 3, 3, 3]);
    expect(loads(assignShards(12, ['a', 'b', 'c', 'd', 'e']))).toEqual([2, 2, 2, 3, 3]);
    expect(loads(assignShards(4, ['a', 'b', 'c']))).toEqual([1, 1, 2]);
    expect(loads(assignShards(2, ['a', 'b', 'c']))).toEqual([1, 1]);
    expect(assignShards(12, ['d', 'b', 'a', 'c', 'a'])).toEqual(assignShards(12, ['a', 'b', 'c', 'd']));
    expect(assignShards(2, [])).toEqual([undefined, undefined]);
  });

  it('move little more than a dead member’s shards, and give a new member about its share', () => {
    let survivorsMoved = 0;
    let joinMoved = 0;
    for (const members of fleets) {
      const before = assignShards(12, members);
      const [victim, ...survivors] = members;
      const after = assignShards(12, survivors);
      survivorsMoved += before.filter((holder, s) => holder !== victim && after[s] !== holder).length;
      const joined = assignShards(12, [...members, 'kvsync-new']);
      joinMoved += joined.filter((holder, s) => holder !== before[s]).length;
    }
    // Round-robin over the sorted members moved 6 of the survivors' 9 shards; the joiner's share is 2.4.
    expect(survivorsMoved / fleets.length).toBeLessThan(1.5);
    expect(joinMoved / fleets.length).toBeLessThan(4);
  });
});

/** The shards `assignShards` gives `identity` when replica-a and replica-b are live: two each. */
const TWO = ['replica-a', 'replica-b'];
const shardsOf = (identity: string) =>
  assignShards(SHARDS, TWO).flatMap((holder, shard) => (holder === identity ? [shard] : []));

describe('ShardCoordinator', () => {
  it('splits the shards between two replicas, each shard held by exactly one', async () => {
    expect([shardsOf('replica-a').length, shardsOf('replica-b').length]).toEqual([2, 2]);
    const { clock, replica } = cluster();
    const a = replica('replica-a');
    const b = replica('replica-b');
    await run(clock, 5_000, [a, b]);
    expect(a.owned()).toEqual(shardsOf('replica-a'));
    expect(b.owned()).toEqual(shardsOf('replica-b'));
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
    expect(b.owned()).toEqual(shardsOf('replica-b'));
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
    expect(a.owned()).toEqual(shardsOf('replica-a'));
    expect(b.owned()).toEqual(shardsOf('replica-b'));
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
