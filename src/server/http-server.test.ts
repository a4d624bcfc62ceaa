import { request as httpRequest, Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { createLogger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import {
  startHttpServer,
  type HealthChecks,
  type HttpServer,
  type HttpServerOptions,
  type Readiness,
  type Route,
} from './index.ts';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Harness {
  server: HttpServer;
  logLines: string[];
  health: { live: boolean; ready: Readiness };
}

async function start(options: Partial<HttpServerOptions> = {}): Promise<Harness> {
  const logLines: string[] = [];
  const health = { live: true, ready: { ready: true } as Readiness };
  const checks: HealthChecks = { live: () => health.live, ready: () => health.ready };
  const server = await startHttpServer({
    address: '127.0.0.1:0',
    metrics: createMetrics({ collectDefaultMetrics: false, version: '9.9.9' }),
    health: checks,
    logger: createLogger({ level: 'debug', format: 'json', write: (line) => logLines.push(line) }),
    ...options,
  });
  servers.push(server);
  return { server, logLines, health };
}

function echoRoute(method: string, path: string): Route {
  return {
    method,
    path,
    handle: (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          method: request.method,
          path: request.url.pathname,
          query: request.url.search,
          bytes: request.body.length,
          text: request.body.toString('utf8').slice(0, 20),
        }),
      );
    },
  };
}

