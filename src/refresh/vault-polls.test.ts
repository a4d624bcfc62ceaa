import { describe, expect, it } from 'vitest';
import { KvsyncError } from '../errors.ts';
import type { RemoteSecretProperties, SecretsProvider } from '../providers/provider.ts';
import { FakeClock } from '../runtime/index.ts';
import { RemoteVersions } from './remote-versions.ts';
import { VaultPolls } from './vault-polls.ts';

const VAULT = 'our-vault.vault.azure.net';
const MINUTE = 60_000;

/** A provider whose listing returns `items()` and counts the calls; nothing else is used. */
function listingProvider(items: () => RemoteSecretProperties[], fail?: () => Error | undefined) {
  const provider = {
    lists: 0,
    async listSecretProperties() {
      provider.lists += 1;
      const error = fail?.();
      if (error) throw error;
      return items();
    },
  };
  return provider as typeof provider & SecretsProvider;
}

function secret(name: string, updatedSeconds: number): RemoteSecretProperties {
  return { name, enabled: true, updatedOn: new Date(updatedSeconds * 1000), tags: {}, managed: false };
}

function setup(count = 15) {
  const clock = new FakeClock(0);
  const versions = new RemoteVersions();
  const changes: string[][] = [];
  const polls = new VaultPolls({ clock, versions, onChanged: (_vault, names) => changes.push(names) });
  const updated = new Map(Array.from({ length: count }, (_, i) => [`s${i}`, 1]));
  const provider = listingProvider(() => [...updated].map(([name, at]) => secret(name, at)));
  for (let i = 0; i < count; i++)
    polls.subscribe(`default/es-${i}`, { vault: VAULT, provider, names: [`s${i}`], intervalMs: MINUTE });
  return { clock, versions, changes, polls, updated, provider };
}

