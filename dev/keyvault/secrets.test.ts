import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyVaultEmulator } from './server.ts';
import { clientOptions, FAST_POLL, staticCredential, startTestEmulator } from './test-support.ts';
import type { VaultObjectEvent } from './contracts.ts';

let emulator: KeyVaultEmulator;
let client: SecretClient;
const events: VaultObjectEvent[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ hooks: { onObjectEvent: (event) => events.push(event) } });
  client = new SecretClient(emulator.vaults['test-vault']!, staticCredential(), clientOptions(emulator));
});

afterAll(() => emulator.close());

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string };
  }
  throw new Error('expected the call to fail');
}

describe('secrets through the real SecretClient', () => {
  it('sets and gets a secret, latest and by version, with attributes', async () => {
    const first = await client.setSecret('db-password', 'one', {
      contentType: 'text/plain',
      tags: { team: 'a' },
    });
    expect(first.value).toBe('one');
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(first.properties.vaultUrl).toBe(emulator.vaults['test-vault']);
    const second = await client.setSecret('db-password', 'two', {
      expiresOn: new Date('2030-01-01T00:00:00Z'),
    });
    const latest = await client.getSecret('db-password');
    expect(latest.value).toBe('two');
    expect(latest.properties.expiresOn?.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(latest.properties.recoveryLevel).toBe('Recoverable+Purgeable');
    expect(latest.properties.recoverableDays).toBe(90);
    const old = await client.getSecret('db-password', { version: first.properties.version! });
    expect(old.value).toBe('one');
    expect(old.properties.contentType).toBe('text/plain');
    expect(old.properties.tags).toEqual({ team: 'a' });
    expect(second.properties.version).not.toBe(first.properties.version);
    expect(events.filter((e) => e.objectName === 'db-password').map((e) => e.type)).toEqual([
      'SecretNewVersionCreated',
      'SecretNewVersionCreated',
    ]);
  });

  it('accepts empty values and names case-insensitively', async () => {
    await client.setSecret('Mixed-Case', '');
    const got = await client.getSecret('mixed-case');
    expect(got.value).toBe('');
    expect(got.name).toBe('Mixed-Case');
  });

  it('answers 404 SecretNotFound for a missing secret or version', async () => {
    const missing = await errorOf(client.getSecret('nope'));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('SecretNotFound');
    await client.setSecret('has-versions', 'v');
    const badVersion = await errorOf(client.getSecret('has-versions', { version: '0'.repeat(32) }));
    expect(badVersion.code).toBe('SecretNotFound');
  });

  it('updates properties and refuses to read a disabled secret with 403 SecretDisabled', async () => {
    const set = await client.setSecret('toggle', 'value');
    const updated = await client.updateSecretProperties('toggle', set.properties.version!, {
      enabled: false,
      tags: { x: 'y' },
    });
    expect(updated.enabled).toBe(false);
    expect(updated.tags).toEqual({ x: 'y' });
    const error = await errorOf(client.getSecret('toggle'));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('Forbidden');
    expect(error.details).toMatchObject({ error: { innerError: { code: 'SecretDisabled' } } });
    await client.updateSecretProperties('toggle', '', { enabled: true });
    expect((await client.getSecret('toggle')).value).toBe('value');
  });

  it('rejects bad names and oversized values with 400 BadParameter, keeping what is stored', async () => {
    await client.setSecret('big', 'small');
    const tooBig = await errorOf(client.setSecret('big', 'x'.repeat(25 * 1024 + 1)));
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.code).toBe('BadParameter');
    expect((await client.getSecret('big')).value).toBe('small');
    await client.setSecret('exactly-limit', 'x'.repeat(25 * 1024));
    const badName = await errorOf(client.setSecret('bad_name', 'v'));
    expect(badName.statusCode).toBe(400);
    expect(badName.code).toBe('BadParameter');
  });
});

describe('listing and paging', () => {
  it('lists secrets without values across pages of maxPageSize, and all versions', async () => {
    for (let i = 0; i < 7; i++) await client.setSecret(`page-${i}`, `v${i}`);
    const pages: string[][] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 3 }))
      pages.push(page.map((p) => p.name));
    expect(pages.every((page) => page.length <= 3)).toBe(true);
    const names = pages.flat();
    expect(names.filter((n) => n.startsWith('page-'))).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `page-${i}`));
    for await (const properties of client.listPropertiesOfSecrets()) {
      expect(properties).not.toHaveProperty('value');
      expect(properties.version).toBeUndefined();
    }
    for (let i = 0; i < 4; i++) await client.setSecret('many-versions', `v${i}`);
    const versions: string[] = [];
    for await (const page of client
      .listPropertiesOfSecretVersions('many-versions')
      .byPage({ maxPageSize: 1 }))
      versions.push(...page.map((p) => p.version!));
    expect(versions).toHaveLength(4);
    expect(new Set(versions).size).toBe(4);
  });
});

describe('delete, recover, purge, backup, restore', () => {
  it('soft-deletes with the poller, refuses reuse with 409, recovers with the poller', async () => {
    await client.setSecret('doomed', 'keep-me');
    const deletePoller = await client.beginDeleteSecret('doomed', FAST_POLL);
    const deleted = await deletePoller.pollUntilDone();
    expect(deleted.recoveryId).toBe(`${emulator.vaults['test-vault']}/deletedsecrets/doomed`);
    expect(deleted.deletedOn).toBeInstanceOf(Date);
    expect(deleted.scheduledPurgeDate).toBeInstanceOf(Date);
    expect((await errorOf(client.getSecret('doomed'))).code).toBe('SecretNotFound');
    const conflict = await errorOf(client.setSecret('doomed', 'other'));
    expect(conflict.statusCode).toBe(409);
    expect(conflict.details).toMatchObject({
      error: { innerError: { code: 'ObjectIsDeletedButRecoverable' } },
    });
    const listed: string[] = [];
    for await (const item of client.listDeletedSecrets()) listed.push(item.name);
    expect(listed).toContain('doomed');
    expect((await client.getDeletedSecret('doomed')).name).toBe('doomed');
    const recoverPoller = await client.beginRecoverDeletedSecret('doomed', FAST_POLL);
    await recoverPoller.pollUntilDone();
    expect((await client.getSecret('doomed')).value).toBe('keep-me');
  });

  it('purges a deleted secret for good', async () => {
    await client.setSecret('purged', 'v');
    await (await client.beginDeleteSecret('purged', FAST_POLL)).pollUntilDone();
    await client.purgeDeletedSecret('purged');
    expect((await errorOf(client.getDeletedSecret('purged'))).statusCode).toBe(404);
    await client.setSecret('purged', 'again');
  });

  it('backs up and restores every version', async () => {
    await client.setSecret('backed-up', 'first');
    await client.setSecret('backed-up', 'second');
    const blob = await client.backupSecret('backed-up');
    expect(blob).toBeInstanceOf(Uint8Array);
    const conflict = await errorOf(client.restoreSecretBackup(blob!));
    expect(conflict.statusCode).toBe(409);
    await (await client.beginDeleteSecret('backed-up', FAST_POLL)).pollUntilDone();
    await client.purgeDeletedSecret('backed-up');
    const restored = await client.restoreSecretBackup(blob!);
    expect(restored.name).toBe('backed-up');
    expect((await client.getSecret('backed-up')).value).toBe('second');
    let count = 0;
    for await (const _ of client.listPropertiesOfSecretVersions('backed-up')) count++;
    expect(count).toBe(2);
  });
});
