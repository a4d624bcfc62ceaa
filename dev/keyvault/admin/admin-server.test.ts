import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonBody, sendJson } from './http-json.ts';
import { createTestControls, startAdminServer, type AdminServer, type TestControls } from './index.ts';
import { startReceiver, waitFor, type Receiver } from './test-support.ts';

let kv: TestControls;
let admin: AdminServer;
let hook: Receiver | undefined;
const grants: unknown[] = [];

beforeEach(async () => {
  kv = createTestControls({ eventGrid: { retryScale: 0.001 } });
  admin = await startAdminServer(kv, {
    extraRoutes: async (request, response, url) => {
      if (url.pathname !== '/grants' || request.method !== 'POST') return false;
      grants.push(await readJsonBody(request));
      sendJson(response, 201, { ok: true });
      return true;
    },
  });
});
afterEach(async () => {
  kv.close();
  await admin.close();
  await hook?.close();
  hook = undefined;
});

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${admin.url}${path}`, {
    method,
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
      : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('admin API', () => {
  it('adds, lists, removes and clears faults', async () => {
    const added = await call('POST', '/faults', {
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      count: 2,
    });
    expect(added).toEqual({ status: 201, json: { id: expect.any(String) } });
    const listed = await call('GET', '/faults');
    expect(listed.json).toEqual({
      faults: [expect.objectContaining({ kind: 'status', status: 429, applied: 0 })],
    });
    const { id } = added.json as { id: string };
    expect((await call('DELETE', `/faults/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/faults/${id}`)).status).toBe(404);
    await call('POST', '/faults', { kind: 'reset' });
    expect((await call('DELETE', '/faults')).status).toBe(204);
    expect(kv.faults()).toEqual([]);
    const bad = await call('POST', '/faults', { kind: 'explode' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'InvalidFaultRule' } });
  });

  it('switches throttling, reads and resets counters', async () => {
    const updated = await call('PUT', '/throttling', { enabled: true, limits: { other: 10 } });
    expect(updated.json).toMatchObject({ enabled: true, limits: { other: 10, secretCreate: 300 } });
    expect(kv.throttling().enabled).toBe(true);
    expect((await call('PUT', '/throttling', { windowMs: -5 })).status).toBe(400);
    kv.hooks.afterResponse!({ vault: 'v', operation: 'getSecret', method: 'GET' }, 200);
    expect((await call('GET', '/counters')).json).toMatchObject({ total: 1, byStatus: { '200': 1 } });
    expect((await call('DELETE', '/counters')).status).toBe(204);
    expect(kv.counters().total).toBe(0);
  });

  it('shifts, sets and resets the clock', async () => {
    const before = kv.clock.now().getTime();
    const shifted = (await call('POST', '/clock/shift', { ms: 86_400_000 })).json as {
      now: string;
      offsetMs: number;
    };
    expect(shifted.offsetMs).toBe(86_400_000);
    expect(Date.parse(shifted.now) - before).toBeGreaterThanOrEqual(86_400_000);
    const set = (await call('POST', '/clock/set', { time: '2035-06-01T00:00:00Z' })).json as { now: string };
    expect(set.now.startsWith('2035-06-01T00:00:0')).toBe(true);
    expect((await call('POST', '/clock/set', { time: 'soon' })).status).toBe(400);
    expect(((await call('POST', '/clock/reset')).json as { offsetMs: number }).offsetMs).toBe(0);
    expect(((await call('GET', '/clock')).json as { offsetMs: number }).offsetMs).toBe(0);
  });

  it('subscribes, publishes, lists deliveries and unsubscribes', async () => {
    hook = await startReceiver();
    const created = await call('POST', '/eventgrid/subscriptions', {
      endpointUrl: hook.url,
      schema: 'CloudEventSchemaV1_0',
      secret: { in: 'query', name: 'code', value: 'admin-secret' },
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.json)).not.toContain('admin-secret');
    const { id } = created.json as { id: string };
    const event = {
      type: 'SecretNewVersionCreated',
      vault: 'our-vault',
      vaultUrl: 'https://our-vault.vault.azure.net',
      objectType: 'Secret',
      objectName: 'db',
      version: 'v1',
    };
    expect((await call('POST', '/eventgrid/events', event)).status).toBe(202);
    expect((await call('POST', '/eventgrid/events', { ...event, objectType: 'Key' })).status).toBe(400);
    await waitFor(() => kv.deliveries().length === 1);
    const deliveries = (await call('GET', `/eventgrid/deliveries?subscriptionId=${id}`)).json;
    expect(deliveries).toEqual({
      deliveries: [expect.objectContaining({ subscriptionId: id, outcome: 'delivered' })],
    });
    expect(JSON.stringify(deliveries)).not.toContain('admin-secret');
    expect((await call('GET', '/eventgrid/subscriptions')).json).toEqual({
      subscriptions: [expect.objectContaining({ id })],
    });
    expect((await call('DELETE', '/eventgrid/deliveries')).status).toBe(204);
    expect((await call('DELETE', `/eventgrid/subscriptions/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/eventgrid/subscriptions/${id}`)).status).toBe(404);
  });

  it('offers a manual validation URL when the endpoint answers 200 without the code', async () => {
    hook = await startReceiver({ handshake: 'no-code' });
    const created = await call('POST', '/eventgrid/subscriptions', {
      endpointUrl: hook.url,
      schema: 'EventGridSchema',
    });
    expect(created.json).toMatchObject({ state: 'AwaitingManualAction' });
    const [validation] = JSON.parse(hook.requests[0]!.body) as Array<{ data: { validationUrl: string } }>;
    const validationUrl = validation!.data.validationUrl;
    expect(validationUrl.startsWith(`${admin.url}/eventgrid/validate?`)).toBe(true);
    expect((await fetch(`${validationUrl}x`)).status).toBe(400);
    expect((await fetch(validationUrl)).status).toBe(200);
    expect(kv.subscriptions()[0]!.state).toBe('Succeeded');
  });

  it('reports a failed handshake as 400 SubscriptionValidationFailed', async () => {
    hook = await startReceiver({ handshake: 'refuse' });
    const created = await call('POST', '/eventgrid/subscriptions', {
      endpointUrl: hook.url,
      schema: 'EventGridSchema',
    });
    expect(created).toMatchObject({ status: 400, json: { error: { code: 'SubscriptionValidationFailed' } } });
  });

  it('passes unknown paths to extraRoutes, then answers 404 or 405', async () => {
    expect(await call('POST', '/grants', { principal: 'p', role: 'Key Vault Secrets User' })).toEqual({
      status: 201,
      json: { ok: true },
    });
    expect(grants).toEqual([{ principal: 'p', role: 'Key Vault Secrets User' }]);
    expect((await call('GET', '/nothing')).status).toBe(404);
    expect((await call('PATCH', '/faults')).status).toBe(405);
    const malformed = await fetch(`${admin.url}/faults`, { method: 'POST', body: '{' });
    expect(malformed.status).toBe(400);
  });
});