describe('VaultPolls', () => {
  it('lists a vault once per shortest interval and reports exactly the rotated secret', async () => {
    const { clock, changes, polls, updated, provider } = setup();
    expect(polls.mode(VAULT)).toBe('list');
    await clock.advance(MINUTE);
    expect(provider.lists).toBe(1);
    updated.set('s3', 90);
    await clock.advance(MINUTE);
    expect(provider.lists).toBe(2);
    expect(changes).toEqual([['s3']]);
    for (let minute = 0; minute < 58; minute++) await clock.advance(MINUTE);
    expect(provider.lists).toBe(60);
    expect(changes).toHaveLength(1);
    polls.stop();
  });

  it('reads one by one when a listing would cost more pages than the secrets referenced', async () => {
    const { clock, polls, provider } = setup(1);
    expect(polls.mode(VAULT)).toBe('read');
    await clock.advance(10 * MINUTE);
    expect(provider.lists).toBe(0);
  });

  it('slows to the push fallback while events arrive, and speeds up again when they stop', async () => {
    const clock = new FakeClock(0);
    const polls = new VaultPolls({
      clock,
      versions: new RemoteVersions(),
      onChanged: () => {},
      pushFallbackMs: 60 * MINUTE,
    });
    const provider = listingProvider(() => [secret('a', 1), secret('b', 1)]);
    polls.subscribe('default/es', { vault: VAULT, provider, names: ['a', 'b', 'c'], intervalMs: MINUTE });
    polls.pushSeen(VAULT);
    expect(polls.pushHealthy(VAULT)).toBe(true);
    await clock.advance(59 * MINUTE);
    expect(provider.lists).toBe(0);
    await clock.advance(MINUTE);
    expect(provider.lists).toBe(1);
    expect(polls.pushHealthy(VAULT)).toBe(false);
    await clock.advance(MINUTE);
    expect(provider.lists).toBe(2);
    polls.stop();
  });

  it('polls a vault declared to push at the fallback period from the start, by name, host or *', async () => {
    for (const declared of [['our-vault'], [VAULT.toUpperCase()], ['*']]) {
      const clock = new FakeClock(0);
      const polls = new VaultPolls({
        clock,
        versions: new RemoteVersions(),
        onChanged: () => {},
        pushFallbackMs: 60 * MINUTE,
        pushVaults: declared,
      });
      const provider = listingProvider(() => [secret('a', 1)]);
      polls.subscribe('default/es', { vault: VAULT, provider, names: ['a'], intervalMs: MINUTE });
      expect(polls.pushDeclared(VAULT)).toBe(true);
      expect(polls.pushHealthy(VAULT)).toBe(true);
      expect(polls.mode(VAULT)).toBe('list');
      await clock.advance(59 * MINUTE);
      expect(provider.lists).toBe(0);
      await clock.advance(MINUTE);
      expect(provider.lists).toBe(1);
      expect(polls.pushHealthy(VAULT)).toBe(true);
      polls.stop();
    }
    const other = new VaultPolls({
      clock: new FakeClock(0),
      versions: new RemoteVersions(),
      onChanged: () => {},
      pushVaults: ['our-vault'],
    });
    expect(other.pushDeclared('our-vault-2.vault.azure.net')).toBe(false);
    expect(other.pushHealthy('our-vault-2.vault.azure.net')).toBe(false);
  });

  it('falls back to reads for an hour when listing is forbidden, and waits a period after other failures', async () => {
    const clock = new FakeClock(0);
    let failure: Error | undefined = new KvsyncError('ERR_PROVIDER_UNAVAILABLE', 'list secrets: 503');
    const provider = listingProvider(
      () => [secret('a', 1)],
      () => failure,
    );
    const polls = new VaultPolls({ clock, versions: new RemoteVersions(), onChanged: () => {} });
    polls.subscribe('default/es', { vault: VAULT, provider, names: ['a', 'b'], intervalMs: MINUTE });
    await clock.advance(MINUTE);
    expect(provider.lists).toBe(1);
    await clock.advance(MINUTE - 1);
    expect(provider.lists).toBe(1);
    failure = new KvsyncError('ERR_PROVIDER_FORBIDDEN', "list secrets: 403 — needs 'list'");
    await clock.advance(1);
    expect(provider.lists).toBe(2);
    expect(polls.mode(VAULT)).toBe('read');
    await clock.advance(30 * MINUTE);
    expect(provider.lists).toBe(2);
    polls.stop();
  });

  it('stops polling a vault nobody reads any more', async () => {
    const { clock, polls, provider } = setup(3);
    for (let i = 0; i < 3; i++) polls.unsubscribe(`default/es-${i}`);
    await clock.advance(5 * MINUTE);
    expect(provider.lists).toBe(0);
    expect(polls.nextPollMs(VAULT)).toBeUndefined();
  });

  it('follows an ExternalSecret that moves to another vault or reads other names', async () => {
    const OTHER = 'other-vault.vault.azure.net';
    const { polls, provider } = setup(2);
    expect(polls.mode(VAULT)).toBe('list');
    expect(polls.owners(VAULT, 'S1')).toEqual(['default/es-1']);
    polls.subscribe('default/es-1', { vault: OTHER, provider, names: ['s1'], intervalMs: MINUTE });
    expect(polls.owners(VAULT, 's1')).toEqual([]);
    expect(polls.owners(OTHER, 's1')).toEqual(['default/es-1']);
    expect(polls.mode(VAULT)).toBe('read'); // one name left: a listing costs as much as a read
    polls.subscribe('default/es-0', { vault: VAULT, provider, names: ['s0', 'x', 'y'], intervalMs: MINUTE });
    expect(polls.mode(VAULT)).toBe('list');
    expect(polls.owners(VAULT, 'x')).toEqual(['default/es-0']);
    polls.unsubscribe('default/es-0');
    expect(polls.owners(VAULT, 'x')).toEqual([]);
    expect(polls.nextPollMs(VAULT)).toBeUndefined();
    polls.stop();
  });
});
