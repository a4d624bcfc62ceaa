import { parseGoDuration } from '../api/duration.ts';
import { KvsyncError } from '../errors.ts';
import { cronMatchesDay, cronMinutesOfDay, parseCron, type CronSchedule } from './cron.ts';
import {
  addLocalDays,
  formatInZone,
  isTimeZone,
  localFields,
  weekdayOf,
  zonedTimeToUtcMs,
  type LocalDateTime,
} from './zoned-time.ts';

/**
 * Restart windows (`kvsync.io/restart-window`): when a workload may be restarted. One or more
 * rules separated by `;`, each either
 *
 * - a daily range: `[days] HH:MM-HH:MM [time zone]`, e.g. `Mon-Fri 02:00-04:00 Europe/Berlin`,
 *   `Sat,Sun 22:00-02:00` (a range ending at or before its start runs past midnight and belongs
 *   to the day it starts on; days default to every day; `Fri-Mon` wraps); the window ends at
 *   the end time on the wall clock, so it is an hour shorter or longer on DST days; or
 * - a 5-field cron expression (or `@daily`, …): each time it fires opens a window of
 *   `kvsync.io/restart-window-duration` (default 1h) of elapsed time.
 *
 * The time zone is the one written in a daily rule, else `kvsync.io/restart-window-timezone`,
 * else UTC. Local times skipped by DST move forward by the gap; repeated ones take the first.
 */

export const DEFAULT_WINDOW_DURATION_MS = 3_600_000;

type WindowRule =
  | { kind: 'cron'; timeZone: string; schedule: CronSchedule; durationMs: number }
  | { kind: 'daily'; timeZone: string; days: ReadonlySet<number>; startMinute: number; endMinute: number };

export interface RestartWindows {
  /** The annotation as written, for messages. */
  description: string;
  rules: readonly WindowRule[];
}

/** Open now (until `closesAtMs`), or closed until `opensAtMs` (undefined: it never opens). */
export type WindowState = { open: true; closesAtMs: number } | { open: false; opensAtMs: number | undefined };

export interface RestartWindowInput {
  schedule: string;
  /** Go duration of each cron window. */
  duration?: string | undefined;
  /** Default IANA time zone. */
  timeZone?: string | undefined;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAILY = /^(?:(\S+)\s+)?(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?:\s+(\S+))?$/;
const DAY_MS = 86_400_000;
/** Far enough to find `29 2` (Feb 29) schedules across a century's skipped leap year. */
const SEARCH_DAYS = 366 * 8;

function invalid(text: string, why: string): KvsyncError {
  return new KvsyncError('ERR_INVALID_CONFIG', `invalid restart window ${JSON.stringify(text)}: ${why}`);
}

function checkedZone(text: string, timeZone: string): string {
  if (!isTimeZone(timeZone)) throw invalid(text, `unknown time zone ${JSON.stringify(timeZone)}`);
  return timeZone;
}

function dayIndex(text: string, name: string): number {
  const index = DAY_NAMES.indexOf(name.slice(0, 3).toUpperCase());
  if (index < 0 || name.length < 3) throw invalid(text, `unknown day ${JSON.stringify(name)}`);
  return index;
}

function parseDays(text: string, spec: string | undefined): Set<number> {
  if (spec === undefined || spec === '*' || /^daily$/i.test(spec)) return new Set([0, 1, 2, 3, 4, 5, 6]);
  const days = new Set<number>();
  for (const item of spec.split(',')) {
    const [from = '', to] = item.split('-');
    const first = dayIndex(text, from);
    const last = to === undefined ? first : dayIndex(text, to);
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }
  return days;
}

function minuteOfDay(text: string, hours: string, minutes: string): number {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 24 || m > 59 || (h === 24 && m !== 0)) throw invalid(text, `${hours}:${minutes} is not a time`);
  return h * 60 + m;
}

