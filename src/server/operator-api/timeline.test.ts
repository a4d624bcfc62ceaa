import { describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../../api/index.ts';
import { makeExternalSecret } from '../../controllers/test-support.ts';
import { FakeClock } from '../../runtime/index.ts';
import { happeningsOf, Timeline } from './timeline.ts';

function withStatus(
  ready: 'True' | 'False',
  refreshTime: string,
  version = 'aaaaaaaa11',
  message = 'secret synced',
): ExternalSecret {
  return {
    ...makeExternalSecret(),
    status: {
      refreshTime,
      conditions: [{ type: 'Ready', status: ready, message }],
      syncedVersions: [{ key: 'pg-password', version }],
    },
  };
}

describe('happeningsOf', () => {
  it('reports nothing for an add (a starting operator lists everything)', () => {
    expect(happeningsOf(undefined, withStatus('True', '2026-01-01T00:00:00Z'))).toEqual([]);
  });

  it('tells a sync that brought a new version from one that found nothing new', () => {
    const old = withStatus('True', '2026-01-01T00:00:00Z');
    expect(happeningsOf(old, withStatus('True', '2026-01-01T01:00:00Z', 'bbbbbbbb22'))).toEqual([
      { kind: 'updated', message: 'synced new version: pg-password@bbbbbbbb (was @aaaaaaaa)' },
    ]);
    expect(happeningsOf(old, withStatus('True', '2026-01-01T01:00:00Z'))).toEqual([
      { kind: 'synced', message: 'synced; Key Vault unchanged' },
    ]);
  });

  it('reports a new version synced within the second of the sync before it (same refresh time)', () => {
    const confirmed = withStatus('True', '2026-01-01T00:00:00Z');
    expect(happeningsOf(confirmed, withStatus('True', '2026-01-01T00:00:00Z', 'bbbbbbbb22'))).toEqual([
      { kind: 'updated', message: 'synced new version: pg-password@bbbbbbbb (was @aaaaaaaa)' },
    ]);
    expect(happeningsOf(confirmed, withStatus('True', '2026-01-01T00:00:00Z'))).toEqual([]);
  });

  it('reports a failure once per message, and the recovery', () => {
    const ok = withStatus('True', '2026-01-01T00:00:00Z');
    const failed = withStatus('False', '2026-01-01T00:00:00Z', 'aaaaaaaa11', '403 ForbiddenByRbac');
    expect(happeningsOf(ok, failed)).toEqual([{ kind: 'failed', message: '403 ForbiddenByRbac' }]);
    expect(happeningsOf(failed, failed)).toEqual([]);
    const other = withStatus('False', '2026-01-01T00:00:00Z', 'aaaaaaaa11', '429 Throttled');
    expect(happeningsOf(failed, other)).toEqual([{ kind: 'failed', message: '429 Throttled' }]);
    const back = withStatus('True', '2026-01-01T00:05:00Z');
    expect(happeningsOf(other, back).map((h) => h.kind)).toEqual(['recovered', 'synced']);
  });

  it('notices a force-sync annotation and a deletion', () => {
    const old = withStatus('True', '2026-01-01T00:00:00Z');
    const annotated = structuredClone(old);
    annotated.metadata.annotations = { 'force-sync': '1767225600' };
    expect(happeningsOf(old, annotated)).toEqual([
      { kind: 'sync-requested', message: 'sync requested (force-sync=1767225600)' },
    ]);
    const deleting = structuredClone(old);
    deleting.metadata.deletionTimestamp = '2026-01-01T00:10:00Z';
    expect(happeningsOf(old, deleting)).toEqual([{ kind: 'deleting', message: 'deletion started' }]);
  });
});

describe('Timeline', () => {
  it('keeps the newest entries per key, newest first, and counts repeats in place', async () => {
    const clock = new FakeClock();
    const timeline = new Timeline({ clock, perKeyLimit: 3 });
    timeline.record('ns/a', 'failed', 'boom');
    await clock.advance(1000);
    timeline.record('ns/a', 'failed', 'boom');
    expect(timeline.entries('ns/a')).toEqual([
      { at: '2026-01-01T00:00:01.000Z', kind: 'failed', message: 'boom', count: 2 },
    ]);
    for (const n of [1, 2, 3]) timeline.record('ns/a', 'synced', `sync ${n}`);
    expect(timeline.entries('ns/a').map((entry) => entry.message)).toEqual(['sync 3', 'sync 2', 'sync 1']);
    expect(timeline.entries('ns/b')).toEqual([]);
    timeline.forget('ns/a');
    expect(timeline.entries('ns/a')).toEqual([]);
  });

  it('tells subscribers until they unsubscribe', () => {
    const timeline = new Timeline({ clock: new FakeClock() });
    const seen: string[] = [];
    const unsubscribe = timeline.subscribe((key, entry) => seen.push(`${key} ${entry.kind}`));
    timeline.record('ns/a', 'push', 'Event Grid');
    unsubscribe();
    timeline.record('ns/a', 'push', 'again');
    expect(seen).toEqual(['ns/a push']);
  });
});
