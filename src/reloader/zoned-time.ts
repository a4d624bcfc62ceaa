import { KvsyncError } from '../errors.ts';

/**
 * Wall-clock time in an IANA time zone, through `Intl` (Node ships full ICU): the local fields
 * of an instant, and the instant of a local time. Local times that do not exist (the hour
 * skipped when DST starts) move forward by the gap, as cron daemons and Temporal's
 * `compatible` disambiguation do; local times that exist twice (the hour repeated when DST
 * ends) take the earlier instant.
 */

/** A local date and time; `month` 1–12, `weekday` 0 (Sunday) – 6. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface LocalFields extends LocalDateTime {
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new KvsyncError('ERR_INVALID_CONFIG', `unknown time zone ${JSON.stringify(timeZone)}`, {
        cause: error,
      });
    }
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when `Intl` knows `timeZone` (IANA names such as `Europe/Berlin`, and `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function fieldsAt(timeZone: string, instantMs: number): LocalFields & { second: number } {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) parts[part.type] = part.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
    weekday: WEEKDAYS.indexOf(parts['weekday'] ?? ''),
  };
}

/** The wall-clock fields `timeZone` shows at `instantMs`. Throws ERR_INVALID_CONFIG for an unknown zone. */
export function localFields(timeZone: string, instantMs: number): LocalFields {
  const { second: _second, ...fields } = fieldsAt(timeZone, instantMs);
  return fields;
}

/** `local` read as if it were UTC, in ms: the arithmetic form of a wall-clock time. */
export function wallClockMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
}

/** Offset of `timeZone` at `instantMs` in ms (local wall clock = UTC + offset), to the second. */
export function zoneOffsetMs(timeZone: string, instantMs: number): number {
  const fields = fieldsAt(timeZone, instantMs);
  const wall = wallClockMs(fields) + fields.second * 1000;
  return wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at which `timeZone` shows `local`. Skipped local times move forward by the gap;
 * repeated ones give the earlier instant.
 */
export function zonedTimeToUtcMs(timeZone: string, local: LocalDateTime): number {
  const wall = wallClockMs(local);
  const before = zoneOffsetMs(timeZone, wall - DAY_MS);
  const after = zoneOffsetMs(timeZone, wall + DAY_MS);
  const candidates = [wall - before, wall - after].filter(
    (instant) => instant + zoneOffsetMs(timeZone, instant) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/** The local calendar date `days` after `local`'s date (time fields kept). */
export function addLocalDays<T extends LocalDateTime>(local: T, days: number): LocalDateTime {
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: local.hour,
    minute: local.minute,
  };
}

/** Day of the week (0 = Sunday) of a local calendar date. */
export function weekdayOf(local: LocalDateTime): number {
  return new Date(Date.UTC(local.year, local.month - 1, local.day)).getUTCDay();
}

/** RFC 3339 with the zone's offset, e.g. `2026-03-29T03:00:00+02:00`; for messages. */
export function formatInZone(timeZone: string, instantMs: number): string {
  const f = fieldsAt(timeZone, instantMs);
  const offsetMinutes = Math.round(zoneOffsetMs(timeZone, instantMs) / 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const offset = offsetMinutes === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}T${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}${offset}`;
}
