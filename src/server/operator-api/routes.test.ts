import { afterEach, describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../../api/index.ts';
import { leakForms } from '../../controllers/test-support.ts';
import {
  manyExternalSecrets,
  readEvents,
  startFakeOperatorApi,
  storeIn,
  type FakeOperatorApi,
} from './test-support.ts';
import type { EsDetail, EsSummary, StreamDelta, StreamSnapshot } from './wire.ts';

const TOKEN = 'test-token-123';
let env: FakeOperatorApi | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

async function start(options: Parameters<typeof startFakeOperatorApi>[1] = {}) {
  const objects = [...manyExternalSecrets(3, 1), storeIn('ns-0')];
  env = await startFakeOperatorApi(objects, { token: () => TOKEN, ...options });
  return env;
}

const json = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as never,
});

describe('operator API routes', () => {
  it('answers info, the list (filtered by namespace), a detail and 404s', async () => {
    const { url } = await start();
    expect((await json(await fetch(`${url}/api/v1/info`))).body).toMatchObject({
      leader: true,
      ready: true,
      actions: true,
      reloader: false,
    });
    const list = (await (await fetch(`${url}/api/v1/externalsecrets`)).json()) as { items: EsSummary[] };
    expect(list.items.map((item) => [item.key, item.state])).toEqual([
      ['ns-0/es-00000', 'failed'],
      ['ns-0/es-00001', 'synced'],
      ['ns-0/es-00002', 'synced'],
    ]);
    const none = (await (await fetch(`${url}/api/v1/externalsecrets?namespace=other`)).json()) as {
      items: unknown[];
    };
    expect(none.items).toEqual([]);
    const detail = (await (await fetch(`${url}/api/v1/externalsecrets/ns-0/es-00001`)).json()) as EsDetail;
    expect(detail).toMatchObject({
      key: 'ns-0/es-00001',
      vault: 'our-vault.vault.azure.net',
      storeView: { kind: 'SecretStore', name: 'vault', ready: true, externalSecrets: 3 },
      vaultView: { host: 'our-vault.vault.azure.net', externalSecrets: 3, polling: { mode: 'read' } },
      timeline: [],
    });
    expect((await fetch(`${url}/api/v1/externalsecrets/ns-0/nope`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/externalsecrets/ns-0/es-00001/other`)).status).toBe(404);
    const stores = (await (await fetch(`${url}/api/v1/stores`)).json()) as { items: unknown[] };
    expect(stores.items).toHaveLength(1);
  });

  it('refuses actions without the token (401), with a wrong one (403), and performs them with it', async () => {
    const { url, kube } = await start();
    const path = `${url}/api/v1/externalsecrets/ns-0/es-00001/sync`;
    expect((await fetch(path, { method: 'POST' })).status).toBe(401);
    expect((await fetch(path, { method: 'POST', headers: { 'x-kvsync-token': 'nope' } })).status).toBe(403);
    expect(kube.writes()).toEqual([]);
    const done = await fetch(path, { method: 'POST', headers: { 'x-kvsync-token': TOKEN } });
    expect(done.status).toBe(200);
    const written = kube.object<ExternalSecret>('ExternalSecret', 'ns-0', 'es-00001');
    expect(written?.metadata.annotations?.['force-sync']).toBe(
      ((await done.json()) as { requested: string }).requested,
    );
    expect(kube.writes('ExternalSecret')[0]).toMatchObject({ fieldManager: 'kvsync-dashboard' });
    const bearer = await fetch(`${url}/api/v1/auth`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(204);
  });

  it('is read-only when no token is configured, and says restart-stale is not available without a reloader', async () => {
    const { url } = await start({ token: undefined });
    expect((await json(await fetch(`${url}/api/v1/info`))).body).toMatchObject({ actions: false });
    const refused = await json(
      await fetch(`${url}/api/v1/externalsecrets/ns-0/es-00001/sync`, { method: 'POST' }),
    );
    expect(refused).toMatchObject({ status: 403, body: { error: 'ActionsDisabled' } });
    await env!.close();
    env = undefined;
    const { url: url2 } = await start();
    const restart = await fetch(`${url2}/api/v1/externalsecrets/ns-0/es-00001/restart-stale`, {
      method: 'POST',
      headers: { 'x-kvsync-token': TOKEN },
    });
    expect(await json(restart)).toMatchObject({ status: 501, body: { error: 'NotAvailable' } });
  });

  it('restarts stale pods through the reloader when there is one', async () => {
    const calls: string[] = [];
    const { url } = await start({
      reloader: {
        forSecret: () => ({ stalePods: [{ namespace: 'ns-0', name: 'web-1' }], pendingRestarts: [] }),
        restartStale: async (namespace, secret) => {
          calls.push(`${namespace}/${secret}`);
          return { restarted: ['Deployment/web'], deferred: [] };
        },
      },
    });
    const summary = (await (await fetch(`${url}/api/v1/externalsecrets`)).json()) as { items: EsSummary[] };
    expect(summary.items[1]).toMatchObject({ stalePods: 1, pendingRestarts: 0 });
    const restart = await fetch(`${url}/api/v1/externalsecrets/ns-0/es-00001/restart-stale`, {
      method: 'POST',
      headers: { 'x-kvsync-token': TOKEN },
    });
    expect(await json(restart)).toEqual({
      status: 200,
      body: { restarted: ['Deployment/web'], deferred: [] },
    });
    expect(calls).toEqual(['ns-0/secret-1']);
  });

  it('probes through the provider, without values in the answer', async () => {
    const { url, provider, kube } = await start();
    provider.set('secret-1', 'the-value', { version: 'v1aaaaaaaa' });
    kube.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'secret-1', namespace: 'ns-0' },
      data: { value: Buffer.from('the-value').toString('base64') },
    });
    const response = await fetch(`${url}/api/v1/externalsecrets/ns-0/es-00001/probe`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      store: { ok: true },
      diff: [{ secretKey: 'value', state: 'same' }],
    });
    for (const form of leakForms('the-value')) expect(text).not.toContain(form);
  });

  it('streams a snapshot, then deltas for a status change with its timeline entry, and a removal', async () => {
    const { url, kube } = await start();
    const events = await readEvents(`${url}/api/v1/stream`);
    try {
      const snapshot = await events.next<StreamSnapshot>('snapshot');
      expect(snapshot.items).toHaveLength(3);
      expect(snapshot.stores).toHaveLength(1);
      expect(snapshot.info.leader).toBe(true);
      await kube.patchStatus(
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: 'ns-0', name: 'es-00001' },
        {
          status: {
            refreshTime: '2026-01-01T00:30:00Z',
            conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced', message: 'secret synced' }],
            syncedVersions: [{ key: 'secret-1', secretKey: 'value', version: 'v2bbbbbbbb' }],
          },
        },
      );
      const delta = await events.next<StreamDelta>('delta');
      expect(delta.seq).toBeGreaterThan(snapshot.seq);
      expect(delta.upsert.map((item) => [item.key, item.versions])).toEqual([
        ['ns-0/es-00001', ['secret-1@v2bbbbbb']],
      ]);
      expect(delta.timeline).toEqual([
        {
          key: 'ns-0/es-00001',
          entry: expect.objectContaining({
            kind: 'updated',
            message: expect.stringContaining('secret-1@v2bbbbbb'),
          }),
        },
      ]);
      await kube.delete({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        namespace: 'ns-0',
        name: 'es-00002',
      });
      expect((await events.next<StreamDelta>('delta')).remove).toEqual(['ns-0/es-00002']);
    } finally {
      events.close();
    }
  });

  it('serves the dashboard with a strict content security policy, and only its own files', async () => {
    const { url } = await start();
    const page = await fetch(`${url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${url}/dashboard/../package.json`)).status).toBe(404);
    expect((await fetch(`${url}/dashboard/%2e%2e/package.json`)).status).toBe(404);
    const redirect = await fetch(`${url}/dashboard`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('dashboard/');
  });
});
