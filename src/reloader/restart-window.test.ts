import { describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { cronMatchesDay, cronMinutesOfDay, parseCron } from './cron.ts';
import { formatWindowTime, parseRestartWindows, windowState } from './restart-window.ts';
import { formatInZone, localFields, zonedTimeToUtcMs, zoneOffsetMs } from './zoned-time.ts';

const utc = (text: string) => Date.parse(text);

describe('zoned time', () => {
  it('reads wall-clock fields and offsets in a zone, across DST', () => {
    expect(localFields('Europe/Berlin', utc('2026-01-05T01:30:00Z'))).toEqual({
      year: 2026,
      month: 1,
      day: 5,
      hour: 2,
      minute: 30,
      weekday: 1,
    });
    expect(zoneOffsetMs('Europe/Berlin', utc('2026-01-05T00:00:00Z'))).toBe(3_600_000);
    expect(zoneOffsetMs('Europe/Berlin', utc('2026-07-05T00:00:00Z'))).toBe(7_200_000);
    expect(zoneOffsetMs('America/New_York', utc('2026-07-05T00:00:00Z'))).toBe(-4 * 3_600_000);
  });

  it('moves a local time skipped by DST forward by the gap, and takes the first of a repeated one', () => {
    // Europe/Berlin: 2026-03-29 02:00 → 03:00 (skipped); 2026-10-25 03:00 → 02:00 (repeated).
    const skipped = zonedTimeToUtcMs('Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 });
    expect(formatInZone('Europe/Berlin', skipped)).toBe('2026-03-29T03:30:00+02:00');
    const repeated = zonedTimeToUtcMs('Europe/Berlin', {
      year: 2026,
      month: 10,
      day: 25,
      hour: 2,
      minute: 30,
    });
    expect(new Date(repeated).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const plain = zonedTimeToUtcMs('Asia/Kolkata', { year: 2026, month: 1, day: 1, hour: 0, minute: 0 });
    expect(new Date(plain).toISOString()).toBe('2025-12-31T18:30:00.000Z');
  });
});

describe('cron', () => {
  it('parses lists, ranges, steps, names and descriptors', () => {
    const s = parseCron('*/15 2-4 * JAN,mar mon-fri');
    expect([...s.minutes]).toEqual([0, 15, 30, 45]);
    expect([...s.hours]).toEqual([2, 3, 4]);
    expect([...s.months]).toEqual([1, 3]);
    expect([...s.daysOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect(cronMinutesOfDay(parseCron('@daily'))).toEqual([0]);
    expect([...parseCron('0 0 * * 7').daysOfWeek]).toEqual([0]);
    expect([...parseCron('5/20 * * * *').minutes]).toEqual([5, 25, 45]);
  });

  it("applies cron's OR rule when both day fields are restricted", () => {
    const either = parseCron('0 0 13 * 5'); // the 13th, or any Friday
    expect(cronMatchesDay(either, { year: 2026, month: 2, day: 13, hour: 0, minute: 0 })).toBe(true); // Fri 13th
    expect(cronMatchesDay(either, { year: 2026, month: 2, day: 6, hour: 0, minute: 0 })).toBe(true); // a Friday
    expect(cronMatchesDay(either, { year: 2026, month: 3, day: 13, hour: 0, minute: 0 })).toBe(true); // Fri again
    expect(cronMatchesDay(either, { year: 2026, month: 4, day: 13, hour: 0, minute: 0 })).toBe(true); // Mon 13th
    expect(cronMatchesDay(either, { year: 2026, month: 4, day: 14, hour: 0, minute: 0 })).toBe(false);
    const both = parseCron('0 0 * * 5');
    expect(cronMatchesDay(both, { year: 2026, month: 4, day: 13, hour: 0, minute: 0 })).toBe(false);
  });

  it.each([
    '* * * *',
    '60 * * * *',
    '* 24 * * *',
    '* * 0 * *',
    '* * * 13 *',
    '5-1 * * * *',
    '*/0 * * * *',
    'x * * * *',
  ])('rejects %s with ERR_INVALID_CONFIG', (text) => {
    let thrown: unknown;
    try {
      parseCron(text);
    } catch (error) {
      thrown = error;
    }
    expect(isKvsyncError(thrown, 'ERR_INVALID_CONFIG')).toBe(true);
  });
});

describe('restart windows', () => {
  const berlinWeekdays = parseRestartWindows({ schedule: 'Mon-Fri 02:00-04:00 Europe/Berlin' });

  it('is open inside a daily window, in the window time zone', () => {
    // Monday 2026-01-05 02:30 in Berlin is 01:30Z.
    expect(windowState(berlinWeekdays, utc('2026-01-05T01:30:00Z'))).toEqual({
      open: true,
      closesAtMs: utc('2026-01-05T03:00:00Z'),
    });
  });

  it('says when the next window opens, skipping the weekend', () => {
    // Friday 05:00 Berlin → next opening Monday 02:00 Berlin.
    const state = windowState(berlinWeekdays, utc('2026-01-09T04:00:00Z'));
    expect(state).toEqual({ open: false, opensAtMs: utc('2026-01-12T01:00:00Z') });
    expect(formatWindowTime(berlinWeekdays, utc('2026-01-12T01:00:00Z'))).toBe('2026-01-12T02:00:00+01:00');
  });

  it('follows DST: the same wall-clock window is an hour earlier in UTC in summer', () => {
    // Monday 2026-07-06: 02:00-04:00 CEST is 00:00Z-02:00Z (in January it was 01:00Z-03:00Z).
    expect(windowState(berlinWeekdays, utc('2026-07-05T23:59:00Z'))).toEqual({
      open: false,
      opensAtMs: utc('2026-07-06T00:00:00Z'),
    });
    expect(windowState(berlinWeekdays, utc('2026-07-06T00:00:00Z'))).toEqual({
      open: true,
      closesAtMs: utc('2026-07-06T02:00:00Z'),
    });
  });

  it('on the day DST starts, a window over the skipped hour opens when the clock jumps and ends on the wall clock', () => {
    const nightly = parseRestartWindows({ schedule: '02:00-04:00', timeZone: 'Europe/Berlin' });
    // Sunday 2026-03-29: 02:00 does not exist; the window runs 03:00 CEST (01:00Z) – 04:00 CEST (02:00Z).
    const state = windowState(nightly, utc('2026-03-29T00:30:00Z'));
    expect(state).toEqual({ open: false, opensAtMs: utc('2026-03-29T01:00:00Z') });
    expect(windowState(nightly, utc('2026-03-29T01:30:00Z'))).toEqual({
      open: true,
      closesAtMs: utc('2026-03-29T02:00:00Z'),
    });
  });

  it('on the day DST ends, a cron window of 1h opens at the first 02:00', () => {
    const cron = parseRestartWindows({ schedule: '0 2 * * *', timeZone: 'Europe/Berlin', duration: '1h' });
    // Sunday 2026-10-25: 02:00 CEST (00:00Z) comes first, then 02:00 CET (01:00Z).
    expect(windowState(cron, utc('2026-10-24T23:00:00Z'))).toEqual({
      open: false,
      opensAtMs: utc('2026-10-25T00:00:00Z'),
    });
    expect(windowState(cron, utc('2026-10-25T00:30:00Z'))).toEqual({
      open: true,
      closesAtMs: utc('2026-10-25T01:00:00Z'),
    });
  });

  it('runs a window past midnight and belongs to the day it starts on', () => {
    const weekend = parseRestartWindows({ schedule: 'Sat,Sun 22:00-02:00' });
    // Sunday 2026-01-11 23:00Z is inside Sunday's window; Monday 01:00Z too (it started Sunday).
    expect(windowState(weekend, utc('2026-01-12T01:00:00Z'))).toEqual({
      open: true,
      closesAtMs: utc('2026-01-12T02:00:00Z'),
    });
    expect(windowState(weekend, utc('2026-01-12T03:00:00Z'))).toEqual({
      open: false,
      opensAtMs: utc('2026-01-17T22:00:00Z'),
    });
  });

  it('combines rules with ";" and wraps day ranges (Fri-Mon)', () => {
    const windows = parseRestartWindows({ schedule: 'Fri-Mon 12:00-13:00; 30 6 * * 3' });
    // Tuesday 2026-01-06 10:00Z → Wednesday 06:30Z comes before Friday noon.
    expect(windowState(windows, utc('2026-01-06T10:00:00Z'))).toEqual({
      open: false,
      opensAtMs: utc('2026-01-07T06:30:00Z'),
    });
    expect(windowState(windows, utc('2026-01-12T12:10:00Z')).open).toBe(true); // Monday
  });

  it('finds a Feb 29 schedule years ahead, and reports a schedule that never fires', () => {
    const leap = parseRestartWindows({ schedule: '0 0 29 2 *' });
    expect(windowState(leap, utc('2026-01-01T00:00:00Z'))).toEqual({
      open: false,
      opensAtMs: utc('2028-02-29T00:00:00Z'),
    });
    const never = parseRestartWindows({ schedule: '0 0 31 2 *' });
    expect(windowState(never, utc('2026-01-01T00:00:00Z'))).toEqual({ open: false, opensAtMs: undefined });
  });

  it.each([
    { schedule: 'Mon-Fri 02:00-04:00 Mars/Olympus' },
    { schedule: 'Funday 02:00-04:00' },
    { schedule: '25:00-26:00' },
    { schedule: '0 2 * * *', timeZone: 'Nowhere/City' },
    { schedule: '  ' },
  ])('rejects $schedule', (input) => {
    expect(() => parseRestartWindows(input)).toThrow();
  });
});
