import type { SecretClient } from '@azure/keyvault-secrets';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_KINDS, FAST_POLL, failureOf, useConformanceHarness } from './harness.ts';

// Every secrets operation of issue 3 through the unmodified SecretClient, once per credential
// kind, against the composed emulator out of open mode (each principal administers its own vault).

const harness = useConformanceHarness();

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}

describe.each(CREDENTIAL_KINDS)('secrets through %s', (kind) => {
  let client: SecretClient;
  let vault: string;
  beforeAll(() => {
    client = harness().secrets(kind);
    vault = harness().ownVault(kind);
  });

  it('sets and gets a secret, latest and by version, with contentType, tags and attributes', async () => {
    const notBefore = new Date('2020-01-01T00:00:00Z');
    // Not past 2038-01-19: the SDK writes `(ms / 1000) | 0`, which overflows there.
    const expiresOn = new Date('2037-01-01T00:00:00Z');
    const first = await client.setSecret('db-password', 'first', {
      contentType: 'text/plain',
      tags: { team: 'payments' },
      notBefore,
      expiresOn,
    });
    const second = await client.setSecret('db-password', 'second');
    const latest = await client.getSecret('db-password');
    expect(latest.value).toBe('second');
    expect(latest.properties.version).toBe(second.properties.version);
    const old = await client.getSecret('db-password', { version: first.properties.version! });
    expect(old.value).toBe('first');
    expect(old.properties).toMatchObject({
      contentType: 'text/plain',
      tags: { team: 'payments' },
      enabled: true,
      notBefore,
      expiresOn,
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
      vaultUrl: harness().emulator.vaults[vault],
    });
    expect(old.properties.createdOn).toBeInstanceOf(Date);
    expect(old.properties.updatedOn).toEqual(old.properties.createdOn);
  });

  it('updates properties of a version; a disabled secret answers 403 SecretDisabled', async () => {
    const set = await client.setSecret('feature-flag', 'on');
    const version = set.properties.version!;
    const updated = await client.updateSecretProperties('feature-flag', version, {
      enabled: false,
      tags: { state: 'paused' },
      contentType: 'text/flag',
    });
    expect(updated).toMatchObject({ enabled: false, tags: { state: 'paused' }, contentType: 'text/flag' });
    const error = await failureOf(client.getSecret('feature-flag'));
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(error.details?.error?.innerError?.code).toBe('SecretDisabled');
    await client.updateSecretProperties('feature-flag', version, { enabled: true });
    expect((await client.getSecret('feature-flag')).value).toBe('on');
  });

  it('pages secrets and versions with maxresults and nextLink (byPage maxPageSize)', async () => {
    for (const index of [0, 1, 2, 3, 4]) await client.setSecret(`paged-${index}`, 'v');
    for (const value of ['a', 'b', 'c']) await client.setSecret('versioned', value);
    const all = await collect(client.listPropertiesOfSecrets());
    const listedBefore = harness().requests(vault, 'getSecrets', 200);
    const pages = await collect(client.listPropertiesOfSecrets().byPage({ maxPageSize: 2 }));
    expect(pages.map((page) => page.length)).toEqual(
      Array.from({ length: Math.ceil(all.length / 2) }, (_, i) => (i * 2 + 2 <= all.length ? 2 : 1)),
    );
    expect(harness().requests(vault, 'getSecrets', 200) - listedBefore).toBe(pages.length);
    expect(pages.flat().map((p) => p.name)).toEqual(all.map((p) => p.name));
    expect(all.map((p) => p.name)).toEqual(expect.arrayContaining(['paged-0', 'paged-4', 'versioned']));
    expect(all.every((p) => p.version === undefined)).toBe(true);
    const versionPages = await collect(
      client.listPropertiesOfSecretVersions('versioned').byPage({ maxPageSize: 1 }),
    );
    expect(versionPages.map((page) => page.length)).toEqual([1, 1, 1]);
    expect(new Set(versionPages.flat().map((p) => p.version)).size).toBe(3);
  });

  it('soft-deletes through the poller, shows the deleted secret, and recovers it through the poller', async () => {
    const set = await client.setSecret('rotating-key', 'kept');
    const deleted = await (await client.beginDeleteSecret('rotating-key', FAST_POLL)).pollUntilDone();
    expect(deleted.properties.recoveryId).toBe(
      `${harness().emulator.vaults[vault]}/deletedsecrets/rotating-key`,
    );
    expect(deleted.deletedOn).toBeInstanceOf(Date);
    expect(deleted.scheduledPurgeDate!.getTime() - deleted.deletedOn!.getTime()).toBe(90 * 86_400_000);
    expect((await client.getDeletedSecret('rotating-key')).properties.version).toBe(set.properties.version);
    const deletedPages = await collect(client.listDeletedSecrets().byPage({ maxPageSize: 1 }));
    expect(deletedPages.flat().map((s) => s.name)).toContain('rotating-key');
    expect((await failureOf(client.getSecret('rotating-key'))).code).toBe('SecretNotFound');
    await (await client.beginRecoverDeletedSecret('rotating-key', FAST_POLL)).pollUntilDone();
    expect((await client.getSecret('rotating-key')).value).toBe('kept');
  });

  it('refuses to reuse a deleted name with 409 ObjectIsDeletedButRecoverable until it is purged', async () => {
    await client.setSecret('short-lived', 'one');
    await (await client.beginDeleteSecret('short-lived', FAST_POLL)).pollUntilDone();
    const conflict = await failureOf(client.setSecret('short-lived', 'two'));
    expect(conflict).toMatchObject({ statusCode: 409, code: 'Conflict' });
    expect(conflict.details?.error?.innerError?.code).toBe('ObjectIsDeletedButRecoverable');
    await client.purgeDeletedSecret('short-lived');
    expect((await failureOf(client.getDeletedSecret('short-lived'))).statusCode).toBe(404);
    expect((await client.setSecret('short-lived', 'two')).value).toBe('two');
  });

  it('backs up a secret with its versions and restores it after a purge', async () => {
    await client.setSecret('backed-up', 'v1');
    await client.setSecret('backed-up', 'v2');
    const backup = await client.backupSecret('backed-up');
    expect(backup).toBeInstanceOf(Uint8Array);
    await (await client.beginDeleteSecret('backed-up', FAST_POLL)).pollUntilDone();
    await client.purgeDeletedSecret('backed-up');
    const restored = await client.restoreSecretBackup(backup!);
    expect(restored.name).toBe('backed-up');
    expect((await client.getSecret('backed-up')).value).toBe('v2');
    expect(await collect(client.listPropertiesOfSecretVersions('backed-up'))).toHaveLength(2);
  });

  it('answers 404 SecretNotFound for a missing secret or version', async () => {
    const missing = await failureOf(client.getSecret('never-set'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
    expect(missing.message).toMatch(/A secret with \(name\/id\) never-set was not found in this key vault/);
    await client.setSecret('one-version', 'v');
    const version = '0123456789abcdef0123456789abcdef';
    expect(await failureOf(client.getSecret('one-version', { version }))).toMatchObject({
      statusCode: 404,
      code: 'SecretNotFound',
    });
  });
});
