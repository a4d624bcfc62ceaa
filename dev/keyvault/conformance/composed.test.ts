import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../dev-emulator.ts';

/**
 * The composed emulator in open mode (what `kvsync-dev keyvault` and the sandbox run by
 * default): any client id and secret get a token, and the request counters see the SDK's
 * challenge round trip. The other files of this folder run it out of open mode.
 */

describe('the composed Key Vault emulator in open mode with the real SDK', () => {
  let emulator: DevKeyVault;
  let client: SecretClient;
  let agent: Agent;

  beforeAll(async () => {
    emulator = await startDevKeyVault({ vaults: ['conformance-vault'], open: true });
    const credential = new ClientSecretCredential(emulator.tenantId, 'conformance-app', 'any-secret', {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: emulator.caPem },
    });
    agent = new Agent({ ca: emulator.caPem, keepAlive: true });
    client = new SecretClient(emulator.vaults['conformance-vault']!, credential, { agent });
  });

  afterAll(async () => {
    agent.destroy();
    await emulator.close();
  });

  it('stores and reads secrets through a ClientSecretCredential token, and counts the requests', async () => {
    emulator.controls.resetCounters();
    const set = await client.setSecret('postgresql-password', 'first');
    const read = await client.getSecret('postgresql-password');
    expect(read.value).toBe('first');
    expect(read.properties.version).toBe(set.properties.version);
    // The SDK's first request carries no token and gets the 401 challenge; the counters see it too.
    const rows = emulator.controls.counters().entries.map((e) => [e.operation, e.status, e.count]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['setSecret', 401, 1],
        ['setSecret', 200, 1],
        ['getSecret', 200, 1],
      ]),
    );
    expect(rows.filter(([, status]) => status !== 401 && status !== 200)).toEqual([]);
  });

  it('lets open mode be switched off over the admin API: the same token then gets 403', async () => {
    const put = (open: boolean) =>
      fetch(`${emulator.adminUrl}/open-mode`, { method: 'PUT', body: JSON.stringify({ open }) });
    expect(await (await put(false)).json()).toEqual({ open: false });
    try {
      const error = (await client.getSecret('postgresql-password').catch((e: unknown) => e)) as {
        statusCode: number;
        details: { error: { innerError: { code: string } } };
      };
      expect(error.statusCode).toBe(403);
      expect(error.details.error.innerError.code).toBe('ForbiddenByRbac');
    } finally {
      await put(true);
    }
    expect((await client.getSecret('postgresql-password')).value).toBe('first');
  });
});
