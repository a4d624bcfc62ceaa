import { KvsyncError } from '../errors.ts';
import { weekdayOf, type LocalDateTime } from './zoned-time.ts';

/**
 * Standard 5-field cron schedules (minute hour day-of-month month day-of-week), as Vixie cron,
 * Kubernetes CronJobs and ESO's `syncWindows` read them: `*`, `?` (as `*`), lists, ranges,
 * steps (`*\/15`, `1-5/2`, `5/10`), month and weekday names (`JAN`, `mon`), 7 as Sunday, and the
 * descriptors `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.
 * When both day fields are restricted a day matches either (cron's OR rule).
 */

export interface CronSchedule {
  /** The expression as written. */
  source: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 (Sunday) – 6. */
  daysOfWeek: ReadonlySet<number>;
  /** True when neither day field is `*`: a day matching either one matches. */
  eitherDay: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function invalid(source: string, why: string): KvsyncError {
  return new KvsyncError('ERR_INVALID_CONFIG', `invalid cron schedule ${JSON.stringify(source)}: ${why}`);
}

function value(source: string, field: FieldSpec, text: string): number {
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const number = index >= 0 ? index + field.min : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(number) || number < field.min || number > field.max)
    throw invalid(source, `${field.name} ${JSON.stringify(text)} is not in ${field.min}-${field.max}`);
  return number;
}

function addItem(source: string, field: FieldSpec, item: string, into: Set<number>): void {
  const [range = '', stepText, extra] = item.split('/');
  if (extra !== undefined) throw invalid(source, `${field.name} ${JSON.stringify(item)} has two steps`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1 || !/^\d+$/.test(stepText ?? '1'))
    throw invalid(source, `${field.name} step ${JSON.stringify(stepText)} is not a positive number`);
  let low: number;
  let high: number;
  if (range === '*' || range === '?') [low, high] = [field.min, field.max];
  else if (range.includes('-')) {
    const [from = '', to = ''] = range.split('-');
    [low, high] = [value(source, field, from), value(source, field, to)];
    if (low > high) throw invalid(source, `${field.name} range ${JSON.stringify(range)} runs backwards`);
  } else {
    low = value(source, field, range);
    high = stepText === undefined ? low : field.max;
  }
  for (let n = low; n <= high; n += step) into.add(n);
}

function parseField(source: string, field: FieldSpec, text: string): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw invalid(source, `empty item in the ${field.name} field`);
    addItem(source, field, item, values);
  }
  return values;
}

/** Parses a 5-field expression or descriptor. Throws ERR_INVALID_CONFIG naming the bad field. */
export function parseCron(source: string): CronSchedule {
  const text = DESCRIPTORS[source.trim().toLowerCase()] ?? source.trim();
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw invalid(source, `expected 5 fields, found ${fields.length}`);
  const [minutes, hours, daysOfMonth, months, rawDaysOfWeek] = FIELDS.map((field, i) =>
    parseField(source, field, fields[i]!),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const daysOfWeek = new Set([...rawDaysOfWeek].map((day) => day % 7));
  const unrestricted = (field: string) => field.startsWith('*') || field.startsWith('?');
  return {
    source,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    eitherDay: !unrestricted(fields[2]!) && !unrestricted(fields[4]!),
  };
}

/** True when the schedule fires on the local calendar date of `local` (time ignored). */
export function cronMatchesDay(schedule: CronSchedule, local: LocalDateTime): boolean {
  if (!schedule.months.has(local.month)) return false;
  const dom = schedule.daysOfMonth.has(local.day);
  const dow = schedule.daysOfWeek.has(weekdayOf(local));
  return schedule.eitherDay ? dom || dow : dom && dow;
}

/** Minutes of the day (0–1439) at which the schedule fires, ascending. */
export function cronMinutesOfDay(schedule: CronSchedule): number[] {
  const minutes: number[] = [];
  for (const hour of [...schedule.hours].sort((a, b) => a - b))
    for (const minute of [...schedule.minutes].sort((a, b) => a - b)) minutes.push(hour * 60 + minute);
  return minutes;
}
