import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../dev/kube-apiserver/index.ts';
import { ConflictError, LeaderElector, type LeaseLock } from '../../../src/runtime/index.ts';
import { createKubeClient, type KubeClient } from '../../../src/kube/client.ts';
import { toMicroTime } from '../../../src/kube/lease-lock.ts';

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('toMicroTime', () => {
  it('pads milliseconds to the six digits a real API server requires', () => {
    expect(toMicroTime('2026-01-02T03:04:05.123Z')).toBe('2026-01-02T03:04:05.123000Z');
    expect(toMicroTime('2026-01-02T03:04:05.123456Z')).toBe('2026-01-02T03:04:05.123456Z');
    expect(toMicroTime('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000000Z');
    expect(toMicroTime(undefined)).toBeUndefined();
  });
});

/** A lock that can be cut off, as if the candidate lost its network. */
function cuttable(lock: LeaseLock): LeaseLock & { cut: boolean } {
  const guarded =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      wrapper.cut ? Promise.reject(new Error('cut off')) : call(...args);
  const wrapper = {
    cut: false,
    get: guarded(() => lock.get()),
    create: guarded((record) => lock.create(record)),
    update: guarded((record, version) => lock.update(record, version)),
    describe: () => lock.describe(),
  } as LeaseLock & { cut: boolean };
  return wrapper;
}

describe('Lease lock and leader election against the API emulator', () => {
  let server: KubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    server = await startKubeApiServer({ port: 0, controllers: false });
    kube = createKubeClient({ kubeconfigPath: server.kubeconfig });
  });
  afterAll(() => server?.close());

  it('creates, reads and updates a Lease with MicroTimes, and turns a stale version into ConflictError', async () => {
    const lock = kube.leaseLock('default', 'lock-basics');
    expect(await lock.get()).toBeUndefined();
    const record = {
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      acquireTime: new Date().toISOString(),
      renewTime: new Date().toISOString(),
      leaseTransitions: 0,
    };
    const created = await lock.create(record);
    await expect(lock.create(record)).rejects.toBeInstanceOf(ConflictError);
    const read = await lock.get();
    expect(read?.version).toBe(created);
    expect(read?.record).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(read?.record.renewTime).toMatch(MICRO_TIME);
    const renewed = await lock.update({ ...record, renewTime: new Date().toISOString() }, created);
    await expect(lock.update({ ...record, holderIdentity: 'b' }, created)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await lock.get())?.version).toBe(renewed);
    expect(lock.describe()).toBe('default/lock-basics');
  });

  /** Two candidates on one Lease with short timings; `leading` tracks who leads, `overlaps` counts violations. */
  function election(leaseName: string, releaseOnCancel: boolean) {
    const leading = new Set<string>();
    const timeline: string[] = [];
    let overlaps = 0;
    const start = (identity: string) => {
      const lock = cuttable(kube.leaseLock('default', leaseName));
      const abort = new AbortController();
      const elector = new LeaderElector({
        lock,
        identity,
        leaseDurationMs: 1000,
        renewDeadlineMs: 600,
        retryPeriodMs: 200,
        releaseOnCancel,
        onStartedLeading: () => {
          if (leading.size > 0) overlaps += 1;
          leading.add(identity);
          timeline.push(`${identity} started`);
        },
        onStoppedLeading: () => {
          leading.delete(identity);
          timeline.push(`${identity} stopped`);
        },
      });
      const running = elector.run(abort.signal);
      return { elector, lock, abort, running };
    };
    return { start, leading, timeline, overlaps: () => overlaps };
  }

  it('never lets two candidates lead; the follower takes over once the leader stops renewing', async () => {
    const { start, leading, timeline, overlaps } = election('takeover', true);
    const a = start('a');
    await expect.poll(() => a.elector.isLeader()).toBe(true);
    const b = start('b');
    await expect.poll(() => b.elector.leader()).toBe('a');
    a.lock.cut = true; // a can no longer renew: it must step down before b may lead
    const cutAtMs = Date.now();
    await expect.poll(() => b.elector.isLeader(), { timeout: 2500, interval: 20 }).toBe(true);
    const takeoverMs = Date.now() - cutAtMs;
    expect(timeline).toEqual(['a started', 'a stopped', 'b started']);
    expect(overlaps()).toBe(0);
    expect(takeoverMs).toBeGreaterThanOrEqual(600);
    await a.running; // a's run ends when it loses the lease
    const lease = await kube.leaseLock('default', 'takeover').get();
    expect(lease?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    b.abort.abort();
    await b.running;
    expect(leading.size).toBe(0);
    expect((await kube.leaseLock('default', 'takeover').get())?.record.holderIdentity).toBe('');
  });

  it('a released lease is taken over without waiting for it to expire', async () => {
    const { start, overlaps } = election('release', true);
    const a = start('a');
    await expect.poll(() => a.elector.isLeader()).toBe(true);
    const b = start('b');
    await expect.poll(() => b.elector.leader()).toBe('a');
    a.abort.abort();
    await a.running;
    await expect.poll(() => b.elector.isLeader(), { timeout: 1500, interval: 20 }).toBe(true);
    expect(overlaps()).toBe(0);
    b.abort.abort();
    await b.running;
  });
});
