import { describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../api/index.ts';
import { syncedResourceVersion } from '../controllers/external-secret/hash.ts';
import { SyncWaiter, whyNoSync } from './sync-wait.ts';

const AT = Date.parse('2026-01-01T12:00:00.500Z');

function annotated(): ExternalSecret {
  return {
    metadata: {
      name: 'db',
      namespace: 'default',
      generation: 2,
      annotations: { 'force-sync': '1767268800' },
    },
    spec: { refreshInterval: '1h' },
    status: {
      syncedResourceVersion: '2-old',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          message: 'old failure',
          lastTransitionTime: '2026-01-01T11:00:00Z',
        },
      ],
    },
  };
}

function withStatus(status: ExternalSecret['status']): ExternalSecret {
  return { ...annotated(), status };
}

describe('SyncWaiter', () => {
  it('is done when the status records a sync of the annotated metadata', () => {
    const waiter = new SyncWaiter();
    waiter.expect(annotated(), AT);
    expect(waiter.observe(annotated(), AT + 10)).toBeUndefined();
    const synced = withStatus({
      syncedResourceVersion: syncedResourceVersion(annotated().metadata),
      conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced' }],
      syncedVersions: [
        { key: 'pg', version: 'abcdef0123' },
        { key: 'pg', version: 'abcdef0123' },
      ],
    });
    expect(waiter.observe(synced, AT + 800)).toEqual({
      namespace: 'default',
      name: 'db',
      result: 'synced',
      durationMs: 800,
      versions: ['pg@abcdef01'],
    });
    expect(waiter.waiting()).toEqual([]);
  });

  it('does not take an older sync for ours', () => {
    const waiter = new SyncWaiter();
    waiter.expect(annotated(), AT);
    const stale = withStatus({
      syncedResourceVersion: '1-other',
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    expect(waiter.observe(stale, AT + 5)).toBeUndefined();
    expect(waiter.waiting()).toEqual(['default/db']);
  });

  it('fails on a new failure message, or a Warning event from the annotation second on, but not on the old failure', () => {
    const waiter = new SyncWaiter();
    waiter.expect(annotated(), AT);
    expect(waiter.observe(annotated(), AT + 1)).toBeUndefined();
    const event = { involvedObject: { namespace: 'default', name: 'db' }, type: 'Warning', message: '403' };
    expect(waiter.observeEvent({ ...event, lastTimestamp: '2026-01-01T11:59:59Z' }, AT)).toBeUndefined();
    expect(
      waiter.observeEvent({ ...event, type: 'Normal', lastTimestamp: '2026-01-01T12:00:00Z' }, AT),
    ).toBeUndefined();
    expect(waiter.observeEvent({ ...event, lastTimestamp: '2026-01-01T12:00:00Z' }, AT + 300)).toMatchObject({
      result: 'failed',
      message: '403',
      durationMs: 300,
    });
    const other = new SyncWaiter();
    other.expect(annotated(), AT);
    const failed = withStatus({
      syncedResourceVersion: '2-old',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          message: 'new failure',
          lastTransitionTime: '2026-01-01T11:00:00Z',
        },
      ],
    });
    expect(other.observe(failed, AT + 50)).toMatchObject({ result: 'failed', message: 'new failure' });
  });
});

describe('whyNoSync', () => {
  it('knows that CreatedOnce and interval 0 never sync again once synced (ESO semantics)', () => {
    const synced = annotated();
    expect(whyNoSync(synced)).toBeUndefined();
    expect(whyNoSync({ ...synced, spec: { refreshInterval: '0' } })).toContain('refreshInterval 0');
    expect(whyNoSync({ ...synced, spec: { refreshPolicy: 'CreatedOnce' } })).toContain('CreatedOnce');
    expect(whyNoSync({ ...synced, spec: { refreshInterval: '0' }, status: {} })).toBeUndefined();
  });
});
