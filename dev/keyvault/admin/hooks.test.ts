import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VaultRequestInfo } from '../contracts.ts';
import { createTestControls, RESET_STATUS, type TestControls, type TestControlsOptions } from './index.ts';
import { waitFor } from './test-support.ts';

/** A stand-in for the vault server: `/{vault}/{operation}[/{name}]` answers 200 unless a hook answers. */
async function startFakeVault(kv: TestControls): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const [vault = '', operation = '', objectName] = (request.url ?? '/').split('/').slice(1);
    const info: VaultRequestInfo = {
      vault,
      operation,
      method: request.method ?? 'GET',
      ...(objectName ? { objectName } : {}),
    };
    response.on('finish', () => kv.hooks.afterResponse!(info, response.statusCode));
    void kv.hooks.beforeRequest!(info, response).then((answered) => {
      if (!answered) response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"value":"x"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let kv: TestControls;
let base: string;
let server: Server;
let randomValues: number[];
let fakeNowMs: number;

async function setUp(options: TestControlsOptions = {}): Promise<void> {
  kv = createTestControls({ random: () => randomValues.shift() ?? 0.99, now: () => fakeNowMs, ...options });
  ({ url: base, server } = await startFakeVault(kv));
}

beforeEach(async () => {
  randomValues = [];
  fakeNowMs = Date.parse('2030-01-01T00:00:00Z');
  await setUp();
});
afterEach(async () => {
  kv.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fault rules', () => {
  it('answers the first `count` matching requests with a 429 in Azure shape, with and without Retry-After', async () => {
    kv.addFault({ kind: 'status', status: 429, operation: 'getSecret', count: 2 });
    kv.addFault({ kind: 'status', status: 429, retryAfterSeconds: 3, operation: 'getSecrets', count: 1 });
    const first = await fetch(`${base}/v1/getSecret/a`, { headers: { 'x-ms-client-request-id': 'req-1' } });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBeNull();
    expect(first.headers.get('x-ms-client-request-id')).toBe('req-1');
    expect(await first.json()).toEqual({
      error: {
        code: 'Throttled',
        message:
          'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
      },
    });
    expect((await fetch(`${base}/v1/getSecret/a`)).status).toBe(429);
    expect((await fetch(`${base}/v1/getSecret/a`)).status).toBe(200);
    const listed = await fetch(`${base}/v1/getSecrets`);
    expect([listed.status, listed.headers.get('retry-after')]).toEqual([429, '3']);
    expect(kv.faults().map((rule) => rule.applied)).toEqual([2, 1]);
  });

  it('matches vault, operation and object name, and 403 carries an inner code', async () => {
    kv.addFault({
      kind: 'status',
      status: 403,
      innerCode: 'AccessDenied',
      vault: 'v1',
      objectName: 'locked',
    });
    kv.addFault({ kind: 'status', status: 503, operation: ['setSecret', 'deleteSecret'] });
    const forbidden = await fetch(`${base}/V1/getSecret/LOCKED`);
    expect(forbidden.status).toBe(403);
    const body = (await forbidden.json()) as { error: { code: string; innererror: { code: string } } };
    expect(body.error.code).toBe('Forbidden');
    expect(body.error.innererror.code).toBe('AccessDenied');
    expect((await fetch(`${base}/v2/getSecret/locked`)).status).toBe(200);
    expect((await fetch(`${base}/v2/setSecret/any`)).status).toBe(503);
    expect((await fetch(`${base}/v2/deleteSecret/any`)).status).toBe(503);
    expect((await fetch(`${base}/v2/getSecret/any`)).status).toBe(200);
  });

  it('fires by probability with the injected random source', async () => {
    kv.addFault({ kind: 'status', status: 500, probability: 0.5 });
    randomValues = [0.1, 0.9, 0.4];
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/v1/getSecret/a`)).status);
    expect(statuses).toEqual([500, 200, 500]);
  });

  it('adds latency, then lets the request through', async () => {
    kv.addFault({ kind: 'latency', latencyMs: 80, count: 1 });
    const started = Date.now();
    expect((await fetch(`${base}/v1/getSecret/a`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('resets the connection', async () => {
    kv.addFault({ kind: 'reset', count: 1 });
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      get(`${base}/v1/getSecret/a`, () => reject(new Error('got an answer'))).on('error', resolve);
    });
    expect(error.code).toBe('ECONNRESET');
    expect(kv.counters().byStatus[String(RESET_STATUS)]).toBe(1);
  });

  it('clears and removes rules, and refuses invalid ones', async () => {
    const id = kv.addFault({ kind: 'status', status: 500 });
    expect(kv.removeFault(id)).toBe(true);
    expect(kv.removeFault(id)).toBe(false);
    kv.addFault({ kind: 'status', status: 500 });
    kv.clearFaults();
    expect((await fetch(`${base}/v1/getSecret/a`)).status).toBe(200);
    expect(() => kv.addFault({ kind: 'status', status: 200 })).toThrow(
      expect.objectContaining({ code: 'InvalidFaultRule' }),
    );
    expect(() => kv.addFault({ kind: 'latency', latencyMs: -1 })).toThrow(
      expect.objectContaining({ code: 'InvalidFaultRule' }),
    );
    expect(() => kv.addFault({ kind: 'reset', probability: 2 })).toThrow(
      expect.objectContaining({ code: 'InvalidFaultRule' }),
    );
  });
});

describe('throttling emulation', () => {
  it('allows the limit per vault and request type in a sliding window, then answers 429 with Retry-After', async () => {
    kv.setThrottling({ enabled: true, limits: { other: 3, secretCreate: 1 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/v1/getSecret/a`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await fetch(`${base}/v2/getSecret/a`)).status).toBe(200);
    expect((await fetch(`${base}/v1/setSecret/a`)).status).toBe(200);
    expect((await fetch(`${base}/v1/setSecret/a`)).status).toBe(429);
    fakeNowMs += 4_000;
    const throttled = await fetch(`${base}/v1/getSecret/a`);
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '6']);
    expect(((await throttled.json()) as { error: { code: string } }).error.code).toBe('Throttled');
    kv.clock.shift(6_000);
    expect((await fetch(`${base}/v1/getSecret/a`)).status).toBe(200);
  });

  it('can leave Retry-After out, as the real service did, and is off by default', async () => {
    expect(kv.throttling()).toMatchObject({
      enabled: false,
      windowMs: 10_000,
      limits: { other: 4000, secretCreate: 300 },
    });
    kv.setThrottling({ enabled: true, retryAfter: false, limits: { other: 1 } });
    await fetch(`${base}/v1/getSecret/a`);
    const throttled = await fetch(`${base}/v1/getSecret/a`);
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, null]);
    kv.setThrottling({ enabled: false });
    expect((await fetch(`${base}/v1/getSecret/a`)).status).toBe(200);
    expect(() => kv.setThrottling({ windowMs: 0 })).toThrow(
      expect.objectContaining({ code: 'InvalidThrottlingSettings' }),
    );
  });
});

describe('counters', () => {
  it('counts by vault, operation and status, once per request, and resets', async () => {
    kv.addFault({ kind: 'status', status: 503, count: 1 });
    await fetch(`${base}/v1/getSecret/a`);
    await fetch(`${base}/v1/getSecret/a`);
    await fetch(`${base}/v2/setSecret/a`);
    await waitFor(() => kv.counters().total === 3);
    const snapshot = kv.counters();
    expect(snapshot.total).toBe(3);
    expect(snapshot.entries).toEqual([
      { vault: 'v1', operation: 'getSecret', status: 200, count: 1 },
      { vault: 'v1', operation: 'getSecret', status: 503, count: 1 },
      { vault: 'v2', operation: 'setSecret', status: 200, count: 1 },
    ]);
    expect(snapshot.byVault).toEqual({ v1: 2, v2: 1 });
    expect(snapshot.byOperation).toEqual({ getSecret: 2, setSecret: 1 });
    expect(snapshot.byStatus).toEqual({ '200': 2, '503': 1 });
    kv.resetCounters();
    expect(kv.counters().total).toBe(0);
  });
});
