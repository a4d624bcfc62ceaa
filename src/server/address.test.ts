import { describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { parseHostPort } from './address.ts';

describe('parseHostPort', () => {
  it.each([
    [':8080', { host: undefined, port: 8080 }],
    ['127.0.0.1:0', { host: '127.0.0.1', port: 0 }],
    ['localhost:8081', { host: 'localhost', port: 8081 }],
    ['[::1]:9443', { host: '::1', port: 9443 }],
    ['[::]:80', { host: '::', port: 80 }],
    ['kvsync.kvsync-system.svc:65535', { host: 'kvsync.kvsync-system.svc', port: 65535 }],
  ])('%s', (text, expected) => {
    expect(parseHostPort(text)).toEqual(expected);
  });

  it.each(['', '8080', 'localhost', ':', ':65536', '::1:80', 'a b:80', 'host:port', 'http://h:80'])(
    '%j is invalid',
    (text) => {
      expect(() => parseHostPort(text)).toThrow(
        expect.toSatisfy((error) => isKvsyncError(error, 'ERR_INVALID_CONFIG')),
      );
    },
  );
});
