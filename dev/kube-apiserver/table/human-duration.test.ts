import { describe, expect, it } from 'vitest';
import { formatHumanDuration } from './human-duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

describe('formatHumanDuration', () => {
  it.each([
    [0, '0s'],
    [5 * S, '5s'],
    [5 * S + 999, '5s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [3 * M + 20 * S, '3m20s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 30 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [2 * H + 5 * M + 59 * S, '125m'],
    [3 * H + 5 * M + 59 * S, '3h5m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [47 * H + 59 * M, '47h'],
    [48 * H, '2d'],
    [3 * D + 4 * H, '3d4h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [45 * D, '45d'],
    [2 * Y - 1, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 10 * D, '2y10d'],
    [8 * Y - 1, '7y364d'],
    [8 * Y, '8y'],
    [30 * Y + 100 * D, '30y'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatHumanDuration(ms)).toBe(text);
  });

  it('tolerates clock skew under two seconds as 0s', () => {
    expect(formatHumanDuration(-500)).toBe('0s');
    expect(formatHumanDuration(-1999)).toBe('0s');
  });

  it('calls anything further in the future <invalid>', () => {
    expect(formatHumanDuration(-2 * S)).toBe('<invalid>');
    expect(formatHumanDuration(-H)).toBe('<invalid>');
  });

  it('calls a non-number <invalid>', () => {
    expect(formatHumanDuration(Number.NaN)).toBe('<invalid>');
    expect(formatHumanDuration(Number.POSITIVE_INFINITY)).toBe('<invalid>');
  });
});
