import { describe, expect, it } from 'vitest';
import type { RemoteSecretProperties } from '../providers/provider.ts';
import { RemoteVersions, vaultHostOf } from './remote-versions.ts';

const VAULT = 'our-vault.vault.azure.net';

function item(
  name: string,
  updatedSeconds: number,
  extra: Partial<RemoteSecretProperties> = {},
): RemoteSecretProperties {
  return {
    name,
    enabled: true,
    updatedOn: new Date(updatedSeconds * 1000),
    tags: {},
    managed: false,
    ...extra,
  };
}

describe('RemoteVersions', () => {
  it('reports nothing for the first listing, then exactly what changed, appeared or vanished', () => {
    const versions = new RemoteVersions();
    expect(versions.noteListing(VAULT, [item('a', 100), item('b', 100), item('c', 100)], 1_000)).toEqual([]);
    const changed = versions.noteListing(VAULT, [item('a', 100), item('b', 160), item('d', 150)], 61_000);
    expect(changed.sort()).toEqual(['b', 'c', 'd']);
    expect(versions.noteListing(VAULT, [item('a', 100), item('b', 160), item('d', 150)], 121_000)).toEqual(
      [],
    );
    expect(versions.listedAtMs(VAULT)).toBe(121_000);
  });

  it('treats names and vault hosts case-insensitively', () => {
    const versions = new RemoteVersions();
    versions.noteListing('Our-Vault.vault.azure.net', [item('DB-Password', 100)], 1_000);
    expect(versions.get(VAULT, 'db-password')?.updatedMs).toBe(100_000);
    expect(vaultHostOf('https://Our-Vault.vault.azure.net/')).toBe(VAULT);
  });

  it('confirms an unchanged secret only from a listing taken since the given time', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [item('a', 100)], 60_000);
    const synced = { version: undefined, updatedMs: 100_000 };
    expect(versions.confirmsUnchanged(VAULT, 'a', synced, 30_000)).toBe(true);
    expect(versions.confirmsUnchanged(VAULT, 'a', synced, 61_000)).toBe(false);
    expect(versions.confirmsUnchanged(VAULT, 'a', { updatedMs: 90_000 }, 30_000)).toBe(false);
    expect(versions.confirmsUnchanged(VAULT, 'unknown', synced, 30_000)).toBe(false);
    versions.noteListing(VAULT, [item('a', 100, { enabled: false })], 70_000);
    expect(versions.confirmsUnchanged(VAULT, 'a', synced, 30_000)).toBe(false);
  });

  it('says a secret is newer than synced after an event with another version, learned after the sync', () => {
    const versions = new RemoteVersions();
    const synced = { version: 'v1', updatedMs: 100_000 };
    versions.note(VAULT, 'a', { version: 'v2', learnedAtMs: 5_000, source: 'event' });
    expect(versions.isNewerThan(VAULT, 'a', synced, 4_000)).toBe(true);
    // The sync happened after the event: it already read v2 or later.
    expect(versions.isNewerThan(VAULT, 'a', synced, 6_000)).toBe(false);
    expect(versions.isNewerThan(VAULT, 'a', { version: 'v2' }, 4_000)).toBe(false);
  });

  it('lets a late, older event not overwrite a newer listing', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [item('a', 200, { version: 'v3' })], 10_000);
    versions.note(VAULT, 'a', { version: 'v2', learnedAtMs: 9_000, source: 'event' });
    expect(versions.get(VAULT, 'a')?.version).toBe('v3');
  });

  it('marks a vanished secret as newer than what was synced', () => {
    const versions = new RemoteVersions();
    versions.noteListing(VAULT, [item('a', 100)], 1_000);
    versions.noteListing(VAULT, [], 2_000);
    expect(versions.isNewerThan(VAULT, 'a', { updatedMs: 100_000 }, 1_500)).toBe(true);
  });
});
