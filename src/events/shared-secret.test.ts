import { describe, expect, it } from 'vitest';
import { checkSharedSecret, presentedSecrets } from './shared-secret.ts';

const URL_BASE = 'http://kvsync.invalid/webhooks/eventgrid';

describe('presentedSecrets', () => {
  it('collects ?code= values and x-kvsync-secret headers, skipping empty ones', () => {
    const url = new URL(`${URL_BASE}?code=from-query&code=&other=x`);
    expect(presentedSecrets(url, { 'x-kvsync-secret': 'from-header' })).toEqual([
      'from-query',
      'from-header',
    ]);
    expect(presentedSecrets(new URL(URL_BASE), { 'x-kvsync-secret': ['a', 'b'] })).toEqual(['a', 'b']);
    expect(presentedSecrets(new URL(URL_BASE), {})).toEqual([]);
  });
});

describe('checkSharedSecret', () => {
  it.each<[string, string | readonly string[] | undefined, string[], string]>([
    ['the current secret', 's3cret', ['s3cret'], 'ok'],
    ['either secret during a rotation', ['old', 'new'], ['new'], 'ok'],
    ['a match among several presented values', 's3cret', ['nope', 's3cret'], 'ok'],
    ['a wrong secret', 's3cret', ['s3cret-but-longer'], 'wrong'],
    ['a prefix of the secret', 's3cret', ['s3c'], 'wrong'],
    ['a different case', 's3cret', ['S3CRET'], 'wrong'],
    ['nothing presented', 's3cret', [], 'missing'],
    ['a source that has no secret yet', undefined, ['s3cret'], 'not-loaded'],
    ['a source that has only an empty secret', '', [''], 'not-loaded'],
    ['a source with an empty list', [], ['x'], 'not-loaded'],
  ])('%s → %s', (_name, accepted, presented, expected) => {
    expect(checkSharedSecret(() => accepted, presented)).toBe(expected);
  });

  it('reads the source on every check (a rotated Secret applies at once)', () => {
    let current = 'first';
    const source = () => current;
    expect(checkSharedSecret(source, ['first'])).toBe('ok');
    current = 'second';
    expect(checkSharedSecret(source, ['first'])).toBe('wrong');
  });
});
