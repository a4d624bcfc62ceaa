import { afterEach, describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { createLogger } from '../observability/logger.ts';
import { FakeClock } from '../runtime/clock.ts';
import { startHttpServer, type HttpServer } from '../server/index.ts';
import { EVENT_GRID_WEBHOOK_PATH } from './event-types.ts';
import { createRelay } from './relay.ts';
import { createEventGridRoutes } from './routes.ts';
import {
  cloudEvent,
  createTestSigner,
  eventGridClaims,
  eventGridEvent,
  recordingCallbacks,
  recordingMetrics,
  TEST_AUDIENCE,
  TEST_TENANT_ID,
  type RecordingCallbacks,
  type RecordingMetrics,
} from './test-support.ts';
import type { EventGridReceiverOptions, WebhookAuthentication } from './types.ts';

const SECRET = 'webhook-shared-secret-7f3a';
const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Harness {
  url: string;
  callbacks: RecordingCallbacks;
  metrics: RecordingMetrics;
  logLines: string[];
  clock: FakeClock;
  post(body: unknown, init?: { query?: string; headers?: Record<string, string> }): Promise<Response>;
}

async function start(
  authentication: WebhookAuthentication = { sharedSecret: () => SECRET },
  overrides: Partial<EventGridReceiverOptions> = {},
): Promise<Harness> {
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'json', write: (line) => logLines.push(line) });
  const callbacks = recordingCallbacks();
  const metrics = recordingMetrics();
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
  const routes = createEventGridRoutes({
    authentication,
    ...callbacks,
    logger,
    metrics,
    clock,
    ...overrides,
  });
  const server = await startHttpServer({
    address: '127.0.0.1:0',
    metrics: { render: async () => ({ contentType: 'text/plain', body: '' }) },
    health: { live: () => true, ready: () => ({ ready: true }) },
    routes,
    logger,
  });
  servers.push(server);
  const url = `${server.url}${EVENT_GRID_WEBHOOK_PATH}`;
  return {
    url,
    callbacks,
    metrics,
    logLines,
    clock,
    post: (body, init = {}) =>
      fetch(`${url}${init.query ?? `?code=${SECRET}`}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...init.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

function validationEvent(code: unknown): Record<string, unknown> {
  return {
    id: 'validation-1',
    topic: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/our-vault',
    subject: '',
    data: { validationCode: code, validationUrl: 'https://rp.example/validate?code=abc' },
    eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
    eventTime: '2026-01-01T00:00:00.0000000Z',
    metadataVersion: '1',
    dataVersion: '2',
  };
}

describe('Event Grid schema handshake', () => {
  it('answers the validation event with its code, with Content-Length, dispatching nothing', async () => {
    const harness = await start();
    const response = await harness.post([validationEvent('512D38B6-C7B8-40C8-89FE-F46F9E9622B6')], {
      headers: { 'aeg-event-type': 'SubscriptionValidation', 'aeg-subscription-name': 'KVSYNC' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).not.toBeNull();
    expect(await response.json()).toEqual({ validationResponse: '512D38B6-C7B8-40C8-89FE-F46F9E9622B6' });
    expect(harness.callbacks.calls).toEqual([]);
    expect(harness.metrics.handshakes.get('EventGridSchema')).toBe(1);
  });

  it('refuses a validation event without authentication, without a code, or among other events', async () => {
    const harness = await start();
    expect((await harness.post([validationEvent('c')], { query: '' })).status).toBe(401);
    expect((await harness.post([validationEvent(undefined)])).status).toBe(400);
    expect((await harness.post([validationEvent('c'), eventGridEvent()])).status).toBe(400);
    expect(harness.callbacks.calls).toEqual([]);
  });
});

describe('CloudEvents handshake (OPTIONS)', () => {
  it('allows the requesting origin at any rate', async () => {
    const harness = await start();
    const response = await fetch(harness.url, {
      method: 'OPTIONS',
      headers: { 'WebHook-Request-Origin': 'eventgrid.azure.net', 'WebHook-Request-Rate': '120' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
    expect(response.headers.get('webhook-allowed-rate')).toBe('*');
    expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    expect(harness.metrics.handshakes.get('CloudEventSchemaV1_0')).toBe(1);
  });

  it('gives no consent to an OPTIONS request that names no origin', async () => {
    const harness = await start();
    const response = await fetch(harness.url, { method: 'OPTIONS' });
    expect(response.status).toBe(200);
    expect(response.headers.get('webhook-allowed-origin')).toBeNull();
  });
});

describe('deliveries', () => {
  it('dispatches each Key Vault event type to its callback, in both schemas', async () => {
    const harness = await start();
    const types = ['Secret', 'Key', 'Certificate'].flatMap((object) =>
      ['NewVersionCreated', 'NearExpiry', 'Expired'].map((kind) => `Microsoft.KeyVault.${object}${kind}`),
    );
    const response = await harness.post(types.map((type) => eventGridEvent({ type, name: type.slice(19) })));
    expect([response.status, await response.json()]).toEqual([
      200,
      { dispatched: 9, duplicate: 0, ignored: 0, failed: 0 },
    ]);
    expect(harness.callbacks.calls.map(({ callback, event }) => `${callback}:${event.objectName}`)).toEqual([
      'onSecretNewVersion:SecretNewVersionCreated',
      'onNearExpiry:SecretNearExpiry',
      'onExpired:SecretExpired',
      'onKeyNewVersion:KeyNewVersionCreated',
      'onNearExpiry:KeyNearExpiry',
      'onExpired:KeyExpired',
      'onCertificateNewVersion:CertificateNewVersionCreated',
      'onNearExpiry:CertificateNearExpiry',
      'onExpired:CertificateExpired',
    ]);
    const single = await harness.post(cloudEvent({ name: 'ce-single' }), {
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    });
    const batch = await harness.post([cloudEvent({ name: 'ce-a' }), cloudEvent({ name: 'ce-b' })], {
      headers: { 'content-type': 'application/cloudevents-batch+json; charset=utf-8' },
    });
    expect([single.status, batch.status]).toEqual([200, 200]);
    expect(harness.callbacks.calls.slice(9).map(({ event }) => event.objectName)).toEqual([
      'ce-single',
      'ce-a',
      'ce-b',
    ]);
    expect(harness.metrics.lastEventTimes.get('our-vault')).toBe(harness.clock.now());
  });

  it('acknowledges unknown types and events whose callback is not configured, and counts them', async () => {
    const harness = await start(
      { sharedSecret: () => SECRET },
      { onNearExpiry: undefined, onKeyNewVersion: undefined },
    );
    const response = await harness.post([
      eventGridEvent({ type: 'Microsoft.KeyVault.VaultAccessPolicyChanged' }),
      eventGridEvent({ type: 'Contoso.Anything', data: { whatever: 1 } }),
      eventGridEvent({ type: 'Microsoft.KeyVault.SecretNearExpiry' }),
      eventGridEvent({ type: 'Microsoft.KeyVault.KeyNewVersionCreated' }),
    ]);
    expect(await response.json()).toEqual({ dispatched: 0, duplicate: 0, ignored: 4, failed: 0 });
    expect(harness.callbacks.calls).toEqual([]);
    expect(harness.metrics.events.get('other/ignored')).toBe(2);
    expect(harness.metrics.events.get('Microsoft.KeyVault.SecretNearExpiry/ignored')).toBe(1);
  });

  it('dispatches a redelivered event id once, and reordered versions each once', async () => {
    const harness = await start();
    const newer = eventGridEvent({ id: 'evt-v2', version: 'v2' });
    const older = eventGridEvent({ id: 'evt-v1', version: 'v1' });
    await harness.post([newer]);
    await harness.post([older]);
    const again = await harness.post([newer, older], { headers: { 'aeg-delivery-count': '1' } });
    expect(await again.json()).toEqual({ dispatched: 0, duplicate: 2, ignored: 0, failed: 0 });
    expect(harness.callbacks.calls.map(({ event }) => event.version)).toEqual(['v2', 'v1']);
    expect(harness.metrics.events.get('Microsoft.KeyVault.SecretNewVersionCreated/duplicate')).toBe(2);
  });

  it('refuses a delivery with one malformed event as a whole, dispatching none of it', async () => {
    const harness = await start();
    const response = await harness.post([eventGridEvent(), eventGridEvent({ data: { VaultName: 'v' } })]);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/no object name|no version/) });
    expect(harness.callbacks.calls).toEqual([]);
    expect(harness.metrics.rejected.get('malformed')).toBe(1);
  });

  it.each<[string, string]>([
    ['garbage', '\u0000garbage'],
    ['an empty body', ''],
    ['an empty array', '[]'],
    ['a JSON string', '"event"'],
    [
      'an envelope without eventType',
      JSON.stringify([{ id: '1', subject: '', eventTime: '2026-01-01T00:00:00Z', data: {} }]),
    ],
  ])('answers %s with 400 and dispatches nothing', async (_name, body) => {
    const harness = await start();
    expect((await harness.post(body)).status).toBe(400);
    expect(harness.callbacks.calls).toEqual([]);
  });

  it('answers 500 when a callback throws, so that Event Grid retries; the retry skips what was dispatched', async () => {
    const harness = await start();
    let failures = 1;
    const seen: string[] = [];
    const routes = createEventGridRoutes({
      authentication: { none: true },
      logger: createLogger({ level: 'error', format: 'json', write: (line) => harness.logLines.push(line) }),
      onSecretNewVersion: (event) => {
        if (event.objectName === 'flaky' && failures-- > 0) throw new Error('queue full');
        seen.push(event.objectName);
      },
    });
    const server = await startHttpServer({
      address: '127.0.0.1:0',
      metrics: { render: async () => ({ contentType: 'text/plain', body: '' }) },
      health: { live: () => true, ready: () => ({ ready: true }) },
      routes,
      logger: createLogger({ level: 'error', format: 'json', write: () => {} }),
    });
    servers.push(server);
    const delivery = JSON.stringify([eventGridEvent({ name: 'steady' }), eventGridEvent({ name: 'flaky' })]);
    const post = () => fetch(`${server.url}${EVENT_GRID_WEBHOOK_PATH}`, { method: 'POST', body: delivery });
    const first = await post();
    expect([first.status, await first.json()]).toEqual([
      500,
      { dispatched: 1, duplicate: 0, ignored: 0, failed: 1 },
    ]);
    const retry = await post();
    expect([retry.status, await retry.json()]).toEqual([
      200,
      { dispatched: 1, duplicate: 1, ignored: 0, failed: 0 },
    ]);
    expect(seen).toEqual(['steady', 'flaky']);
    expect(harness.logLines.join('\n')).toContain('event grid event handler failed');
  });

  it('acknowledges a subscription deletion notice without reading it', async () => {
    const harness = await start();
    const response = await harness.post('anything', {
      headers: { 'aeg-event-type': 'SubscriptionDeletion' },
    });
    expect(response.status).toBe(200);
    expect(harness.callbacks.calls).toEqual([]);
  });
});

describe('shared secret', () => {
  it('accepts it in ?code= or in the x-kvsync-secret header', async () => {
    const harness = await start();
    expect((await harness.post([eventGridEvent()])).status).toBe(200);
    expect(
      (await harness.post([eventGridEvent()], { query: '', headers: { 'x-kvsync-secret': SECRET } })).status,
    ).toBe(200);
    expect(harness.callbacks.calls).toHaveLength(2);
  });

  it('answers 401 to a wrong or missing secret and dispatches nothing; the logs never show it', async () => {
    const harness = await start();
    const wrong = await harness.post([eventGridEvent()], { query: '?code=guess' });
    const missing = await harness.post([eventGridEvent()], { query: '' });
    const wrongHeader = await harness.post([eventGridEvent()], {
      query: '',
      headers: { 'x-kvsync-secret': 'x' },
    });
    expect([wrong.status, missing.status, wrongHeader.status]).toEqual([401, 401, 401]);
    expect(harness.callbacks.calls).toEqual([]);
    expect(harness.metrics.rejected.get('unauthorized')).toBe(3);
    const logs = harness.logLines.join('\n');
    expect(logs).toContain('shared secret wrong');
    expect(logs).toContain('shared secret missing');
    expect(logs).not.toContain('guess');
    expect(logs).not.toContain(SECRET);
  });

  it('answers 503 (retried by Event Grid) while the secret is not loaded', async () => {
    const harness = await start({ sharedSecret: () => undefined });
    const response = await harness.post([eventGridEvent()]);
    expect([response.status, response.headers.get('retry-after')]).toEqual([503, '10']);
    expect(harness.callbacks.calls).toEqual([]);
    expect(harness.metrics.rejected.get('unavailable')).toBe(1);
  });
});

describe('Entra bearer token', () => {
  const signer = createTestSigner();
  const entra = (jwks = async (kid: string) => (kid === signer.kid ? signer.publicKey : undefined)) => ({
    entra: { audience: TEST_AUDIENCE, tenantId: TEST_TENANT_ID, jwks },
  });

  it('dispatches with a valid token and refuses a foreign, expired or absent one', async () => {
    const harness = await start(entra());
    const bearer = (claims: Record<string, unknown>) => ({ authorization: `Bearer ${signer.sign(claims)}` });
    const now = harness.clock.now();
    const ok = await harness.post([eventGridEvent()], { query: '', headers: bearer(eventGridClaims(now)) });
    expect(ok.status).toBe(200);
    const refused = await Promise.all([
      harness.post([eventGridEvent()], {
        query: '',
        headers: bearer(eventGridClaims(now, { aud: 'other' })),
      }),
      harness.post([eventGridEvent()], { query: '', headers: bearer(eventGridClaims(now - 7_200_000)) }),
      harness.post([eventGridEvent()], {
        query: '',
        headers: { authorization: `Bearer ${createTestSigner(signer.kid).sign(eventGridClaims(now))}` },
      }),
      harness.post([eventGridEvent()], { query: '' }),
    ]);
    expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401]);
    expect(harness.callbacks.calls).toHaveLength(1);
    const logs = harness.logLines.join('\n');
    for (const reason of ['audience', 'expired', 'signature', 'missing'])
      expect(logs).toContain(`bearer token ${reason}`);
  });

  it('requires both methods when both are configured', async () => {
    const harness = await start({ sharedSecret: () => SECRET, ...entra() });
    const headers = { authorization: `Bearer ${signer.sign(eventGridClaims(harness.clock.now()))}` };
    expect((await harness.post([eventGridEvent()], { query: '', headers })).status).toBe(401);
    expect((await harness.post([eventGridEvent()], { headers: {} })).status).toBe(401);
    expect((await harness.post([eventGridEvent()], { headers })).status).toBe(200);
  });

  it('answers 503 when the signing keys cannot be fetched', async () => {
    const harness = await start(entra(() => Promise.reject(new Error('unreachable'))));
    const headers = { authorization: `Bearer ${signer.sign(eventGridClaims(harness.clock.now()))}` };
    expect((await harness.post([eventGridEvent()], { query: '', headers })).status).toBe(503);
    expect(harness.callbacks.calls).toEqual([]);
  });
});

describe('configuration', () => {
  it('demands an explicit choice, and warns once when it is "none"', async () => {
    const logLines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', write: (line) => logLines.push(line) });
    const base = { logger, onSecretNewVersion: () => {} };
    const configError = (authentication: unknown) => {
      try {
        createEventGridRoutes({ ...base, authentication: authentication as WebhookAuthentication });
      } catch (error) {
        return isKvsyncError(error, 'ERR_INVALID_CONFIG');
      }
      return false;
    };
    expect(configError({})).toBe(true);
    expect(configError({ none: true, sharedSecret: () => 'x' })).toBe(true);
    expect(configError({ entra: { audience: 'a', jwks: async () => undefined } })).toBe(true);
    expect(configError({ entra: { audience: '', tenantId: 't', jwks: async () => undefined } })).toBe(true);
    expect(logLines).toEqual([]);
    const routes = createEventGridRoutes({ ...base, authentication: { none: true } });
    expect(routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      'POST /webhooks/eventgrid',
      'OPTIONS /webhooks/eventgrid',
    ]);
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0]!)).toMatchObject({ level: 'warn', component: 'eventgrid-webhook' });
  });
});

describe('relaying a delivery to the other replicas', () => {
  /** Two receivers that relay to each other; `relayed` resolves at each relay's outcome. */
  async function pair() {
    const outcomes: string[] = [];
    let wake: () => void = () => {};
    const counted = () => new Promise<void>((resolve) => (wake = resolve));
    const urls: Record<'a' | 'b', string> = { a: '', b: '' };
    const logger = createLogger({ level: 'info', format: 'json', write: () => {} });
    const relayTo = (identity: 'a' | 'b', peer: 'a' | 'b') =>
      createRelay({
        identity,
        peers: async () => {
          outcomes.push(`${identity}:listed peers`);
          return [{ identity: peer, url: urls[peer] }];
        },
        logger,
        count: (outcome) => {
          outcomes.push(`${identity}:${outcome}`);
          wake();
        },
      });
    const a = await start(undefined, { relay: relayTo('a', 'b') });
    const b = await start(undefined, { relay: relayTo('b', 'a') });
    urls.a = new URL(a.url).origin;
    urls.b = new URL(b.url).origin;
    return { a, b, outcomes, counted };
  }

  it('posts it to each peer with its credentials; the peer dispatches it and does not relay it back', async () => {
    const { a, b, outcomes, counted } = await pair();
    const relayed = counted();
    const response = await a.post([eventGridEvent({ id: 'relayed-1', name: 'db-password' })]);
    expect(response.status).toBe(200);
    await relayed;
    expect(outcomes).toEqual(['a:listed peers', 'a:sent']);
    expect(a.callbacks.calls.map((call) => call.event.objectName)).toEqual(['db-password']);
    expect(b.callbacks.calls.map((call) => call.event.objectName)).toEqual(['db-password']);
    expect(b.metrics.rejected.size).toBe(0);
  });

  it('does not relay a handshake', async () => {
    const { a, b, outcomes } = await pair();
    const response = await a.post([validationEvent('CODE-1')], {
      headers: { 'aeg-event-type': 'SubscriptionValidation' },
    });
    expect(response.status).toBe(200);
    // A relay would have been started before the answer was written.
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcomes).toEqual([]);
    expect(b.callbacks.calls).toEqual([]);
  });

  it('counts an unreachable peer as failed and logs no URL (its query holds the secret)', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', format: 'json', write: (line) => lines.push(line) });
    let failed: () => void = () => {};
    const outcome = new Promise<string>((resolve) => (failed = () => resolve('failed')));
    const harness = await start(undefined, {
      relay: createRelay({
        identity: 'a',
        peers: async () => [{ identity: 'gone', url: 'http://127.0.0.1:9' }],
        logger,
        count: (result) => result === 'failed' && failed(),
      }),
    });
    expect((await harness.post([eventGridEvent()])).status).toBe(200);
    expect(await outcome).toBe('failed');
    expect(lines.join('\n')).toContain('"peer":"gone"');
    expect(lines.join('\n')).not.toContain(SECRET);
  });
});
