import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord, SubscriptionInfo } from '../admin/index.ts';
import { startReceiver, waitFor, type Receiver } from '../admin/test-support.ts';
import { startDevKeyVault, type DevKeyVault } from '../dev-emulator.ts';

// Event Grid through the composed emulator: subscriptions made over the admin API, events
// caused by the real SDK's writes. The retry schedule (10 s, 30 s, 1 min, …) runs scaled by the
// `eventGrid.retryScale` option, so that a test sees it in milliseconds.

const RETRY_SCALE = 0.005;
/** setTimeout may fire a millisecond before Date.now() says the delay has passed. */
const TIMER_SLACK_MS = 5;

let emulator: DevKeyVault;
let client: SecretClient;
let agent: Agent;

beforeAll(async () => {
  emulator = await startDevKeyVault({ vaults: ['events-vault'], eventGrid: { retryScale: RETRY_SCALE } });
  const credential = new ClientSecretCredential(emulator.tenantId, 'events-app', 'any-secret', {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
  agent = new Agent({ ca: emulator.caPem, keepAlive: true });
  client = new SecretClient(emulator.vaults['events-vault']!, credential, { agent });
});

afterAll(async () => {
  agent.destroy();
  await emulator.close();
});

async function admin<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${emulator.adminUrl}${path}`, {
    method: init.method ?? 'GET',
    ...(init.body === undefined
      ? {}
      : { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }),
  });
  expect(response.ok).toBe(true);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

async function subscribe(receiver: Receiver, name: string): Promise<SubscriptionInfo> {
  return admin<SubscriptionInfo>('/eventgrid/subscriptions', {
    method: 'POST',
    body: { name, vault: 'events-vault', endpointUrl: receiver.url, schema: 'EventGridSchema' },
  });
}

interface WireEvent {
  id: string;
  eventType: string;
  subject: string;
  data: Record<string, unknown>;
}

describe('Event Grid through the composed emulator', () => {
  it('validates the subscriber, then delivers SecretNewVersionCreated within a second of setSecret', async () => {
    const receiver = await startReceiver();
    try {
      const subscription = await subscribe(receiver, 'fast');
      expect(subscription.state).toBe('Succeeded');
      const started = Date.now();
      const set = await client.setSecret('rotated-password', 'second');
      const [request] = await waitFor(() => receiver.notifications().length > 0 && receiver.notifications());
      expect(request!.atMs - started).toBeLessThan(1000);
      const [event] = JSON.parse(request!.body) as WireEvent[];
      expect(event).toMatchObject({
        eventType: 'Microsoft.KeyVault.SecretNewVersionCreated',
        subject: 'rotated-password',
        data: {
          Id: set.properties.id,
          VaultName: 'events-vault',
          ObjectType: 'Secret',
          ObjectName: 'rotated-password',
          Version: set.properties.version,
        },
      });
      expect(request!.body).not.toContain('second');
      await admin(`/eventgrid/subscriptions/${subscription.id}`, { method: 'DELETE' });
    } finally {
      await receiver.close();
    }
  });

  it('redelivers to a receiver that fails twice on the scaled schedule (10 s, 30 s) until it answers 200', async () => {
    const receiver = await startReceiver({ respond: (_, index) => ({ status: index < 2 ? 500 : 200 }) });
    try {
      const subscription = await subscribe(receiver, 'flaky');
      await client.setSecret('flaky-target', 'value');
      await emulator.controls.deliveriesIdle();
      const { deliveries } = await admin<{ deliveries: DeliveryRecord[] }>(
        `/eventgrid/deliveries?subscriptionId=${subscription.id}`,
      );
      expect(deliveries.map((d) => [d.attempt, d.status, d.outcome, d.nextAttemptInMs])).toEqual([
        [1, 500, 'retrying', 10_000 * RETRY_SCALE],
        [2, 500, 'retrying', 30_000 * RETRY_SCALE],
        [3, 200, 'delivered', undefined],
      ]);
      const attempts = receiver.notifications();
      expect(attempts.map((a) => a.headers['aeg-delivery-count'])).toEqual(['0', '1', '2']);
      const ids = attempts.map((a) => (JSON.parse(a.body) as WireEvent[])[0]!.id);
      expect(new Set(ids).size).toBe(1);
      expect(deliveries.every((d) => d.eventIds[0] === ids[0])).toBe(true);
      const gaps = [attempts[1]!.atMs - attempts[0]!.atMs, attempts[2]!.atMs - attempts[1]!.atMs];
      expect(gaps[0]).toBeGreaterThanOrEqual(10_000 * RETRY_SCALE - TIMER_SLACK_MS);
      expect(gaps[1]).toBeGreaterThanOrEqual(30_000 * RETRY_SCALE - TIMER_SLACK_MS);
      // Unscaled, the two waits would take 40 s.
      expect(gaps[0]! + gaps[1]!).toBeLessThan(5000);
    } finally {
      await receiver.close();
    }
  });
});
