import { afterEach, describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { FakeClock } from './clock.ts';
import { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';
import { MemoryLeaseStore } from './memory-source.ts';

interface Candidate {
  elector: LeaderElector;
  lock: ReturnType<MemoryLeaseStore['lock']>;
  abort: AbortController;
  running: Promise<void>;
  log: string[];
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function candidate(
  store: MemoryLeaseStore,
  clock: FakeClock,
  identity: string,
  options: Partial<LeaderElectorOptions> = {},
): Candidate {
  const lock = store.lock(identity);
  const log: string[] = [];
  const elector = new LeaderElector({
    lock,
    identity,
    clock,
    onStartedLeading: () => log.push(`started@${clock.now()}`),
    onStoppedLeading: () => void log.push(`stopped@${clock.now()}`),
    onNewLeader: (leader) => log.push(`leader ${leader}`),
    ...options,
  });
  const abort = new AbortController();
  const running = elector.run(abort.signal);
  cleanups.push(async () => {
    abort.abort();
    await clock.advance(1000);
    await running;
  });
  return { elector, lock, abort, running, log };
}

/** Advances in 100 ms steps, failing if two candidates ever lead at once. */
async function advanceSafely(clock: FakeClock, ms: number, candidates: Candidate[]): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    await clock.advance(100);
    expect(candidates.filter((c) => c.elector.isLeader()).length).toBeLessThanOrEqual(1);
  }
}

describe('LeaderElector', () => {
  it('creates a missing lease and leads, renewing every retry period', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryLeaseStore();
    const a = candidate(store, clock, 'a');
    await clock.advance(0);
    expect(a.elector.isLeader()).toBe(true);
    expect(a.elector.leader()).toBe('a');
    expect(a.log).toEqual(['leader a', 'started@0']);
    expect(store.current()?.record).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    await clock.advance(10_000);
    expect(a.lock.writes).toBe(6); // create + a renewal every 2 s
    expect(Date.parse(store.current()!.record.renewTime!)).toBe(10_000);
    expect(Date.parse(store.current()!.record.acquireTime!)).toBe(0);
  });

  it('a follower waits; when the leader stops renewing, the leader steps down before the follower takes over', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryLeaseStore();
    const a = candidate(store, clock, 'a');
    await clock.advance(0);
    const b = candidate(store, clock, 'b');
    await advanceSafely(clock, 30_000, [a, b]);
    expect(b.elector.isLeader()).toBe(false);
    expect(b.elector.leader()).toBe('a');
    expect(b.log).toEqual(['leader a']);

    const cutAtMs = clock.now();
    a.lock.unreachable = true;
    await advanceSafely(clock, 25_000, [a, b]);
    expect(a.log.filter((l) => l.startsWith('stopped'))).toHaveLength(1);
    expect(a.elector.isLeader()).toBe(false);
    expect(b.elector.isLeader()).toBe(true);
    const stoppedMs = Number(a.log.find((l) => l.startsWith('stopped'))!.split('@')[1]);
    const startedMs = Number(b.log.find((l) => l.startsWith('started'))!.split('@')[1]);
    expect(stoppedMs - cutAtMs).toBeLessThanOrEqual(10_000 + 2000);
    expect(startedMs).toBeGreaterThan(stoppedMs);
    expect(startedMs - cutAtMs).toBeGreaterThanOrEqual(15_000 - 2000);
    // b saw the last renewal up to one jittered retry (4.4 s) late, and retries up to 4.4 s after expiry.
    expect(startedMs - cutAtMs).toBeLessThanOrEqual(15_000 + 2 * 4400);
    expect(store.current()?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await a.running; // run() resolves once leadership is lost
  });

  it('releases the lease on cancel so a follower takes over within a retry period', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryLeaseStore();
    let finishStopping: () => void = () => {};
    const a = candidate(store, clock, 'a', {
      onStoppedLeading: () => new Promise<void>((resolve) => (finishStopping = resolve)),
    });
    await clock.advance(0);
    const b = candidate(store, clock, 'b');
    await clock.advance(5000);
    a.abort.abort();
    await clock.advance(0);
    // The lease stays held until onStoppedLeading has finished.
    expect(store.current()?.record.holderIdentity).toBe('a');
    finishStopping();
    await a.running;
    expect(store.current()?.record).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    await advanceSafely(clock, 4500, [a, b]);
    expect(b.elector.isLeader()).toBe(true);
  });

  it('without releaseOnCancel the follower waits for the lease to expire', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryLeaseStore();
    const a = candidate(store, clock, 'a', { releaseOnCancel: false });
    await clock.advance(0);
    const b = candidate(store, clock, 'b');
    await clock.advance(100);
    a.abort.abort();
    await a.running;
    expect(store.current()?.record.holderIdentity).toBe('a');
    await clock.advance(12_000);
    expect(b.elector.isLeader()).toBe(false);
    await clock.advance(8000);
    expect(b.elector.isLeader()).toBe(true);
  });

  it('aborts the leadership signal when leadership ends', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryLeaseStore();
    let leadership: AbortSignal | undefined;
    const a = candidate(store, clock, 'a', { onStartedLeading: (signal) => (leadership = signal) });
    await clock.advance(0);
    expect(leadership?.aborted).toBe(false);
    a.lock.unreachable = true;
    await clock.advance(13_000);
    expect(leadership?.aborted).toBe(true);
  });

  it('rejects timings that break leaseDuration > renewDeadline > 1.2 × retryPeriod', () => {
    const lock = new MemoryLeaseStore().lock();
    const options = { lock, identity: 'a', onStartedLeading: () => {}, onStoppedLeading: () => {} };
    let caught: unknown;
    try {
      new LeaderElector({ ...options, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 });
    } catch (error) {
      caught = error;
    }
    expect(isKvsyncError(caught, 'ERR_INVALID_CONFIG')).toBe(true);
    expect(() => new LeaderElector({ ...options, renewDeadlineMs: 2000, retryPeriodMs: 2000 })).toThrow();
  });
});
