import { describe, expect, it } from 'vitest';
import { KvsyncError } from '../errors.ts';
import { REDACTED, isValueCarrierKey, redact } from './redact.ts';

describe('isValueCarrierKey', () => {
  it.each([
    'value',
    'Value',
    'data',
    'stringData',
    'binaryData',
    'password',
    'PASSWORD',
    'secret',
    'token',
    'clientSecret',
    'client_secret',
    'authorization',
    'Authorization',
    'accessToken',
    'secretValue',
    'db_password',
    'x-api-token',
    'apiKey',
    'privateKey',
    'credentials',
    'set-cookie',
  ])('%s carries values', (key) => {
    expect(isValueCarrierKey(key)).toBe(true);
  });

  it.each([
    'name',
    'namespace',
    'secretName',
    'secretKey',
    'metadata',
    'tokenFile',
    'dataHash',
    'key',
    'vault',
    'version',
  ])('%s does not', (key) => {
    expect(isValueCarrierKey(key)).toBe(false);
  });
});

describe('redact', () => {
  it('replaces carriers at any depth and keeps the rest', () => {
    const input = {
      name: 'db',
      spec: { target: { name: 't' }, data: [{ secretKey: 'k' }] },
      list: [{ password: 'p', keep: 1 }, new Map([['token', 't']])],
    };
    expect(redact(input)).toEqual({
      name: 'db',
      spec: { target: { name: 't' }, data: REDACTED },
      list: [{ password: REDACTED, keep: 1 }, { token: REDACTED }],
    });
  });

  it('describes bytes by their length', () => {
    expect(
      redact({ a: Buffer.from('abc'), b: new Uint8Array(7), c: new ArrayBuffer(2), d: [new Uint16Array(2)] }),
    ).toEqual({
      a: '[bytes:3]',
      b: '[bytes:7]',
      c: '[bytes:2]',
      d: ['[bytes:4]'],
    });
  });

  it('logs errors as name, code and message, keeping only KvsyncError causes in full', () => {
    const foreign = Object.assign(new Error('foreign detail'), { code: 'ECONNRESET' });
    const inner = new KvsyncError('ERR_PROVIDER_UNAVAILABLE', 'get secret s: connection reset', {
      cause: foreign,
    });
    const outer = new KvsyncError('ERR_KUBE_API', 'update secret default/db', { cause: inner });
    expect(redact({ error: outer, plain: new TypeError('bad') })).toEqual({
      error: {
        name: 'KvsyncError',
        code: 'ERR_KUBE_API',
        message: 'update secret default/db',
        cause: {
          name: 'KvsyncError',
          code: 'ERR_PROVIDER_UNAVAILABLE',
          message: 'get secret s: connection reset',
          cause: { name: 'Error', code: 'ECONNRESET' },
        },
      },
      plain: { name: 'TypeError', message: 'bad' },
    });
  });

  it('handles cycles, dates, URLs, big integers and odd numbers', () => {
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    expect(
      redact({
        cyclic,
        at: new Date(0),
        url: new URL('https://h.example/webhooks/eventgrid?code=abc'),
        plainUrl: new URL('https://h.example/x'),
        big: 10n,
        nan: NaN,
        fn: () => 1,
      }),
    ).toEqual({
      cyclic: { name: 'c', self: '[circular]' },
      at: '1970-01-01T00:00:00.000Z',
      url: `https://h.example/webhooks/eventgrid?${REDACTED}`,
      plainUrl: 'https://h.example/x',
      big: '10',
      nan: 'NaN',
      fn: '[function]',
    });
  });

  it('truncates very deep structures and leaves shared (non-cyclic) objects intact', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i += 1) deep = { next: deep };
    expect(JSON.stringify(redact(deep))).toContain('[truncated]');
    const shared = { n: 1 };
    expect(redact({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });

  it('does not mutate its input', () => {
    const input = { password: 'p', nested: { token: 't' } };
    redact(input);
    expect(input).toEqual({ password: 'p', nested: { token: 't' } });
  });
});
