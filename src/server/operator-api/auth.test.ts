import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../runtime/index.ts';
import { checkToken, presentedToken, tokenFromFile } from './auth.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('checkToken', () => {
  const source = () => 's3cret-token';

  it('accepts exactly the configured token', () => {
    expect(checkToken(source, 's3cret-token')).toBe('ok');
    expect(checkToken(source, 's3cret-tokem')).toBe('wrong');
    expect(checkToken(source, 's3cret')).toBe('wrong');
    expect(checkToken(source, undefined)).toBe('missing');
  });

  it('refuses everything when no token is configured (read-only)', () => {
    expect(checkToken(undefined, 'anything')).toBe('not-configured');
    expect(checkToken(() => undefined, 'anything')).toBe('not-configured');
  });
});

describe('presentedToken', () => {
  it('reads the kvsync header first, then a bearer token', () => {
    expect(presentedToken({ 'x-kvsync-token': 'a', authorization: 'Bearer b' })).toBe('a');
    expect(presentedToken({ authorization: 'Bearer b' })).toBe('b');
    expect(presentedToken({ authorization: 'Basic b' })).toBeUndefined();
    expect(presentedToken({})).toBeUndefined();
  });
});

describe('tokenFromFile', () => {
  it('reads the file trimmed, re-reads it after the period, and treats a missing file as no token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvsync-token-'));
    dirs.push(dir);
    const file = join(dir, 'token');
    writeFileSync(file, 'first\n');
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const token = tokenFromFile(file, { clock, rereadAfterMs: 1000, onError: (error) => errors.push(error) });
    expect(token()).toBe('first');
    writeFileSync(file, 'second');
    expect(token()).toBe('first');
    await clock.advance(1000);
    expect(token()).toBe('second');
    rmSync(file);
    await clock.advance(1000);
    expect(token()).toBeUndefined();
    expect(errors).toHaveLength(1);
    writeFileSync(file, '  \n');
    await clock.advance(1000);
    expect(token()).toBeUndefined();
  });
});
