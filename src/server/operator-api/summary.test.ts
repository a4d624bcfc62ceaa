import { describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../../api/index.ts';
import { makeExternalSecret, makeSecretStore } from '../../controllers/test-support.ts';
import { RemoteVersions } from '../../refresh/remote-versions.ts';
import { driftOf, remoteKeyViews, stateOf, summarize } from './summary.ts';

const VAULT = 'our-vault.vault.azure.net';
const SYNCED_AT = '2026-01-01T10:00:00Z';
const SYNCED_MS = Date.parse(SYNCED_AT);

function synced(overrides: Partial<ExternalSecret['status']> = {}): ExternalSecret {
  return {
    ...makeExternalSecret(),
    status: {
      refreshTime: SYNCED_AT,
      nextRefreshTime: '2026-01-01T11:00:00Z',
      conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }],
      syncedVersions: [
        { key: 'pg-password', secretKey: 'password', version: 'aaaaaaaa1111', updated: SYNCED_AT },
      ],
      ...overrides,
    },
  };
}

const store = makeSecretStore('vault', 'default', { ready: true });

describe('summarize', () => {
  it('describes a synced ExternalSecret with what a table needs', () => {
    const versions = new RemoteVersions();
    versions.note(VAULT, 'pg-password', { version: 'aaaaaaaa1111', learnedAtMs: SYNCED_MS, source: 'get' });
    expect(summarize(synced(), { store, versions })).toEqual({
      key: 'default/db',
      namespace: 'default',
      name: 'db',
      store: { kind: 'SecretStore', name: 'vault' },
      target: 'db-secret',
      intervalMs: 3_600_000,
      refreshPolicy: 'Periodic',
      refreshTime: SYNCED_AT,
      nextRefreshTime: '2026-01-01T11:00:00Z',
      state: 'synced',
      reason: 'SecretSynced',
      vault: VAULT,
      drift: 'same',
      versions: ['pg-password@aaaaaaaa'],
    });
  });

  it('says drift when Key Vault is known to hold a newer version (learned after the sync)', () => {
    const versions = new RemoteVersions();
    versions.note(VAULT, 'pg-password', {
      version: 'bbbb2222',
      learnedAtMs: SYNCED_MS + 60_000,
      source: 'list',
    });
    const summary = summarize(synced(), { store, versions });
    expect(summary.drift).toBe('newer');
    expect(summary.state).toBe('drift');
    const [view] = remoteKeyViews(synced(), { store, versions });
    expect(view).toMatchObject({
      key: 'pg-password',
      secretKey: 'password',
      syncedVersion: 'aaaaaaaa1111',
      known: { version: 'bbbb2222', source: 'list' },
      newer: true,
    });
  });

  it('says unknown without change knowledge, and for a pinned version never newer', () => {
    expect(summarize(synced(), { store }).drift).toBe('unknown');
    const pinned = synced();
    pinned.spec.data = [
      { secretKey: 'password', remoteRef: { key: 'pg-password', version: 'aaaaaaaa1111' } },
    ];
    const versions = new RemoteVersions();
    versions.note(VAULT, 'pg-password', { version: 'cccc', learnedAtMs: SYNCED_MS + 1, source: 'event' });
    expect(summarize(pinned, { store, versions }).drift).toBe('same');
  });

  it('shows the failure message only when failed, and pending before the first sync', () => {
    const failed = synced({
      conditions: [{ type: 'Ready', status: 'False', reason: 'SecretSyncedError', message: '403 Forbidden' }],
    });
    expect(summarize(failed, { store })).toMatchObject({ state: 'failed', message: '403 Forbidden' });
    expect(summarize(makeExternalSecret(), { store })).toMatchObject({ state: 'pending', drift: 'unknown' });
    expect(summarize(synced(), { store }).message).toBeUndefined();
  });

  it('carries the reloader counts only when a reloader gives them', () => {
    expect(summarize(synced(), { store })).not.toHaveProperty('stalePods');
    const reloader = {
      stalePods: [{ namespace: 'default', name: 'web-1' }],
      pendingRestarts: [{ workload: 'Deployment/web', reason: 'restart window opens at 02:00' }],
    };
    expect(summarize(synced(), { store, reloader })).toMatchObject({ stalePods: 1, pendingRestarts: 1 });
  });

  it('survives a missing store and an unparseable interval', () => {
    const odd = synced();
    odd.spec.refreshInterval = 'soon';
    expect(summarize(odd, {})).toMatchObject({ intervalMs: -1, drift: 'unknown' });
    expect(summarize(odd, {})).not.toHaveProperty('vault');
  });
});

describe('stateOf and driftOf', () => {
  it('ranks failed over drift', () => {
    const failed = synced({ conditions: [{ type: 'Ready', status: 'False' }] });
    expect(stateOf(failed, 'newer')).toBe('failed');
    expect(stateOf(synced(), 'newer')).toBe('drift');
  });

  it('is unknown for an ExternalSecret never synced', () => {
    expect(driftOf(makeExternalSecret(), [])).toBe('unknown');
  });
});
