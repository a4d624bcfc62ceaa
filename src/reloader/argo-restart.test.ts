import { describe, expect, it } from 'vitest';
import { createdSince, nextRestartAt, restartCompleted } from './argo-restart.ts';
import type { PodObject, WorkloadObject } from './types.ts';

const at = (iso: string) => Date.parse(iso);
const podCreated = (creationTimestamp?: string): PodObject => ({
  metadata: { name: 'p', ...(creationTimestamp ? { creationTimestamp } : {}) },
});
const restarted = (restartedAt?: string): WorkloadObject => ({
  metadata: { name: 'r' },
  status: restartedAt ? { restartedAt } : {},
});

describe('nextRestartAt', () => {
  it('is the next whole second after now, so pods created earlier in this second restart too', () => {
    expect(nextRestartAt(at('2026-03-01T10:00:00.000Z'))).toBe('2026-03-01T10:00:01Z');
    expect(nextRestartAt(at('2026-03-01T10:00:00.999Z'))).toBe('2026-03-01T10:00:01Z');
    expect(nextRestartAt(at('2026-03-01T23:59:59.500Z'))).toBe('2026-03-02T00:00:00Z');
  });

  it('is later than the restartAt the Rollout has, which Argo would otherwise take as done', () => {
    const now = at('2026-03-01T10:00:00.200Z');
    expect(nextRestartAt(now, '2026-03-01T10:00:01Z')).toBe('2026-03-01T10:00:02Z');
    expect(nextRestartAt(now, '2026-03-01T09:00:00Z')).toBe('2026-03-01T10:00:01Z');
    expect(nextRestartAt(now, 'not a time')).toBe('2026-03-01T10:00:01Z');
  });
});

describe('createdSince', () => {
  it('counts a pod created in the restartAt second or later as restarted, as Argo does', () => {
    const restartAt = '2026-03-01T10:00:01Z';
    expect(createdSince(podCreated('2026-03-01T10:00:01Z'), restartAt)).toBe(true);
    expect(createdSince(podCreated('2026-03-01T10:00:05Z'), restartAt)).toBe(true);
    expect(createdSince(podCreated('2026-03-01T10:00:00Z'), restartAt)).toBe(false);
    expect(createdSince(podCreated(), restartAt)).toBe(false);
  });
});

describe('restartCompleted', () => {
  it('holds once status.restartedAt reaches the requested restartAt', () => {
    const restartAt = '2026-03-01T10:00:01Z';
    expect(restartCompleted(restarted(restartAt), restartAt)).toBe(true);
    expect(restartCompleted(restarted('2026-03-01T10:00:09Z'), restartAt)).toBe(true);
    expect(restartCompleted(restarted('2026-03-01T10:00:00Z'), restartAt)).toBe(false);
    expect(restartCompleted(restarted(), restartAt)).toBe(false);
    expect(restartCompleted(restarted(restartAt), 'garbage')).toBe(false);
  });
});
