import { afterEach, describe, expect, it } from 'vitest';
import type { VaultObjectEvent } from '../contracts.ts';
import { createCertificateAuthority, issueServerCertificate } from '../../tls/index.ts';
import { createTestControls, type TestControls } from './index.ts';
import { startReceiver, waitFor, type Receiver, type ReceiverOptions } from './test-support.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function controls(options: Parameters<typeof createTestControls>[0] = {}): TestControls {
  const created = createTestControls({ ...options, eventGrid: { retryScale: 0.001, ...options.eventGrid } });
  cleanups.push(() => created.close());
  return created;
}

async function receiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const started = await startReceiver(options);
  cleanups.push(() => started.close());
  return started;
}

const secretEvent: VaultObjectEvent = {
  type: 'SecretNewVersionCreated',
  vault: 'our-vault',
  vaultUrl: 'https://our-vault.vault.azure.net/',
  objectType: 'Secret',
  objectName: 'postgresql-password',
  version: '0123456789abcdef0123456789abcdef',
  exp: 1_900_000_000,
};

describe('Event Grid schema', () => {
  it('validates, then delivers a SecretNewVersionCreated within a second with the real envelope', async () => {
    const hook = await receiver();
    const kv = controls();
    const subscription = await kv.subscribe({
      name: 'kvsync-events',
      endpointUrl: hook.url,
      schema: 'EventGridSchema',
      secret: { in: 'query', name: 'code', value: 'query-secret-1' },
    });
    expect(subscription.state).toBe('Succeeded');
    expect(JSON.stringify(subscription)).not.toContain('query-secret-1');
    const [validation] = hook.requests;
    expect(validation!.headers['aeg-event-type']).toBe('SubscriptionValidation');
    expect(validation!.url.searchParams.get('code')).toBe('query-secret-1');
    const [validationEvent] = JSON.parse(validation!.body) as Array<Record<string, unknown>>;
    expect(validationEvent!['eventType']).toBe('Microsoft.EventGrid.SubscriptionValidationEvent');

    const started = Date.now();
    kv.hooks.onObjectEvent!(secretEvent);
    const [delivery] = await waitFor(() => hook.notifications().length > 0 && hook.notifications());
    expect(delivery!.atMs - started).toBeLessThan(1000);
    expect(delivery!.url.searchParams.get('code')).toBe('query-secret-1');
    expect(delivery!.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'aeg-event-type': 'Notification',
      'aeg-subscription-name': 'KVSYNC-EVENTS',
      'aeg-delivery-count': '0',
      'aeg-data-version': '1',
      'aeg-metadata-version': '1',
    });
    const body = JSON.parse(delivery!.body) as Array<Record<string, unknown>>;
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      topic:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kvsync-dev/providers/Microsoft.KeyVault/vaults/our-vault',
      subject: 'postgresql-password',
      eventType: 'Microsoft.KeyVault.SecretNewVersionCreated',
      dataVersion: '1',
      metadataVersion: '1',
      data: {
        Id: 'https://our-vault.vault.azure.net/secrets/postgresql-password/0123456789abcdef0123456789abcdef',
        VaultName: 'our-vault',
        ObjectType: 'Secret',
        ObjectName: 'postgresql-password',
        Version: '0123456789abcdef0123456789abcdef',
        NBF: null,
        EXP: 1_900_000_000,
      },
    });
    expect(body[0]!['eventTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    await waitFor(() => kv.deliveries().length === 1);
    expect(kv.deliveries()[0]).toMatchObject({ attempt: 1, status: 200, outcome: 'delivered' });
  });

  it('rejects an endpoint that does not echo the code, or answers 202', async () => {
    const kv = controls();
    for (const handshake of ['no-code', 'accepted-202', 'refuse'] as const) {
      const hook = await receiver({ handshake });
      await expect(kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema' })).rejects.toMatchObject({
        code: 'SubscriptionValidationFailed',
      });
    }
    expect(kv.subscriptions()).toEqual([]);
  });

  it('rejects an unreachable endpoint and bad options', async () => {
    const kv = controls();
    await expect(
      kv.subscribe({ endpointUrl: 'http://127.0.0.1:1/hook', schema: 'EventGridSchema' }),
    ).rejects.toMatchObject({ code: 'SubscriptionValidationFailed' });
    await expect(kv.subscribe({ endpointUrl: 'ftp://x', schema: 'EventGridSchema' })).rejects.toMatchObject({
      code: 'InvalidSubscription',
    });
  });
});

