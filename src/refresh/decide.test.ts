import { describe, expect, it } from 'vitest';
import type { RemoteSecretProperties } from '../providers/provider.ts';
import { decideRefresh, type RefreshInput, type RemoteObjectRef } from './decide.ts';
import { RemoteVersions } from './remote-versions.ts';

const VAULT = 'our-vault.vault.azure.net';
const MINUTE = 60_000;

function listed(name: string, updatedSeconds: number): RemoteSecretProperties {
  return { name, enabled: true, updatedOn: new Date(updatedSeconds * 1000), tags: {}, managed: false };
}

function ref(
  name: string,
  synced = { updatedMs: 100_000, version: 'v1' },
  extra: Partial<RemoteObjectRef> = {},
) {
  return { vault: VAULT, name, isSecret: true, pinned: false, synced, ...extra };
}

function input(overrides: Partial<RefreshInput>): RefreshInput {
  return {
    refs: [ref('a')],
    trigger: 'due',
    syncedAtMs: 0,
    intervalMs: MINUTE,
    nowMs: MINUTE,
    versions: new RemoteVersions(),
    pushHealthy: () => false,
    ...overrides,
  };
}

describe('decideRefresh', () => {
  it('always reads when ESO forces a sync', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [listed('a', 100)], MINUTE - 1);
    expect(decideRefresh(input({ trigger: 'forced', versions }))).toEqual({
      action: 'fetch',
      reason: 'forced',
    });
  });

  it('skips the reads of a due sync when a listing since the last interval shows nothing new', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [listed('a', 100)], 30_000);
    expect(decideRefresh(input({ versions }))).toEqual({ action: 'skip', reason: 'listing-unchanged' });
  });

  it('reads when the listing is older than one interval', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [listed('a', 100)], -1);
    expect(decideRefresh(input({ versions }))).toEqual({ action: 'fetch', reason: 'due' });
  });

  it('syncs at once, before it is due, when a newer version became known after the last sync', () => {
    const versions = new RemoteVersions();
    versions.note(VAULT, 'a', { version: 'v2', learnedAtMs: 10_000, source: 'event' });
    expect(decideRefresh(input({ trigger: 'none', versions }))).toEqual({
      action: 'fetch',
      reason: 'changed-remotely',
    });
  });

  it('leaves pinned versions alone, and trusts healthy push for the rest', () => {
    const versions = new RemoteVersions();
    versions.note(VAULT, 'p', { version: 'v9', learnedAtMs: 10_000, source: 'event' });
    const refs = [ref('p', { version: 'v1', updatedMs: 1 }, { pinned: true }), ref('a')];
    expect(decideRefresh(input({ refs, trigger: 'none', versions }))).toEqual({ action: 'none' });
    expect(decideRefresh(input({ refs, versions, pushHealthy: () => true }))).toEqual({
      action: 'skip',
      reason: 'push-healthy',
    });
  });

  it('reads key/ and cert/ objects and never-read objects whenever due', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [listed('a', 100)], 30_000);
    const neverRead = { vault: VAULT, name: 'a', isSecret: true, pinned: false };
    expect(decideRefresh(input({ refs: [neverRead], versions })).action).toBe('fetch');
    expect(decideRefresh(input({ refs: [ref('a', undefined, { isSecret: false })], versions })).action).toBe(
      'fetch',
    );
  });
});

describe('decideRefresh while the vault is polled by listing', () => {
  it('trusts a read made within the interval, but only while listings run', () => {
    const versions = new RemoteVersions();
    versions.note(VAULT, 'a', { version: 'v1', updatedMs: 100_000, learnedAtMs: 10_000, source: 'get' });
    const due = input({ versions, syncedAtMs: 10_000 });
    expect(decideRefresh({ ...due, listingActive: () => true })).toEqual({
      action: 'skip',
      reason: 'listing-unchanged',
    });
    expect(decideRefresh({ ...due, listingActive: () => false })).toEqual({ action: 'fetch', reason: 'due' });
    // A read older than the interval proves nothing.
    expect(decideRefresh({ ...due, nowMs: 10_000 + 2 * MINUTE, listingActive: () => true }).action).toBe(
      'fetch',
    );
  });
});