describe('probes', () => {
  it('/healthz answers ok while live and 503 when not', async () => {
    const { server, health } = await start();
    let response = await fetch(`${server.url}/healthz`);
    expect([response.status, await response.text()]).toEqual([200, 'ok\n']);
    health.live = false;
    response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(503);
  });

  it.each<[Readiness, number, string]>([
    [{ ready: true }, 200, 'ok\n'],
    [{ ready: true, reason: 'standby: not the leader' }, 200, 'standby: not the leader\n'],
    [{ ready: false, reason: 'informer caches not synced' }, 503, 'informer caches not synced\n'],
    [{ ready: false }, 503, 'not ready\n'],
  ])('/readyz for %j is %d', async (readiness, status, body) => {
    const { server, health } = await start();
    health.ready = readiness;
    const response = await fetch(`${server.url}/readyz`);
    expect([response.status, await response.text()]).toEqual([status, body]);
  });

  it('a throwing check fails the probe and is logged, the server lives on', async () => {
    const { server, logLines } = await start({
      health: {
        live: () => true,
        ready: () => {
          throw new Error('boom');
        },
      },
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(logLines.some((line) => JSON.parse(line).msg === 'health check threw')).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('/metrics serves the Prometheus text format', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toContain('# TYPE kvsync_leader gauge');
    expect(body).toContain('kvsync_build_info{version="9.9.9"} 1');
  });

  it('HEAD reaches GET routes without a body', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/healthz`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });
});

describe('routing', () => {
  it('answers unknown paths with a 404 JSON body', async () => {
    const { server } = await start();
    const response = await fetch(`${server.url}/nope?x=1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: 'not found', path: '/nope' });
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const { server } = await start({
      routes: [echoRoute('POST', '/webhooks/eventgrid'), echoRoute('options', '/webhooks/eventgrid')],
    });
    const response = await fetch(`${server.url}/webhooks/eventgrid`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
  });

  it('serves routes given at start and added later, exact and by prefix, with their bodies', async () => {
    const { server } = await start({ routes: [echoRoute('POST', '/webhooks/eventgrid')] });
    server.addRoute(echoRoute('GET', '/api/*'));
    server.addRoute(echoRoute('GET', '/api/externalsecrets/*'));
    let response = await fetch(`${server.url}/webhooks/eventgrid?code=c`, {
      method: 'POST',
      body: '[{"id":"1"}]',
    });
    expect(await response.json()).toEqual({
      method: 'POST',
      path: '/webhooks/eventgrid',
      query: '?code=c',
      bytes: 12,
      text: '[{"id":"1"}]',
    });
    response = await fetch(`${server.url}/api/externalsecrets/default/db`);
    expect(await response.json()).toMatchObject({
      method: 'GET',
      path: '/api/externalsecrets/default/db',
      bytes: 0,
    });
    response = await fetch(`${server.url}/api/stores`);
    expect(response.status).toBe(200);
    expect((await fetch(`${server.url}/api`)).status).toBe(404);
  });

  it('refuses a method and path registered twice, built-ins included', async () => {
    const { server } = await start({ routes: [echoRoute('POST', '/x')] });
    for (const route of [echoRoute('post', '/x'), echoRoute('GET', '/metrics')]) {
      expect(() => server.addRoute(route)).toThrow(
        expect.toSatisfy((error) => isKvsyncError(error, 'ERR_INVALID_CONFIG')),
      );
    }
    await expect(start({ routes: [echoRoute('GET', '/healthz')] })).rejects.toSatisfy((error) =>
      isKvsyncError(error, 'ERR_INVALID_CONFIG'),
    );
  });

  it('turns a failing handler into a logged 500 and keeps serving', async () => {
    const { server, logLines } = await start({
      routes: [
        {
          method: 'GET',
          path: '/fail',
          handle: async () => {
            throw new Error('handler broke');
          },
        },
      ],
    });
    const response = await fetch(`${server.url}/fail`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'internal error' });
    const logged = logLines
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'http handler failed');
    expect(logged).toMatchObject({ level: 'error', method: 'GET', path: '/fail', error: { name: 'Error' } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('request bodies', () => {
  const MiB = 1024 * 1024;

  it('accepts a body of exactly 1 MiB', async () => {
    const { server } = await start({ routes: [echoRoute('POST', '/in')] });
    const response = await fetch(`${server.url}/in`, { method: 'POST', body: Buffer.alloc(MiB, 'a') });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { bytes: number }).bytes).toBe(MiB);
  });

  it('refuses a declared body over 1 MiB with 413 without calling the route', async () => {
    let called = false;
    const route: Route = { method: 'POST', path: '/in', handle: () => void (called = true) };
    const { server } = await start({ routes: [route] });
    const status = await postRaw(server.port, '/in', { 'content-length': String(MiB + 1) }, Buffer.alloc(0));
    expect(status).toBe(413);
    expect(called).toBe(false);
  });

  it('refuses a chunked body that grows past the cap', async () => {
    let called = false;
    const route: Route = { method: 'POST', path: '/in', handle: () => void (called = true) };
    const { server } = await start({ routes: [route], maxBodyBytes: 1_000 });
    const status = await postRaw(
      server.port,
      '/in',
      { 'transfer-encoding': 'chunked' },
      Buffer.alloc(5_000, 'b'),
    );
    expect(status).toBe(413);
    expect(called).toBe(false);
  });
});

/** A POST through node:http, resolving with the status (the server may close early). */
function postRaw(port: number, path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.write(body);
    if (headers['content-length'] === undefined) req.end();
  });
}

describe('addresses', () => {
  it('listens on every interface for :0 and reports a loopback URL', async () => {
    const { server } = await start({ address: ':0' });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('rejects with ERR_INVALID_CONFIG when the port is taken', async () => {
    const { server } = await start();
    await expect(start({ address: `127.0.0.1:${server.port}` })).rejects.toSatisfy((error) =>
      isKvsyncError(error, 'ERR_INVALID_CONFIG'),
    );
  });

  it('rejects a malformed address', async () => {
    await expect(start({ address: 'localhost' })).rejects.toSatisfy((error) =>
      isKvsyncError(error, 'ERR_INVALID_CONFIG'),
    );
  });
});

describe('close', () => {
  it('closes idle keep-alive sockets at once', async () => {
    const { server } = await start({ closeGraceMs: 600_000 });
    const agent = new Agent({ keepAlive: true });
    const socketClosed = new Promise<void>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/healthz', agent }, (res) =>
        res.resume(),
      );
      req.on('socket', (socket) => socket.once('close', () => resolve()));
      req.end();
    });
    await waitForIdle(agent);
    await server.close();
    await socketClosed;
    agent.destroy();
  });

  it('lets an in-flight request finish, then resolves; a second close is the same', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const slow: Route = {
      method: 'GET',
      path: '/slow',
      handle: async (_request, response) => {
        entered();
        await gate;
        response.end('done');
      },
    };
    const { server } = await start({ routes: [slow], closeGraceMs: 600_000 });
    const pending = fetch(`${server.url}/slow`);
    await inside;
    const closed = server.close();
    expect(server.close()).toBe(closed);
    release();
    const response = await pending;
    expect(await response.text()).toBe('done');
    await closed;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('cuts a request that outlives the grace period', async () => {
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const stuck: Route = { method: 'GET', path: '/stuck', handle: () => entered() };
    const { server } = await start({ routes: [stuck], closeGraceMs: 20 });
    const pending = fetch(`${server.url}/stuck`);
    await inside;
    await server.close();
    await expect(pending).rejects.toThrow();
  });
});

/** Resolves once the agent holds a free (idle) socket for the server. */
async function waitForIdle(agent: Agent): Promise<void> {
  while (Object.keys(agent.freeSockets).length === 0) await new Promise((resolve) => setImmediate(resolve));
}
