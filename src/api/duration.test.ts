import { describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { formatGoDuration, parseGoDuration, parseStoreRefreshInterval } from './duration.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

function expectInvalid(action: () => unknown): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(isKvsyncError(caught, 'ERR_INVALID_DURATION')).toBe(true);
}

describe('parseGoDuration', () => {
  it.each([
    ['1h0m0s', HOUR],
    ['1h', HOUR],
    ['5m', 5 * MINUTE],
    ['90s', 90 * SECOND],
    ['1.5h', 1.5 * HOUR],
    ['2h30m', 2.5 * HOUR],
    ['300ms', 300],
    ['0', 0],
    ['0s', 0],
    ['+5s', 5 * SECOND],
    ['-1m', -MINUTE],
    ['.5s', 500],
    ['1.s', SECOND],
    ['1s1m', MINUTE + SECOND],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['10μs', 0.01],
    ['1ns', 0.000001],
    ['1.0000000001s', SECOND],
    ['2562047h47m16.854775807s', 9223372036854.775],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 9);
  });

  it.each(['', '1', '10', 'h', '.s', '1hour', '1 h', '1h ', 's1', '1d', '--1s', '1.2.3s', '2562048h'])(
    'rejects %j',
    (text) => expectInvalid(() => parseGoDuration(text)),
  );
});

describe('formatGoDuration', () => {
  it.each([
    [HOUR, '1h0m0s'],
    [5 * MINUTE, '5m0s'],
    [90 * SECOND, '1m30s'],
    [1.5 * HOUR, '1h30m0s'],
    [1500, '1.5s'],
    [SECOND, '1s'],
    [300, '300ms'],
    [1.5, '1.5ms'],
    [0.0015, '1.5µs'],
    [0.0001, '100ns'],
    [0, '0s'],
    [-MINUTE, '-1m0s'],
    [26 * HOUR + 1, '26h0m0.001s'],
  ])('%d ms prints %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
  });

  it('round-trips what Go prints', () => {
    for (const text of ['1h0m0s', '2h30m0s', '1m30s', '45s', '1.5s', '300ms', '0s']) {
      expect(formatGoDuration(parseGoDuration(text))).toBe(text);
    }
  });
});

describe('parseStoreRefreshInterval', () => {
  it.each([
    [undefined, undefined],
    [0, undefined],
    ['0', undefined],
    ['0s', undefined],
    [30, 30 * SECOND],
    ['30', 30 * SECOND],
    ['10m', 10 * MINUTE],
  ])('%j is %j ms', (value, ms) => {
    expect(parseStoreRefreshInterval(value)).toBe(ms);
  });

  it.each([-1, 1.5, '-5m', 'soon'])('rejects %j', (value) => {
    expectInvalid(() => parseStoreRefreshInterval(value));
  });
});
