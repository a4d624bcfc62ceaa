import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { operatorAtUrl, operatorThroughProxy, sandboxOperatorUrl } from './operator-client.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for the API server's Service proxy: answers by path, records what it saw. */
async function fakeApiServer(answer: (url: string) => { status: number; body: unknown }) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method!, url: request.url!, headers: request.headers });
    const { status, body } = answer(request.url!);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    // Plain HTTP stands in for the API server here; client-node allows it only without TLS verification.
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'user-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { url, seen, kubeConfig };
}

const PROXY = '/api/v1/namespaces/kvsync-system/services/kvsync:http/proxy';

describe('operatorThroughProxy', () => {
  it("asks the API server's Service proxy with the kubeconfig's credentials", async () => {
    const api = await fakeApiServer(() => ({ status: 200, body: { leader: true } }));
    const client = operatorThroughProxy(api.kubeConfig, {
      namespace: 'kvsync-system',
      name: 'kvsync',
      port: 'http',
    });
    expect(client.where).toBe('Service kvsync-system/kvsync:http');
    expect(await client.get('/info')).toEqual({ ok: true, body: { leader: true } });
    expect(api.seen[0]).toMatchObject({ method: 'GET', url: `${PROXY}/api/v1/info` });
    expect(api.seen[0]!.headers.authorization).toBe('Bearer user-token');
    await client.post('/externalsecrets/a/b/sync', 'action-token');
    expect(api.seen[1]).toMatchObject({ method: 'POST', url: `${PROXY}/api/v1/externalsecrets/a/b/sync` });
    expect(api.seen[1]!.headers['x-kvsync-token']).toBe('action-token');
  });

  it("tells the API server's own refusal (no Service, no endpoints) from the operator's answer", async () => {
    const api = await fakeApiServer((url) =>
      url.endsWith('/info')
        ? {
            status: 404,
            body: { kind: 'Status', code: 404, reason: 'NotFound', message: 'services "kvsync" not found' },
          }
        : { status: 404, body: { error: 'NotFound', message: 'ExternalSecret a/b not found' } },
    );
    const client = operatorThroughProxy(api.kubeConfig, {
      namespace: 'kvsync-system',
      name: 'kvsync',
      port: 'http',
    });
    expect(await client.get('/info')).toEqual({
      ok: false,
      status: 0,
      error: 'Unreachable',
      message: 'Service kvsync-system/kvsync:http: 404 services "kvsync" not found',
    });
    expect(await client.get('/externalsecrets/a/b')).toEqual({
      ok: false,
      status: 404,
      error: 'NotFound',
      message: 'ExternalSecret a/b not found',
    });
  });
});

describe('operatorAtUrl', () => {
  it('takes a metrics URL as the base, and reports an operator that does not answer', async () => {
    const api = await fakeApiServer(() => ({ status: 200, body: { items: [] } }));
    const client = operatorAtUrl(`${api.url}/metrics`);
    expect(client.where).toBe(api.url);
    expect(await client.get('/stores')).toEqual({ ok: true, body: { items: [] } });
    expect(api.seen[0]!.url).toBe('/api/v1/stores');
    const down = await operatorAtUrl('http://127.0.0.1:1').get('/info');
    expect(down).toMatchObject({ ok: false, status: 0, error: 'Unreachable' });
  });
});

describe('sandboxOperatorUrl', () => {
  it('uses .kvsync/sandbox.json only when it names the kubeconfig in use', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'kvsync-cwd-'));
    dirs.push(cwd);
    expect(sandboxOperatorUrl(cwd, '.kvsync/kubeconfig')).toBeUndefined();
    mkdirSync(join(cwd, '.kvsync'));
    writeFileSync(
      join(cwd, '.kvsync/sandbox.json'),
      JSON.stringify({
        kubeconfig: join(cwd, '.kvsync/kubeconfig'),
        metricsUrl: 'http://127.0.0.1:9/metrics',
      }),
    );
    expect(sandboxOperatorUrl(cwd, '.kvsync/kubeconfig')).toBe('http://127.0.0.1:9/metrics');
    expect(sandboxOperatorUrl(cwd, '/elsewhere/kubeconfig')).toBeUndefined();
    expect(sandboxOperatorUrl(cwd, undefined)).toBeUndefined();
  });
});
