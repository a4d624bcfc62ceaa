import { describe, expect, it } from 'vitest';
import type { ExternalSecret, RefreshPolicy } from '../../api/index.ts';
import { ANNOTATION_DATA_HASH, LABEL_MANAGED } from '../../api/index.ts';
import { dataHashOfEncoded, syncedResourceVersion } from './hash.ts';
import { isTargetValid, nextRefresh, shouldRefresh, type TargetSecretView } from './refresh.ts';

/*
 * ESO's refresh decision table (reference eso.md §3.2, §3.4, §3.5), one row per case, with a
 * fixed "now" instead of the clock. `synced` says what status.syncedResourceVersion holds:
 * the current `<generation>-<hashMeta>` of the object, an older one (the spec or metadata
 * changed since), or nothing. `refreshed` says how long before now status.refreshTime lies
 * (negative: in the future), or null for an unset refreshTime.
 */

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Case {
  policy?: RefreshPolicy | '';
  interval?: string;
  synced: 'current' | 'stale' | 'none';
  refreshed: number | null;
}

function externalSecret(c: Case): ExternalSecret {
  const metadata = { name: 'db', namespace: 'default', generation: 2, annotations: { team: 'payments' } };
  const es: ExternalSecret = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata,
    spec: {
      secretStoreRef: { name: 'azure-backend' },
      data: [{ secretKey: 'password', remoteRef: { key: 'pg' } }],
    },
    status: {
      refreshTime:
        c.refreshed === null ? null : new Date(NOW - c.refreshed).toISOString().replace('.000Z', 'Z'),
    },
  };
  if (c.policy !== undefined) es.spec.refreshPolicy = c.policy as RefreshPolicy;
  if (c.interval !== undefined) es.spec.refreshInterval = c.interval;
  if (c.synced === 'current') es.status!.syncedResourceVersion = syncedResourceVersion(metadata);
  if (c.synced === 'stale')
    es.status!.syncedResourceVersion = syncedResourceVersion({ ...metadata, generation: 1 });
  return es;
}

describe('shouldRefresh', () => {
  const rows: [string, Case, boolean][] = [
    // CreatedOnce: only while never synced.
    ['CreatedOnce, never synced', { policy: 'CreatedOnce', synced: 'none', refreshed: null }, true],
    [
      'CreatedOnce, version set but refreshTime unset',
      { policy: 'CreatedOnce', synced: 'current', refreshed: null },
      true,
    ],
    [
      'CreatedOnce, refreshTime set but no version',
      { policy: 'CreatedOnce', synced: 'none', refreshed: MINUTE },
      true,
    ],
    [
      'CreatedOnce, synced, spec changed since',
      { policy: 'CreatedOnce', synced: 'stale', refreshed: MINUTE },
      false,
    ],
    [
      'CreatedOnce, synced, long overdue',
      { policy: 'CreatedOnce', synced: 'current', refreshed: 99 * HOUR },
      false,
    ],
    // OnChange: never synced, or generation/labels/annotations changed.
    ['OnChange, never synced', { policy: 'OnChange', synced: 'none', refreshed: null }, true],
    ['OnChange, refreshTime unset', { policy: 'OnChange', synced: 'current', refreshed: null }, true],
    [
      'OnChange, unchanged, long overdue',
      { policy: 'OnChange', synced: 'current', refreshed: 99 * HOUR },
      false,
    ],
    [
      'OnChange, changed since the last sync',
      { policy: 'OnChange', synced: 'stale', refreshed: MINUTE },
      true,
    ],
    // Periodic, step 1: interval <= 0 after a first sync never refreshes, even when changed.
    [
      'Periodic, interval 0, synced and changed',
      { interval: '0', synced: 'stale', refreshed: MINUTE },
      false,
    ],
    [
      'Periodic, interval 0s, synced, overdue',
      { interval: '0s', synced: 'current', refreshed: 99 * HOUR },
      false,
    ],
    ['Periodic, negative interval, synced', { interval: '-1m', synced: 'current', refreshed: HOUR }, false],
    ['Periodic, interval 0, never synced', { interval: '0', synced: 'none', refreshed: null }, true],
    // Step 2: spec, label or annotation changed.
    ['Periodic, changed since the last sync', { interval: '1h', synced: 'stale', refreshed: MINUTE }, true],
    // Step 3: refreshTime unset.
    ['Periodic, refreshTime unset', { interval: '1h', synced: 'current', refreshed: null }, true],
    // Step 4: refreshTime in the future.
    ['Periodic, refreshTime in the future', { interval: '1h', synced: 'current', refreshed: -MINUTE }, true],
    // Step 5: due only once refreshTime + interval lies strictly before now.
    ['Periodic, within the interval', { interval: '1h', synced: 'current', refreshed: 59 * MINUTE }, false],
    ['Periodic, exactly one interval ago', { interval: '1h', synced: 'current', refreshed: HOUR }, false],
    ['Periodic, past the interval', { interval: '1h', synced: 'current', refreshed: HOUR + 1000 }, true],
    ['Periodic, 5m interval, 6m ago', { interval: '5m', synced: 'current', refreshed: 6 * MINUTE }, true],
    // Defaults: empty policy is Periodic; no interval is 1h.
    [
      'empty policy, past the interval',
      { policy: '', interval: '1m', synced: 'current', refreshed: 2 * MINUTE },
      true,
    ],
    [
      'empty policy, within the interval',
      { policy: '', interval: '1m', synced: 'current', refreshed: 30_000 },
      false,
    ],
    ['no interval (1h), 59m ago', { synced: 'current', refreshed: 59 * MINUTE }, false],
    ['no interval (1h), 61m ago', { synced: 'current', refreshed: 61 * MINUTE }, true],
  ];

  it.each(rows)('%s → %s', (_name, c, expected) => {
    expect(shouldRefresh(externalSecret(c), NOW)).toBe(expected);
  });

  it('a force-sync annotation makes a synced Periodic ExternalSecret refresh at once', () => {
    const es = externalSecret({ interval: '1h', synced: 'current', refreshed: MINUTE });
    expect(shouldRefresh(es, NOW)).toBe(false);
    es.metadata.annotations = { ...es.metadata.annotations, 'force-sync': '1700000000' };
    expect(shouldRefresh(es, NOW)).toBe(true);
  });

  it('a new interval syncs at once and then counts from that sync', () => {
    const es = externalSecret({ interval: '1h', synced: 'current', refreshed: 30 * MINUTE });
    es.spec.refreshInterval = '5m';
    es.metadata.generation = 3;
    expect(shouldRefresh(es, NOW)).toBe(true);
    es.status = {
      refreshTime: new Date(NOW).toISOString(),
      syncedResourceVersion: syncedResourceVersion(es.metadata),
    };
    expect(shouldRefresh(es, NOW + 4 * MINUTE)).toBe(false);
    expect(nextRefresh(es, NOW)).toEqual({ requeueAfterMs: 5 * MINUTE });
    expect(shouldRefresh(es, NOW + 5 * MINUTE + 1000)).toBe(true);
  });
});

