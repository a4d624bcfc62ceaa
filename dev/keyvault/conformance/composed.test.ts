import { createServer, type Server } from 'node:http';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../dev-emulator.ts';

/**
 * The composed emulator (data plane + identity + test controls + Event Grid, what
 * `kvsync-dev keyvault` and the sandbox run) driven by the unmodified SDK and credential.
 */

interface Received {
  eventType: string;
  subject: string;
  data: Record<string, unknown>;
}

function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const events = JSON.parse(text) as (Received & { data: { validationCode?: string } })[];
      const validation = events.find(
        (e) => e.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent',
      );
      response.writeHead(200, { 'Content-Type': 'application/json' });
      if (validation) {
        response.end(JSON.stringify({ validationResponse: validation.data.validationCode }));
        return;
      }
      received.push(...events);
      response.end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, received }),
    ),
  );
}

async function eventually<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the composed Key Vault emulator with the real SDK', () => {
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

  it('answers an injected 429 with Retry-After, which the SDK retries once and then succeeds', async () => {
    await client.setSecret('throttled-secret', 'value');
    emulator.controls.resetCounters();
    emulator.controls.addFault({
      operation: 'getSecret',
      count: 1,
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
    });
    const read = await client.getSecret('throttled-secret');
    expect(read.value).toBe('value');
    const statuses = emulator.controls
      .counters()
      .entries.filter((e) => e.operation === 'getSecret')
      .map((e) => [e.status, e.count]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        [429, 1],
        [200, 1],
      ]),
    );
    emulator.controls.clearFaults();
  });

  it('publishes SecretNewVersionCreated to a validated Event Grid subscriber within a second of setSecret', async () => {
    const receiver = await startReceiver();
    try {
      await emulator.controls.subscribe({
        vault: 'conformance-vault',
        endpointUrl: receiver.url,
        schema: 'EventGridSchema',
      });
      const started = Date.now();
      const set = await client.setSecret('rotated-password', 'second');
      const event = await eventually(
        () => receiver.received.find((e) => e.eventType === 'Microsoft.KeyVault.SecretNewVersionCreated'),
        1000,
      );
      expect(Date.now() - started).toBeLessThan(1000);
      expect(event.subject).toBe('rotated-password');
      expect(event.data).toMatchObject({
        ObjectName: 'rotated-password',
        VaultName: 'conformance-vault',
        Version: set.properties.version,
      });
      expect(JSON.stringify(event)).not.toContain('second');
    } finally {
      receiver.server.close();
    }
  });
});
