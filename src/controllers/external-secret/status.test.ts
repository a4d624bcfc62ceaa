import { describe, expect, it } from 'vitest';
import type { ExternalSecretStatus } from '../../api/index.ts';
import { doneStatus, failedStatus, formatTime, statusChanged, type DoneOutcome } from './status.ts';

/* ESO's markAsDone / markAsFailed (reference eso.md §2.6), plus kvsync's additions. */

const T0 = Date.parse('2026-03-01T12:00:00.750Z');
const MINUTE = 60_000;

function outcome(partial: Partial<DoneOutcome> = {}): DoneOutcome {
  return {
    reason: 'SecretSynced',
    message: 'secret synced',
    startedMs: T0,
    syncedResourceVersion: '1-abc',
    ...partial,
  };
}

const ready = (status: ExternalSecretStatus) =>
  status.conditions?.find((condition) => condition.type === 'Ready');

describe('formatTime', () => {
  it('writes RFC 3339 in UTC with whole seconds, as metav1.Time', () => {
    expect(formatTime(T0)).toBe('2026-03-01T12:00:00Z');
  });
});

describe('doneStatus', () => {
  it('sets Ready=True, the refresh time (the start of the sync), version, binding and next refresh', () => {
    const status = doneStatus(
      undefined,
      outcome({ bindingName: 'db-secret', nextRefreshMs: T0 + 60 * MINUTE }),
      T0 + 2_000,
    );
    expect(status).toEqual({
      refreshTime: '2026-03-01T12:00:00Z',
      syncedResourceVersion: '1-abc',
      binding: { name: 'db-secret' },
      nextRefreshTime: '2026-03-01T13:00:00Z',
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'SecretSynced',
          message: 'secret synced',
          lastTransitionTime: '2026-03-01T12:00:02Z',
        },
      ],
    });
  });

  it('records each synced source with its version and update time', () => {
    const status = doneStatus(
      undefined,
      outcome({
        sources: [
          { key: 'app-config', version: 'v1' },
          {
            key: 'pg-password',
            secretKey: 'password',
            version: 'v7',
            updatedOn: new Date('2026-02-01T10:00:00.5Z'),
          },
        ],
      }),
      T0,
    );
    expect(status.syncedVersions).toEqual([
      { key: 'app-config', version: 'v1' },
      { key: 'pg-password', secretKey: 'password', version: 'v7', updated: '2026-02-01T10:00:00Z' },
    ]);
  });

  it('keeps lastTransitionTime while Ready stays True, and changes it when Ready flips', () => {
    const first = doneStatus(undefined, outcome(), T0);
    const second = doneStatus(first, outcome({ startedMs: T0 + 60 * MINUTE }), T0 + 60 * MINUTE);
    expect(ready(second)?.lastTransitionTime).toBe(ready(first)?.lastTransitionTime);
    const failed = failedStatus(second, 'boom', T0 + 90 * MINUTE);
    expect(ready(failed)?.lastTransitionTime).toBe(formatTime(T0 + 90 * MINUTE));
    const recovered = doneStatus(failed, outcome({ startedMs: T0 + 95 * MINUTE }), T0 + 95 * MINUTE);
    expect(ready(recovered)?.lastTransitionTime).toBe(formatTime(T0 + 95 * MINUTE));
  });

  it('removes nextRefreshTime when no periodic refresh follows', () => {
    const scheduled = doneStatus(undefined, outcome({ nextRefreshMs: T0 + MINUTE }), T0);
    expect(doneStatus(scheduled, outcome(), T0)).not.toHaveProperty('nextRefreshTime');
  });

  it('keeps conditions of other types', () => {
    const previous: ExternalSecretStatus = {
      conditions: [{ type: 'Deleted', status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    };
    const status = doneStatus(previous, outcome(), T0);
    expect(status.conditions?.map((condition) => condition.type)).toEqual(['Deleted', 'Ready']);
  });

  it('does not change the previous status object', () => {
    const previous = doneStatus(undefined, outcome(), T0);
    const copy = structuredClone(previous);
    doneStatus(previous, outcome({ startedMs: T0 + MINUTE, syncedResourceVersion: '2-def' }), T0 + MINUTE);
    expect(previous).toEqual(copy);
  });
});

describe('failedStatus', () => {
  const synced = doneStatus(
    undefined,
    outcome({
      bindingName: 'db-secret',
      nextRefreshMs: T0 + 60 * MINUTE,
      sources: [{ key: 'pg-password', secretKey: 'password', version: 'v1' }],
    }),
    T0,
  );

  it('sets Ready=False with SecretSyncedError and the message, and does not advance the refresh time', () => {
    const status = failedStatus(synced, "get secret 'pg-password': 403", T0 + 61 * MINUTE);
    expect(ready(status)).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'SecretSyncedError',
      message: "get secret 'pg-password': 403",
      lastTransitionTime: formatTime(T0 + 61 * MINUTE),
    });
    expect(status.refreshTime).toBe(synced.refreshTime);
    expect(status.syncedResourceVersion).toBe(synced.syncedResourceVersion);
    expect(status.syncedVersions).toEqual(synced.syncedVersions);
    expect(status.binding).toEqual({ name: 'db-secret' });
  });

  it('keeps lastTransitionTime while failures repeat', () => {
    const first = failedStatus(synced, 'boom', T0 + MINUTE);
    const second = failedStatus(first, 'boom again', T0 + 5 * MINUTE);
    expect(ready(second)?.lastTransitionTime).toBe(formatTime(T0 + MINUTE));
    expect(ready(second)?.message).toBe('boom again');
  });

  it('sets nextRefreshTime to the next attempt when one is given', () => {
    expect(failedStatus(synced, 'throttled', T0, T0 + 30_000).nextRefreshTime).toBe(formatTime(T0 + 30_000));
  });
});

describe('statusChanged', () => {
  it('ignores the order of keys at every level', () => {
    const a = { refreshTime: 'x', conditions: [{ type: 'Ready', status: 'True' }], binding: { name: 'b' } };
    const b = { binding: { name: 'b' }, conditions: [{ status: 'True', type: 'Ready' }], refreshTime: 'x' };
    expect(statusChanged(a, b)).toBe(false);
  });

  it('sees a changed value, an added or removed field, and a missing previous status', () => {
    const a = { refreshTime: 'x', binding: { name: 'b' } };
    expect(statusChanged(a, { refreshTime: 'y', binding: { name: 'b' } })).toBe(true);
    expect(statusChanged(a, { ...a, nextRefreshTime: 'z' })).toBe(true);
    expect(statusChanged(a, { refreshTime: 'x' })).toBe(true);
    expect(statusChanged(undefined, a)).toBe(true);
    expect(statusChanged(undefined, {})).toBe(false);
  });

  it('sees a change of order within an array', () => {
    expect(statusChanged({ list: [1, 2] }, { list: [2, 1] })).toBe(true);
  });
});
