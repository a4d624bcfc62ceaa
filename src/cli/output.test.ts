import { describe, expect, it } from 'vitest';
import { humanDuration, intervalText, paint, relativeTime, renderTable, visibleLength } from './output.ts';

describe('renderTable', () => {
  it('aligns columns three spaces apart as kubectl does, ignoring colour codes in widths', () => {
    const red = paint(true).red;
    const text = renderTable(
      ['NAME', 'STATE'],
      [
        ['a-long-name', red('failed')],
        ['b', 'synced'],
      ],
    );
    // eslint-disable-next-line no-control-regex -- ANSI escapes are control characters by definition
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(
      'NAME          STATE\na-long-name   failed\nb             synced\n',
    );
  });

  it('paints nothing without colour', () => {
    expect(paint(false).red('x')).toBe('x');
    expect(visibleLength(paint(true).green('abc'))).toBe(3);
  });
});

describe('times', () => {
  it('prints durations as kubectl does', () => {
    expect(
      [
        45_000,
        119_000,
        150_000,
        600_000,
        3_600_000,
        12_000_000,
        30 * 3_600_000,
        3 * 86_400_000 + 3_600_000,
        800 * 86_400_000,
      ].map(humanDuration),
    ).toEqual(['45s', '119s', '2m30s', '10m', '60m', '3h20m', '30h', '3d1h', '2y']);
  });

  it('says how long ago or how soon, and "-" without a time', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(relativeTime('2026-01-01T11:55:00Z', now)).toBe('5m ago');
    expect(relativeTime('2026-01-01T12:57:00Z', now)).toBe('in 57m');
    expect(relativeTime('2026-01-01T12:00:00Z', now)).toBe('now');
    expect(relativeTime(undefined, now)).toBe('-');
    expect(relativeTime('garbage', now)).toBe('-');
  });

  it('prints intervals as users write them', () => {
    expect([3_600_000, 300_000, 90_000, 0, -1, 5_400_000].map(intervalText)).toEqual([
      '1h',
      '5m',
      '1m30s',
      'once',
      '?',
      '1h30m',
    ]);
  });
});
