import { afterEach, describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { FakeClock } from '../runtime/clock.ts';
import { createJwksKeySource, entraJwksUrl } from './jwks.ts';
import { createTestSigner, startJwksServer, type JwksServer } from './test-support.ts';

const first = createTestSigner('first');
const second = createTestSigner('second');
const servers: JwksServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(document: unknown): Promise<JwksServer> {
  const server = await startJwksServer(document);
  servers.push(server);
  return server;
}

describe('createJwksKeySource', () => {
  it('fetches the keys once and serves them from memory', async () => {
    const server = await start(first.jwks);
    const keys = createJwksKeySource({ url: server.url, clock: new FakeClock() });
    const [a, b] = await Promise.all([keys('first'), keys('first')]);
    expect(a?.equals(first.publicKey)).toBe(true);
    expect(b?.equals(first.publicKey)).toBe(true);
    expect(await keys('first')).toBe(a);
    expect(server.requests()).toBe(1);
  });

  it('fetches again for an unknown key id, at most once per interval', async () => {
    const server = await start(first.jwks);
    const clock = new FakeClock();
    const keys = createJwksKeySource({ url: server.url, clock, minRefreshIntervalMs: 60_000 });
    expect(await keys('first')).toBeDefined();
    server.serve({ document: { keys: [...first.jwks.keys, ...second.jwks.keys] } });
    expect(await keys('second')).toBeUndefined();
    expect(server.requests()).toBe(1);
    await clock.advance(60_000);
    expect((await keys('second'))?.equals(second.publicKey)).toBe(true);
    expect(await keys('forged')).toBeUndefined();
    expect(server.requests()).toBe(2);
  });

  it('rejects with ERR_WEBHOOK_AUTH when no keys can be had, and keeps old keys through an outage', async () => {
    const server = await start(first.jwks);
    server.serve({ status: 500 });
    const clock = new FakeClock();
    const keys = createJwksKeySource({ url: server.url, clock, maxAgeMs: 1000, minRefreshIntervalMs: 0 });
    const error = await keys('first').catch((caught: unknown) => caught);
    expect(isKvsyncError(error, 'ERR_WEBHOOK_AUTH')).toBe(true);
    server.serve({ document: first.jwks });
    expect(await keys('first')).toBeDefined();
    await clock.advance(1000);
    server.serve({ status: 503 });
    expect((await keys('first'))?.equals(first.publicKey)).toBe(true);
  });

  it('drops a key that the refreshed document no longer lists', async () => {
    const server = await start(first.jwks);
    const clock = new FakeClock();
    const keys = createJwksKeySource({ url: server.url, clock, maxAgeMs: 1000 });
    expect(await keys('first')).toBeDefined();
    server.serve({ document: second.jwks });
    await clock.advance(1000);
    expect(await keys('first')).toBeUndefined();
  });

  it('skips keys it cannot use and refuses a document without keys', async () => {
    const server = await start({
      keys: [
        { kty: 'EC', kid: 'ec' },
        { ...first.jwks.keys[0], use: 'enc' },
        { kty: 'RSA', kid: 'broken', n: 'x' },
      ],
    });
    const keys = createJwksKeySource({ url: server.url, clock: new FakeClock(), minRefreshIntervalMs: 0 });
    expect(await keys('ec')).toBeUndefined();
    expect(await keys('first')).toBeUndefined();
    expect(await keys('broken')).toBeUndefined();
    server.serve({ document: { nothing: true } });
    await expect(keys('first')).rejects.toMatchObject({ code: 'ERR_WEBHOOK_AUTH' });
  });

  it('names the Entra JWKS URL of a tenant', () => {
    expect(entraJwksUrl('t-1')).toBe('https://login.microsoftonline.com/t-1/discovery/v2.0/keys');
    expect(entraJwksUrl('t-1', 'https://login.microsoftonline.us/')).toBe(
      'https://login.microsoftonline.us/t-1/discovery/v2.0/keys',
    );
  });
});