function parseRule(text: string, input: RestartWindowInput, defaultZone: string): WindowRule {
  const daily = DAILY.exec(text);
  if (daily) {
    const [, days, h1 = '', m1 = '', h2 = '', m2 = '', zone] = daily;
    return {
      kind: 'daily',
      timeZone: zone ? checkedZone(text, zone) : defaultZone,
      days: parseDays(text, days),
      startMinute: minuteOfDay(text, h1, m1) % 1440,
      endMinute: minuteOfDay(text, h2, m2),
    };
  }
  const durationMs =
    input.duration === undefined ? DEFAULT_WINDOW_DURATION_MS : parseGoDuration(input.duration);
  if (durationMs <= 0) throw invalid(text, 'the window duration must be positive');
  return { kind: 'cron', timeZone: defaultZone, schedule: parseCron(text), durationMs };
}

/** Parses the annotations. Throws ERR_INVALID_CONFIG (or ERR_INVALID_DURATION) naming the problem. */
export function parseRestartWindows(input: RestartWindowInput): RestartWindows {
  const defaultZone = checkedZone(input.schedule, input.timeZone?.trim() || 'UTC');
  const texts = input.schedule
    .split(';')
    .map((rule) => rule.trim())
    .filter((rule) => rule !== '');
  if (texts.length === 0) throw invalid(input.schedule, 'no window given');
  return { description: input.schedule.trim(), rules: texts.map((t) => parseRule(t, input, defaultZone)) };
}

interface Span {
  startMs: number;
  endMs: number;
}

function at(local: LocalDateTime, minute: number): LocalDateTime {
  return { ...local, hour: Math.floor(minute / 60), minute: minute % 60 };
}

/** The windows of `rule` that start on the local date `day`, in start order. */
function spansOnDay(rule: WindowRule, day: LocalDateTime): Span[] {
  if (rule.kind === 'cron') {
    if (!cronMatchesDay(rule.schedule, day)) return [];
    return cronMinutesOfDay(rule.schedule).map((minute) => {
      const startMs = zonedTimeToUtcMs(rule.timeZone, at(day, minute));
      return { startMs, endMs: startMs + rule.durationMs };
    });
  }
  if (!rule.days.has(weekdayOf(day))) return [];
  const startMs = zonedTimeToUtcMs(rule.timeZone, at(day, rule.startMinute));
  const endsNextDay = rule.endMinute <= rule.startMinute || rule.endMinute === 1440;
  const endDay = endsNextDay ? addLocalDays(day, 1) : day;
  return [{ startMs, endMs: zonedTimeToUtcMs(rule.timeZone, at(endDay, rule.endMinute % 1440)) }];
}

/** The first window of `rule` that has not ended at `nowMs`. */
function firstUnended(rule: WindowRule, nowMs: number): Span | undefined {
  const longestMs = rule.kind === 'cron' ? rule.durationMs : DAY_MS;
  const lookbackDays = Math.ceil(longestMs / DAY_MS) + 1;
  const today = localFields(rule.timeZone, nowMs);
  for (let offset = -lookbackDays; offset <= SEARCH_DAYS; offset += 1) {
    for (const span of spansOnDay(rule, addLocalDays(today, offset))) if (span.endMs > nowMs) return span;
  }
  return undefined;
}

/** Whether a window is open at `nowMs`, and until when; or when the next one opens. */
export function windowState(windows: RestartWindows, nowMs: number): WindowState {
  let closesAtMs: number | undefined;
  let opensAtMs: number | undefined;
  for (const rule of windows.rules) {
    const span = firstUnended(rule, nowMs);
    if (!span) continue;
    if (span.startMs <= nowMs) closesAtMs = Math.max(closesAtMs ?? 0, span.endMs);
    else opensAtMs = Math.min(opensAtMs ?? Infinity, span.startMs);
  }
  return closesAtMs !== undefined ? { open: true, closesAtMs } : { open: false, opensAtMs };
}

/** `instantMs` in the time zone of the windows' first rule, RFC 3339 with offset; for messages. */
export function formatWindowTime(windows: RestartWindows, instantMs: number): string {
  return formatInZone(windows.rules[0]?.timeZone ?? 'UTC', instantMs);
}
