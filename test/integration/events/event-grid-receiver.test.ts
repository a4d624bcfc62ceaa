import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../../../dev/keyvault/index.ts';
import type { SubscribeOptions } from '../../../dev/keyvault/admin/index.ts';
import {
  createEventGridRoutes,
  createJwksKeySource,
  EVENT_GRID_WEBHOOK_PATH,
  type VaultObjectEvent,
  type WebhookAuthentication,
} from '../../../src/events/index.ts';
import {
  createTestSigner,
  eventGridClaims,
  recordingMetrics,
  startJwksServer,
  TEST_AUDIENCE,
  TEST_TENANT_ID,
  type JwksServer,
  type RecordingMetrics,
} from '../../../src/events/test-support.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { startHttpServer, type HttpServer } from '../../../src/server/index.ts';

// The receiver behind the operator's real HTTP server, fed by the Key Vault emulator's Event
// Grid publisher (real handshakes, batching, retries on a scaled schedule) after writes made
// through the unmodified Azure SDK.

const VAULT = 'events-vault';
const SECRET = 'webhook-secret-for-tests-91c2';
const DAY_MS = 24 * 60 * 60 * 1000;

interface Call {
  callback: string;
  event: VaultObjectEvent;
  atMs: number;
}

/** What the callbacks received, with a way to await the next matching call. */
class Inbox {
  readonly calls: Call[] = [];
  /** Object names whose next callback throws once (a full queue, say). */
  readonly failOnce = new Set<string>();
  readonly #waiters: Array<{ match: (call: Call) => boolean; resolve: (call: Call) => void }> = [];

  record(callback: string) {
    return (event: VaultObjectEvent): void => {
      if (this.failOnce.delete(event.objectName)) throw new Error('work queue full');
      const call = { callback, event, atMs: performance.now() };
      this.calls.push(call);
      for (const waiter of this.#waiters.filter((w) => w.match(call))) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    };
  }

  /** The first call (past or future) matching; fails after 3 s. */
  next(match: (call: Call) => boolean): Promise<Call> {
    const done = this.calls.find(match);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching dispatch within 3 s')), 3000);
      this.#waiters.push({
        match,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      });
    });
  }

  named(objectName: string): Call[] {
    return this.calls.filter((call) => call.event.objectName === objectName);
  }
}

interface Receiver {
  server: HttpServer;
  inbox: Inbox;
  metrics: RecordingMetrics;
  logLines: string[];
  url(query?: string): string;
}

let emulator: DevKeyVault;
let client: SecretClient;
let agent: Agent;
let acceptedSecret: string | string[] = SECRET;
let receiver: Receiver;
const subscriptions: string[] = [];

async function startReceiver(authentication: WebhookAuthentication): Promise<Receiver> {
  const inbox = new Inbox();
  const metrics = recordingMetrics();
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (line) => logLines.push(line) });
  const server = await startHttpServer({
    address: '127.0.0.1:0',
    metrics: { render: async () => ({ contentType: 'text/plain', body: '' }) },
    health: { live: () => true, ready: () => ({ ready: true }) },
    logger,
    routes: createEventGridRoutes({
      authentication,
      onSecretNewVersion: inbox.record('onSecretNewVersion'),
      onNearExpiry: inbox.record('onNearExpiry'),
      onExpired: inbox.record('onExpired'),
      logger,
      metrics,
    }),
  });
  return {
    server,
    inbox,
    metrics,
    logLines,
    url: (query = '') => `${server.url}${EVENT_GRID_WEBHOOK_PATH}${query}`,
  };
}

async function subscribe(options: Omit<SubscribeOptions, 'vault'>) {
  const subscription = await emulator.controls.subscribe({ vault: VAULT, ...options });
  subscriptions.push(subscription.id);
  return subscription;
}

function publish(objectName: string, version: string): void {
  emulator.controls.publish({
    type: 'SecretNewVersionCreated',
    vault: VAULT,
    vaultUrl: emulator.vaults[VAULT]!,
    objectType: 'Secret',
    objectName,
    version,
  });
}