describe('CloudEvents 1.0 schema', () => {
  it('runs the OPTIONS handshake and delivers a structured event with the header secret', async () => {
    const hook = await receiver();
    const kv = controls();
    await kv.subscribe({
      endpointUrl: hook.url,
      schema: 'CloudEventSchemaV1_0',
      secret: { in: 'header', name: 'X-Kvsync-Secret', value: 'header-secret-1' },
    });
    const [handshake] = hook.requests;
    expect(handshake!.method).toBe('OPTIONS');
    expect(handshake!.headers['webhook-request-origin']).toBe('eventgrid.azure.net');
    expect(handshake!.headers['x-kvsync-secret']).toBe('header-secret-1');

    kv.publish(secretEvent);
    const [delivery] = await waitFor(() => hook.notifications().length > 0 && hook.notifications());
    expect(delivery!.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(delivery!.headers['x-kvsync-secret']).toBe('header-secret-1');
    const event = JSON.parse(delivery!.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'Microsoft.KeyVault.SecretNewVersionCreated',
      source:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/kvsync-dev/providers/Microsoft.KeyVault/vaults/our-vault',
      subject: 'postgresql-password',
      data: { ObjectName: 'postgresql-password', VaultName: 'our-vault' },
    });
    expect(typeof event['id']).toBe('string');
  });

  it('refuses an endpoint that does not allow the origin', async () => {
    const hook = await receiver({ handshake: 'no-code' });
    const kv = controls();
    await expect(
      kv.subscribe({ endpointUrl: hook.url, schema: 'CloudEventSchemaV1_0' }),
    ).rejects.toMatchObject({
      code: 'SubscriptionValidationFailed',
    });
  });

  it('batches events into arrays of at most maxEventsPerBatch', async () => {
    const hook = await receiver();
    const kv = controls();
    await kv.subscribe({ endpointUrl: hook.url, schema: 'CloudEventSchemaV1_0', maxEventsPerBatch: 3 });
    for (let i = 0; i < 5; i++) kv.publish({ ...secretEvent, objectName: `s${i}` });
    await waitFor(() => hook.notifications().length === 2);
    await kv.deliveriesIdle();
    const bodies = hook.notifications().map((request) => JSON.parse(request.body) as unknown[]);
    expect(bodies.map((body) => body.length).sort()).toEqual([2, 3]);
    expect(hook.notifications()[0]!.headers['content-type']).toBe(
      'application/cloudevents-batch+json; charset=utf-8',
    );
  });
});

