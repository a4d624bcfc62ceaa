import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../runtime/index.ts';
import {
  followReloadOutcomes,
  reloaderView,
  type ReloaderLike,
  type ReloaderStateLike,
} from './reloader-adapter.ts';

/** A reloader whose state the test sets; counts how often the state is read. */
function fakeReloader(initial: ReloaderStateLike) {
  const enqueued: string[] = [];
  let state = initial;
  let reads = 0;
  const like: ReloaderLike = {
    state: () => {
      reads += 1;
      return state;
    },
    enqueue: (key) => void enqueued.push(key),
  };
  return { like, enqueued, reads: () => reads, set: (next: ReloaderStateLike) => void (state = next) };
}

const STATE: ReloaderStateLike = {
  workloads: [
    {
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      reason: 'OutsideRestartWindow',
      message: 'waiting for the restart window 02:00-04:00',
      until: '2026-01-02T02:00:00Z',
      changed: ['Secret/db-secret'],
    },
    { kind: 'Deployment', namespace: 'default', name: 'api', reason: 'UpToDate', message: '', changed: [] },
  ],
  stalePods: [
    {
      namespace: 'default',
      secret: 'db-secret',
      dataChangedAt: '2026-01-01T12:00:00Z',
      pods: [
        { pod: 'web-1', workload: 'Deployment/web' },
        { pod: 'web-2', workload: 'Deployment/web' },
      ],
    },
  ],
};

describe('reloaderView', () => {
  it('gives stale pods and pending restarts per Secret, reading the state at most once per period', async () => {
    const clock = new FakeClock();
    const reloader = fakeReloader(STATE);
    const view = reloaderView(reloader.like, { clock, cacheMs: 1000 });
    expect(view.forSecret('default', 'db-secret')).toEqual({
      stalePods: [
        { namespace: 'default', name: 'web-1', workload: 'Deployment/web', since: '2026-01-01T12:00:00Z' },
        { namespace: 'default', name: 'web-2', workload: 'Deployment/web', since: '2026-01-01T12:00:00Z' },
      ],
      pendingRestarts: [
        {
          workload: 'Deployment/web',
          reason: 'waiting for the restart window 02:00-04:00',
          notBefore: '2026-01-02T02:00:00Z',
        },
      ],
    });
    expect(view.forSecret('default', 'other')).toEqual({ stalePods: [], pendingRestarts: [] });
    expect(reloader.reads()).toBe(1);
    await clock.advance(1000);
    view.forSecret('default', 'db-secret');
    expect(reloader.reads()).toBe(2);
  });

  it('restart-stale enqueues each workload running stale pods, once, and reports what waits', async () => {
    const reloader = fakeReloader(STATE);
    const view = reloaderView(reloader.like, { clock: new FakeClock() });
    expect(await view.restartStale('default', 'db-secret')).toEqual({
      restarted: ['Deployment/web'],
      deferred: [{ workload: 'Deployment/web', reason: 'waiting for the restart window 02:00-04:00' }],
    });
    expect(reloader.enqueued).toEqual(['Deployment/default/web']);
  });
});

describe('followReloadOutcomes', () => {
  it('records a rollout that ended, once, for the Secret it rolled out', async () => {
    const clock = new FakeClock();
    const reloader = fakeReloader(STATE);
    const recorded: string[] = [];
    const stop = followReloadOutcomes(reloader.like, {
      clock,
      everyMs: 100,
      record: (namespace, secret, kind, message) =>
        recorded.push(`${namespace}/${secret} ${kind}: ${message}`),
    });
    const rolled = (reason: string, message = '') => ({
      ...STATE,
      workloads: [{ ...STATE.workloads[0]!, reason, message }],
    });
    reloader.set(rolled('RollingOut'));
    await clock.advance(100);
    reloader.set(rolled('RolledBack', 'new pods failed their readiness probe'));
    await clock.advance(100);
    await clock.advance(100);
    reloader.set(rolled('RolloutSucceeded'));
    await clock.advance(100);
    stop();
    reloader.set(rolled('RolloutFailed'));
    await clock.advance(300);
    expect(recorded).toEqual([
      'default/db-secret rollback: Deployment/web rolled back to the last good value: new pods failed their readiness probe',
      'default/db-secret restart: Deployment/web restarted',
    ]);
  });
});