beforeAll(async () => {
  emulator = await startDevKeyVault({ vaults: [VAULT], eventGrid: { retryScale: 0.001 } });
  const credential = new ClientSecretCredential(emulator.tenantId, 'events-app', 'any-secret', {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
  agent = new Agent({ ca: emulator.caPem, keepAlive: true });
  client = new SecretClient(emulator.vaults[VAULT]!, credential, { agent });
  receiver = await startReceiver({ sharedSecret: () => acceptedSecret });
});

afterEach(async () => {
  for (const id of subscriptions.splice(0)) emulator.controls.unsubscribe(id);
  await emulator.controls.deliveriesIdle();
  emulator.controls.clock.reset();
  acceptedSecret = SECRET;
});

afterAll(async () => {
  agent.destroy();
  await receiver.server.close();
  await emulator.close();
});

describe('Event Grid schema', () => {
  it('passes the handshake, then dispatches SecretNewVersionCreated well under a second after setSecret', async () => {
    const subscription = await subscribe({
      name: 'eg-schema',
      endpointUrl: receiver.url(`?code=${SECRET}`),
      schema: 'EventGridSchema',
    });
    expect(subscription.state).toBe('Succeeded');
    expect(receiver.metrics.handshakes.get('EventGridSchema')).toBe(1);

    const startedMs = performance.now();
    const set = await client.setSecret('db-password', 'first-value-b7e1');
    const call = await receiver.inbox.next((c) => c.event.objectName === 'db-password');
    expect(call.atMs - startedMs).toBeLessThan(500);
    expect(call.callback).toBe('onSecretNewVersion');
    expect(call.event).toMatchObject({
      vaultName: VAULT,
      vaultHost: new URL(emulator.vaults[VAULT]!).host,
      objectType: 'secret',
      objectName: 'db-password',
      version: set.properties.version,
      eventType: 'Microsoft.KeyVault.SecretNewVersionCreated',
    });
    await emulator.controls.deliveriesIdle();
    expect(
      emulator.controls.deliveries({ subscriptionId: subscription.id }).map((d) => [d.status, d.outcome]),
    ).toEqual([[200, 'delivered']]);
    const logs = receiver.logLines.join('\n');
    expect(logs).toContain('event grid event dispatched');
    expect(logs).not.toContain('first-value-b7e1');
    expect(logs).not.toContain(SECRET);
  });
});

describe('CloudEvents 1.0', () => {
  it('passes the OPTIONS handshake, then dispatches a single event and a batch sent with a header secret', async () => {
    const subscription = await subscribe({
      name: 'cloudevents',
      endpointUrl: receiver.url(),
      schema: 'CloudEventSchemaV1_0',
      secret: { in: 'header', name: 'x-kvsync-secret', value: SECRET },
      maxEventsPerBatch: 10,
    });
    expect(subscription.state).toBe('Succeeded');
    expect(receiver.metrics.handshakes.get('CloudEventSchemaV1_0')).toBe(1);

    const set = await client.setSecret('ce-single', 'single-value');
    expect((await receiver.inbox.next((c) => c.event.objectName === 'ce-single')).event.version).toBe(
      set.properties.version,
    );
    for (const name of ['ce-batch-a', 'ce-batch-b', 'ce-batch-c']) publish(name, 'v1');
    await emulator.controls.deliveriesIdle();
    const batch = emulator.controls.deliveries({ subscriptionId: subscription.id }).at(-1)!;
    expect([batch.subjects, batch.status]).toEqual([['ce-batch-a', 'ce-batch-b', 'ce-batch-c'], 200]);
    expect(
      receiver.inbox.calls
        .filter((c) => c.event.objectName.startsWith('ce-batch'))
        .map((c) => c.event.objectName),
    ).toEqual(['ce-batch-a', 'ce-batch-b', 'ce-batch-c']);
  });
});

describe('authentication', () => {
  it('fails the handshake of a subscription with a wrong secret', async () => {
    await expect(
      subscribe({
        name: 'wrong-secret',
        endpointUrl: receiver.url('?code=guessed'),
        schema: 'EventGridSchema',
      }),
    ).rejects.toMatchObject({ code: 'SubscriptionValidationFailed' });
    await expect(
      subscribe({ name: 'no-secret', endpointUrl: receiver.url(), schema: 'CloudEventSchemaV1_0' }),
    ).resolves.toMatchObject({ state: 'Succeeded' }); // OPTIONS is answered without authentication…
    await client.setSecret('unauthenticated-target', 'value');
    await emulator.controls.deliveriesIdle();
    // …but its deliveries are refused, and Event Grid does not retry a 401.
    const [delivery] = emulator.controls
      .deliveries()
      .filter((d) => d.subjects.includes('unauthenticated-target'));
    expect([delivery?.status, delivery?.outcome]).toEqual([401, 'dropped']);
    expect(receiver.inbox.named('unauthenticated-target')).toEqual([]);
  });

  it('answers 401 once the accepted secret has moved on, and accepts old and new during a rotation', async () => {
    const subscription = await subscribe({
      name: 'rotation',
      endpointUrl: receiver.url(`?code=${SECRET}`),
      schema: 'EventGridSchema',
    });
    acceptedSecret = [SECRET, 'next-secret'];
    await client.setSecret('rotating', 'v1');
    await receiver.inbox.next((c) => c.event.objectName === 'rotating');
    acceptedSecret = 'next-secret';
    const rejectedBefore = receiver.metrics.rejected.get('unauthorized') ?? 0;
    await client.setSecret('rotating', 'v2');
    await emulator.controls.deliveriesIdle();
    expect(emulator.controls.deliveries({ subscriptionId: subscription.id }).map((d) => d.status)).toEqual([
      200, 401,
    ]);
    expect(receiver.inbox.named('rotating')).toHaveLength(1);
    expect(receiver.metrics.rejected.get('unauthorized')).toBe(rejectedBefore + 1);
  });
});

describe('robustness', () => {
  it('dispatches each event once when Event Grid redelivers a batch after a 500', async () => {
    const subscription = await subscribe({
      name: 'redelivery',
      endpointUrl: receiver.url(`?code=${SECRET}`),
      schema: 'EventGridSchema',
      maxEventsPerBatch: 10,
    });
    receiver.inbox.failOnce.add('flaky');
    publish('steady', 'v1');
    publish('flaky', 'v1');
    await emulator.controls.deliveriesIdle();
    const attempts = emulator.controls.deliveries({ subscriptionId: subscription.id });
    expect(attempts.map((d) => [d.attempt, d.status, d.outcome])).toEqual([
      [1, 500, 'retrying'],
      [2, 200, 'delivered'],
    ]);
    expect(new Set(attempts.map((d) => d.eventIds.join()))).toHaveProperty('size', 1);
    expect([receiver.inbox.named('steady').length, receiver.inbox.named('flaky').length]).toEqual([1, 1]);
    expect(receiver.metrics.events.get('Microsoft.KeyVault.SecretNewVersionCreated/duplicate')).toBe(1);
  });

  it('passes an older version arriving after a newer one on, in arrival order (the consumer reads current state)', async () => {
    await subscribe({
      name: 'reordered',
      endpointUrl: receiver.url(`?code=${SECRET}`),
      schema: 'EventGridSchema',
    });
    publish('reordered', 'v2');
    await receiver.inbox.next((c) => c.event.objectName === 'reordered');
    publish('reordered', 'v1');
    await emulator.controls.deliveriesIdle();
    expect(receiver.inbox.named('reordered').map((c) => c.event.version)).toEqual(['v2', 'v1']);
  });

  it('answers garbage with 400 and an unknown event type with 200, dispatching nothing', async () => {
    const before = receiver.inbox.calls.length;
    const post = (body: string) =>
      fetch(receiver.url(`?code=${SECRET}`), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const unknown = [
      {
        id: 'policy-1',
        topic: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${VAULT}`,
        subject: VAULT,
        eventType: 'Microsoft.KeyVault.VaultAccessPolicyChanged',
        data: { VaultName: VAULT },
        dataVersion: '1',
        metadataVersion: '1',
        eventTime: '2026-01-01T00:00:00.0000000Z',
      },
    ];
    const statuses = await Promise.all(
      ['{"truncated": ', '[{"id": 1}]', 'null', JSON.stringify(unknown)].map(
        async (body) => (await post(body)).status,
      ),
    );
    expect(statuses).toEqual([400, 400, 400, 200]);
    expect(receiver.inbox.calls.length).toBe(before);
  });
});

describe('expiry', () => {
  it('calls onNearExpiry and onExpired as the emulator clock passes 30 days before exp, then exp', async () => {
    await subscribe({
      name: 'expiry',
      endpointUrl: receiver.url(`?code=${SECRET}`),
      schema: 'CloudEventSchemaV1_0',
      eventTypes: ['SecretNearExpiry', 'SecretExpired'],
    });
    const expiresOn = new Date(emulator.controls.clock.now().getTime() + 40 * DAY_MS);
    const set = await client.setSecret('expiring-cert-password', 'value', { expiresOn });
    emulator.controls.clock.shift(11 * DAY_MS);
    const near = await receiver.inbox.next((c) => c.callback === 'onNearExpiry');
    expect(near.event).toMatchObject({
      objectName: 'expiring-cert-password',
      version: set.properties.version,
      eventType: 'Microsoft.KeyVault.SecretNearExpiry',
      exp: Math.floor(expiresOn.getTime() / 1000),
    });
    emulator.controls.clock.shift(30 * DAY_MS);
    const expired = await receiver.inbox.next((c) => c.callback === 'onExpired');
    expect(expired.event).toMatchObject({
      objectName: 'expiring-cert-password',
      eventType: 'Microsoft.KeyVault.SecretExpired',
    });
    expect(receiver.inbox.named('expiring-cert-password').map((c) => c.callback)).toEqual([
      'onNearExpiry',
      'onExpired',
    ]);
  });
});

describe('Microsoft Entra ID bearer token', () => {
  let jwksServer: JwksServer;
  let entraReceiver: Receiver;
  const signer = createTestSigner();

  beforeAll(async () => {
    jwksServer = await startJwksServer(signer.jwks);
    entraReceiver = await startReceiver({
      entra: {
        audience: TEST_AUDIENCE,
        tenantId: TEST_TENANT_ID,
        requiredRole: 'AzureEventGridSecureWebhookSubscriber',
        jwks: createJwksKeySource({ url: jwksServer.url }),
      },
    });
  });

  afterAll(async () => {
    await entraReceiver.server.close();
    await jwksServer.close();
  });

  const bearer = (token: string) => ({
    in: 'header' as const,
    name: 'Authorization',
    value: `Bearer ${token}`,
  });

  it('validates and dispatches with a token signed by a key of the JWKS', async () => {
    const token = signer.sign(eventGridClaims(Date.now()));
    const subscription = await subscribe({
      name: 'entra',
      endpointUrl: entraReceiver.url(),
      schema: 'EventGridSchema',
      secret: bearer(token),
    });
    expect(subscription.state).toBe('Succeeded');
    await client.setSecret('entra-protected', 'value');
    const call = await entraReceiver.inbox.next((c) => c.event.objectName === 'entra-protected');
    expect(call.event.vaultName).toBe(VAULT);
    expect(jwksServer.requests()).toBe(1);
    expect(entraReceiver.logLines.join('\n')).not.toContain(token);
  });

  it.each<[string, () => string]>([
    ['signed by another key', () => createTestSigner(signer.kid).sign(eventGridClaims(Date.now()))],
    ['for another audience', () => signer.sign(eventGridClaims(Date.now(), { aud: 'api://other-app' }))],
    ['without the subscriber role', () => signer.sign(eventGridClaims(Date.now(), { roles: [] }))],
    ['expired an hour ago', () => signer.sign(eventGridClaims(Date.now() - 2 * 3_600_000))],
  ])('refuses a subscription whose token is %s', async (_name, token) => {
    await expect(
      subscribe({
        name: 'entra-refused',
        endpointUrl: entraReceiver.url(),
        schema: 'EventGridSchema',
        secret: bearer(token()),
      }),
    ).rejects.toMatchObject({ code: 'SubscriptionValidationFailed' });
    expect(entraReceiver.metrics.rejected.get('unauthorized')).toBeGreaterThan(0);
  });
});