describe('isTargetValid', () => {
  const data = { password: Buffer.from('s3cret').toString('base64') };
  const good: TargetSecretView = {
    metadata: {
      uid: 'uid-1',
      labels: { [LABEL_MANAGED]: 'true' },
      annotations: { [ANNOTATION_DATA_HASH]: dataHashOfEncoded(data) },
    },
    data,
  };
  const es = (creationPolicy?: 'Owner' | 'Orphan' | 'Merge') => {
    const result = externalSecret({ synced: 'current', refreshed: MINUTE });
    if (creationPolicy) result.spec.target = { creationPolicy };
    return result;
  };
  const rows: [string, TargetSecretView | undefined, ReturnType<typeof es>, boolean][] = [
    ['Orphan, even when missing', undefined, es('Orphan'), true],
    ['Orphan, even when edited', { ...good, data: { password: 'ZWRpdGVk' } }, es('Orphan'), true],
    ['missing', undefined, es(), false],
    ['without uid (ESO: does not exist)', { ...good, metadata: { ...good.metadata, uid: '' } }, es(), false],
    ['managed label missing', { ...good, metadata: { ...good.metadata, labels: {} } }, es(), false],
    [
      'managed label not "true"',
      { ...good, metadata: { ...good.metadata, labels: { [LABEL_MANAGED]: 'false' } } },
      es(),
      false,
    ],
    [
      'data-hash annotation missing',
      { ...good, metadata: { ...good.metadata, annotations: {} } },
      es(),
      false,
    ],
    ['data edited after the sync', { ...good, data: { password: 'ZWRpdGVk' } }, es(), false],
    ['a key added after the sync', { ...good, data: { ...data, extra: 'eA==' } }, es(), false],
    ['as written (Owner)', good, es(), true],
    ['as written (Merge)', good, es('Merge'), true],
    [
      'as written, no data',
      { metadata: { ...good.metadata, annotations: { [ANNOTATION_DATA_HASH]: dataHashOfEncoded({}) } } },
      es(),
      true,
    ],
  ];

  it.each(rows)('%s → %s', (_name, secret, externalSecret, expected) => {
    expect(isTargetValid(secret, externalSecret)).toBe(expected);
  });
});

describe('nextRefresh', () => {
  const rows: [string, Case, ReturnType<typeof nextRefresh>][] = [
    ['interval 0: no timer', { interval: '0', synced: 'current', refreshed: MINUTE }, undefined],
    ['negative interval: no timer', { interval: '-5m', synced: 'current', refreshed: MINUTE }, undefined],
    [
      'refreshTime unset: after one interval',
      { interval: '5m', synced: 'none', refreshed: null },
      { requeueAfterMs: 5 * MINUTE },
    ],
    [
      'refreshTime in the future: now',
      { interval: '5m', synced: 'current', refreshed: -MINUTE },
      { requeueNow: true },
    ],
    [
      '10m into 1h: after 50m',
      { interval: '1h', synced: 'current', refreshed: 10 * MINUTE },
      { requeueAfterMs: 50 * MINUTE },
    ],
    [
      'just synced: after a whole interval',
      { interval: '1h', synced: 'current', refreshed: 0 },
      { requeueAfterMs: HOUR },
    ],
    [
      'exactly one interval ago: now',
      { interval: '1h', synced: 'current', refreshed: HOUR },
      { requeueNow: true },
    ],
    ['overdue: now', { interval: '1h', synced: 'current', refreshed: 3 * HOUR }, { requeueNow: true }],
    ['no interval: 1h', { synced: 'current', refreshed: 15 * MINUTE }, { requeueAfterMs: 45 * MINUTE }],
    [
      'CreatedOnce still schedules (the policy decides what the requeue does)',
      { policy: 'CreatedOnce', interval: '10m', synced: 'current', refreshed: MINUTE },
      { requeueAfterMs: 9 * MINUTE },
    ],
  ];

  it.each(rows)('%s', (_name, c, expected) => {
    expect(nextRefresh(externalSecret(c), NOW)).toEqual(expected);
  });
});