describe('filters, retries and HTTPS', () => {
  it('filters by vault and event type', async () => {
    const hook = await receiver();
    const kv = controls();
    await kv.subscribe({
      endpointUrl: hook.url,
      schema: 'EventGridSchema',
      vault: 'our-vault',
      eventTypes: ['SecretExpired'],
    });
    kv.publish(secretEvent);
    kv.publish({ ...secretEvent, type: 'SecretExpired', vault: 'other-vault' });
    kv.publish({ ...secretEvent, type: 'SecretExpired' });
    await waitFor(() => hook.notifications().length === 1);
    await kv.deliveriesIdle();
    expect(hook.notifications()).toHaveLength(1);
    const [event] = JSON.parse(hook.notifications()[0]!.body) as Array<{ eventType: string }>;
    expect(event!.eventType).toBe('Microsoft.KeyVault.SecretExpired');
  });

  it('retries a failing receiver on the scaled schedule until it answers 200', async () => {
    const hook = await receiver({ respond: (_request, index) => ({ status: index < 3 ? 500 : 200 }) });
    const kv = controls();
    await kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema' });
    kv.publish(secretEvent);
    await waitFor(() => kv.deliveries().some((record) => record.outcome === 'delivered'));
    const records = kv.deliveries();
    expect(
      records.map((record) => [record.attempt, record.status, record.outcome, record.nextAttemptInMs]),
    ).toEqual([
      [1, 500, 'retrying', 10],
      [2, 500, 'retrying', 30],
      [3, 500, 'retrying', 60],
      [4, 200, 'delivered', undefined],
    ]);
    const arrivals = hook.notifications();
    expect(arrivals.map((request) => request.headers['aeg-delivery-count'])).toEqual(['0', '1', '2', '3']);
    expect(arrivals[1]!.atMs - arrivals[0]!.atMs).toBeGreaterThanOrEqual(9);
    expect(arrivals[3]!.atMs - arrivals[2]!.atMs).toBeGreaterThanOrEqual(59);
    expect(new Set(arrivals.map((request) => request.body)).size).toBe(1);
  });

  it('does not retry 400, 401, 403 or 413, and stops after maxDeliveryAttempts', async () => {
    for (const status of [400, 401, 403, 413]) {
      const hook = await receiver({ respond: () => ({ status }) });
      const kv = controls();
      await kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema' });
      kv.publish(secretEvent);
      await waitFor(() => kv.deliveries().length === 1);
      await kv.deliveriesIdle();
      expect(kv.deliveries()).toMatchObject([{ attempt: 1, status, outcome: 'dropped' }]);
    }
    const hook = await receiver({ respond: () => ({ status: 503 }) });
    const kv = controls();
    await kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema', maxDeliveryAttempts: 2 });
    kv.publish(secretEvent);
    await waitFor(() => kv.deliveries().some((record) => record.outcome === 'exhausted'));
    expect(kv.deliveries().map((record) => record.outcome)).toEqual(['retrying', 'exhausted']);
  });

  it('gives up once the schedule would outlive the event time-to-live', async () => {
    const hook = await receiver({ respond: () => ({ status: 500 }) });
    const kv = controls({ eventGrid: { retryScale: 0.00001 } });
    await kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema', eventTimeToLiveInMinutes: 2 });
    kv.publish(secretEvent);
    await waitFor(() => kv.deliveries().some((record) => record.outcome === 'expired'));
    // 10 s + 30 s + 60 s fit in 2 minutes; the 5-minute wait does not.
    expect(kv.deliveries().map((record) => record.outcome)).toEqual([
      'retrying',
      'retrying',
      'retrying',
      'expired',
    ]);
  });

  it('delivers to an HTTPS endpoint whose CA it was given', async () => {
    const ca = createCertificateAuthority('receiver CA');
    const tls = issueServerCertificate(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'] });
    const hook = await receiver({ tls });
    const untrusting = controls();
    await expect(
      untrusting.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema' }),
    ).rejects.toMatchObject({
      code: 'SubscriptionValidationFailed',
    });
    const kv = controls({ eventGrid: { ca: ca.certPem } });
    await kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema' });
    kv.publish(secretEvent);
    await waitFor(() => hook.notifications().length === 1);
  });

  it('treats a receiver that does not answer in time as a failure, and close() aborts what is in flight', async () => {
    const hook = await receiver({ respond: () => ({ status: 0 }) });
    const kv = controls({ eventGrid: { retryScale: 0.001, deliveryTimeoutMs: 50 } });
    await kv.subscribe({ endpointUrl: hook.url, schema: 'EventGridSchema' });
    kv.publish(secretEvent);
    await waitFor(() => kv.deliveries().length === 1);
    expect(kv.deliveries()[0]).toMatchObject({ attempt: 1, error: 'ETIMEDOUT', outcome: 'retrying' });
    await waitFor(() => hook.notifications().length === 2);
    kv.close();
    await kv.deliveriesIdle();
    expect(kv.deliveries().length).toBeLessThanOrEqual(2);
  });
});
