import { Agent } from 'node:https';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from './dev-emulator.ts';

// MSAL keeps the managed-identity source in static fields: one IMDS endpoint per process, so
// this file starts a single emulator.
let emulator: DevKeyVault;
let client: SecretClient;

beforeAll(async () => {
  emulator = await startDevKeyVault({ vaults: ['composed-vault'] });
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.imdsEndpoint;
  client = new SecretClient(emulator.vaults['composed-vault']!, new ManagedIdentityCredential(), {
    agent: new Agent({ ca: emulator.caPem }),
    retryOptions: { maxRetries: 0 },
  });
});

afterAll(async () => {
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  await emulator.close();
});

describe('the composed emulator (identity, admin hooks, data plane)', () => {
  it('serves a managed identity through IMDS, with signed tokens for the loopback resource', async () => {
    await client.setSecret('composed', 'value');
    expect((await client.getSecret('composed')).value).toBe('value');
    const counters = emulator.controls.counters();
    expect(counters.byOperation.setSecret).toBeGreaterThanOrEqual(2);
    expect(counters.entries).toContainEqual(
      expect.objectContaining({ vault: 'composed-vault', operation: 'getSecret', status: 200 }),
    );
  });

  it('lets injected faults answer, with the operation names the SDK uses', async () => {
    emulator.controls.addFault({
      operation: 'getSecret',
      objectName: 'composed',
      count: 1,
      kind: 'status',
      status: 429,
    });
    const error = (await client.getSecret('composed').catch((e: unknown) => e)) as {
      statusCode: number;
      code: string;
    };
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe('Throttled');
    expect((await client.getSecret('composed')).value).toBe('value');
  });

  it('rejects a token that the identity service did not sign', async () => {
    const forged = new SecretClient(
      emulator.vaults['composed-vault']!,
      { getToken: async () => ({ token: 'not-a-jwt', expiresOnTimestamp: Date.now() + 3600e3 }) },
      { agent: new Agent({ ca: emulator.caPem }), retryOptions: { maxRetries: 0 } },
    );
    const error = (await forged.getSecret('composed').catch((e: unknown) => e)) as {
      statusCode: number;
      code: string;
    };
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe('Unauthorized');
  });
});
