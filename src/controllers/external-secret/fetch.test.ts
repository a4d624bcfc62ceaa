import { beforeEach, describe, expect, it } from 'vitest';
import { isKvsyncError, type KvsyncErrorCode } from '../../errors.ts';
import { ProviderError } from '../../providers/errors.ts';
import { FakeProvider } from '../test-support.ts';
import { fetchProviderData, type FetchRequest } from './fetch.ts';

/* ESO's `GetProviderSecretData` (reference eso.md §2.3) against a provider kept in memory. */

const text = (data: Map<string, Buffer>) =>
  Object.fromEntries([...data].map(([key, value]) => [key, value.toString('utf8')]));

function request(partial: Partial<FetchRequest>): FetchRequest {
  return { data: [], dataFrom: [], deletionPolicy: 'Retain', ...partial };
}

async function rejection(promise: Promise<unknown>): Promise<{ code: KvsyncErrorCode; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isKvsyncError(error)) return error;
    throw error;
  }
  throw new Error('expected the fetch to reject');
}

describe('fetchProviderData', () => {
  let provider: FakeProvider;
  beforeEach(() => {
    provider = new FakeProvider();
    provider.set('app-config', JSON.stringify({ user: 'app', host: 'db.internal', port: 5432 }));
    provider.set('extra-config', JSON.stringify({ host: 'replica.internal', region: 'westeurope' }));
    provider.set('pg-password', 'hunter2');
  });

  it('reads every dataFrom entry in order, then every data entry; later keys overwrite earlier ones', async () => {
    const result = await fetchProviderData(
      provider,
      request({
        dataFrom: [{ extract: { key: 'app-config' } }, { extract: { key: 'extra-config' } }],
        data: [
          { secretKey: 'host', remoteRef: { key: 'pg-password' } },
          { secretKey: 'password', remoteRef: { key: 'pg-password' } },
        ],
      }),
    );
    expect(text(result.data)).toEqual({
      user: 'app',
      host: 'hunter2', // data[] wins over dataFrom
      port: '5432',
      region: 'westeurope',
      password: 'hunter2',
    });
    expect(result.missing).toEqual([]);
  });

  it('lets the second dataFrom entry overwrite the first', async () => {
    const result = await fetchProviderData(
      provider,
      request({ dataFrom: [{ extract: { key: 'app-config' } }, { extract: { key: 'extra-config' } }] }),
    );
    expect(text(result.data)['host']).toBe('replica.internal');
  });

  it('does not de-duplicate: two entries for one remote key read it twice (as ESO)', async () => {
    await fetchProviderData(
      provider,
      request({
        data: [
          { secretKey: 'a', remoteRef: { key: 'app-config', property: 'user' } },
          { secretKey: 'b', remoteRef: { key: 'app-config', property: 'host' } },
        ],
      }),
    );
    expect(provider.calls).toEqual(['getSecret app-config', 'getSecret app-config']);
  });

  it('records each source with its version and update time, the Secret key for data entries', async () => {
    provider.set('pg-password', 'rotated', {
      version: 'abc123',
      updatedOn: new Date('2026-02-03T04:05:06Z'),
    });
    const result = await fetchProviderData(
      provider,
      request({
        dataFrom: [{ extract: { key: 'app-config' } }],
        data: [{ secretKey: 'password', remoteRef: { key: 'pg-password' } }],
      }),
    );
    expect(result.sources).toEqual([
      { key: 'app-config', version: 'v1', updatedOn: new Date(Date.UTC(2026, 0, 1, 0, 0, 1)) },
      {
        key: 'pg-password',
        secretKey: 'password',
        version: 'abc123',
        updatedOn: new Date('2026-02-03T04:05:06Z'),
      },
    ]);
  });

  describe('a remote key that does not exist', () => {
    const wanted = {
      dataFrom: [{ extract: { key: 'gone-config' } }],
      data: [
        { secretKey: 'password', remoteRef: { key: 'pg-password' } },
        { secretKey: 'token', remoteRef: { key: 'gone-token' } },
      ],
    };

    it.each(['Delete', 'Merge'] as const)(
      'is skipped and listed as missing with deletionPolicy %s',
      async (policy) => {
        const result = await fetchProviderData(provider, request({ ...wanted, deletionPolicy: policy }));
        expect(text(result.data)).toEqual({ password: 'hunter2' });
        expect(result.missing.sort()).toEqual(['gone-config', 'gone-token']);
        expect(result.sources.map((source) => source.key)).toEqual(['pg-password']);
      },
    );

    it('rejects the whole fetch with deletionPolicy Retain', async () => {
      const error = await rejection(
        fetchProviderData(provider, request({ ...wanted, deletionPolicy: 'Retain' })),
      );
      expect(error.code).toBe('ERR_PROVIDER_NOT_FOUND');
    });
  });

  it.each<KvsyncErrorCode>(['ERR_PROVIDER_FORBIDDEN', 'ERR_PROVIDER_THROTTLED', 'ERR_PROVIDER_UNAVAILABLE'])(
    'rejects the whole fetch on %s, whatever the deletion policy',
    async (code) => {
      provider.fail(
        'pg-password',
        new ProviderError(code as 'ERR_PROVIDER_FORBIDDEN', `get secret 'pg-password'`),
      );
      const error = await rejection(
        fetchProviderData(
          provider,
          request({
            deletionPolicy: 'Delete',
            dataFrom: [{ extract: { key: 'app-config' } }],
            data: [{ secretKey: 'password', remoteRef: { key: 'pg-password' } }],
          }),
        ),
      );
      expect(error.code).toBe(code);
    },
  );

  it.each([
    ['find', { find: { name: { regexp: '^db-' } } }],
    ['rewrite', { extract: { key: 'app-config' }, rewrite: [{ regexp: { source: 'a', target: 'b' } }] }],
    ['sourceRef', { sourceRef: { generatorRef: { kind: 'Password', name: 'pw' } } }],
    ['sourceRef.storeRef', { extract: { key: 'app-config' }, sourceRef: { storeRef: { name: 'other' } } }],
  ])('rejects dataFrom[].%s with ERR_UNSUPPORTED before reading anything', async (_name, entry) => {
    const error = await rejection(fetchProviderData(provider, request({ dataFrom: [entry] })));
    expect(error.code).toBe('ERR_UNSUPPORTED');
    expect(provider.calls).toEqual([]);
  });

  it('rejects data[].sourceRef (a per-entry store) with ERR_UNSUPPORTED rather than reading the wrong store', async () => {
    const error = await rejection(
      fetchProviderData(
        provider,
        request({
          data: [
            {
              secretKey: 'password',
              remoteRef: { key: 'pg-password' },
              sourceRef: { storeRef: { name: 'other-vault', kind: 'SecretStore' } },
            },
          ],
        }),
      ),
    );
    expect(error.code).toBe('ERR_UNSUPPORTED');
    expect(provider.calls).toEqual([]);
  });

  it('decodes each entry by its own strategy', async () => {
    provider.set('b64', Buffer.from('plain one').toString('base64'));
    provider.set('b64-config', JSON.stringify({ a: Buffer.from('alpha').toString('base64'), b: 'YmV0YQ==' }));
    const result = await fetchProviderData(
      provider,
      request({
        dataFrom: [{ extract: { key: 'b64-config', decodingStrategy: 'Base64' } }],
        data: [
          { secretKey: 'decoded', remoteRef: { key: 'b64', decodingStrategy: 'Base64' } },
          { secretKey: 'raw', remoteRef: { key: 'b64' } },
        ],
      }),
    );
    expect(text(result.data)).toEqual({
      a: 'alpha',
      b: 'beta',
      decoded: 'plain one',
      raw: Buffer.from('plain one').toString('base64'),
    });
  });

  it('rejects with ERR_DECODING naming the remote and Secret key, not the value', async () => {
    provider.set('pg-password', 'not*base64');
    const error = await rejection(
      fetchProviderData(
        provider,
        request({
          data: [{ secretKey: 'password', remoteRef: { key: 'pg-password', decodingStrategy: 'Base64' } }],
        }),
      ),
    );
    expect(error.code).toBe('ERR_DECODING');
    expect(error.message).toContain('pg-password');
    expect(error.message).not.toContain('not*base64');
  });

  it('converts the keys of a dataFrom map by its conversion strategy', async () => {
    provider.set('odd-keys', JSON.stringify({ 'db/user': 'app', 'db password': 'x' }));
    const byDefault = await fetchProviderData(
      provider,
      request({ dataFrom: [{ extract: { key: 'odd-keys' } }] }),
    );
    expect([...byDefault.data.keys()].sort()).toEqual(['db_password', 'db_user']);
    const byUnicode = await fetchProviderData(
      provider,
      request({ dataFrom: [{ extract: { key: 'odd-keys', conversionStrategy: 'Unicode' } }] }),
    );
    expect([...byUnicode.data.keys()].sort().map((key) => key.toLowerCase())).toEqual([
      'db_u0020_password',
      'db_u002f_user',
    ]);
  });
});
