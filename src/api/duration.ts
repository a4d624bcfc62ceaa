import { KvsyncError } from '../errors.ts';

/**
 * Go's `time.ParseDuration` and `Duration.String()`, in milliseconds: ESO's `refreshInterval`
 * fields are `metav1.Duration`s, so kvsync must accept exactly what Go accepts and print what
 * Go prints (`1h0m0s`). Arithmetic is done in integer nanoseconds, as Go does, so that
 * overflow and rounding match.
 */

const NS_PER_MS = 1_000_000n;
const MAX_NS = (1n << 63n) - 1n;

/** Nanoseconds per unit; Go accepts both micro signs (U+00B5 and U+03BC). */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const SEGMENT = /^(\d*)(?:\.(\d*))?([^\d.]+)/;

function invalid(text: string, why: string): KvsyncError {
  return new KvsyncError('ERR_INVALID_DURATION', `invalid duration ${JSON.stringify(text)}: ${why}`);
}

/** One `<number><unit>` segment in nanoseconds, and the rest of the text. */
function parseSegment(text: string, rest: string): { ns: bigint; rest: string } {
  const match = SEGMENT.exec(rest);
  if (!match) throw invalid(text, 'expected a number followed by a unit');
  const [whole, integer = '', fraction = '', unit = ''] = match;
  if (integer === '' && fraction === '') throw invalid(text, 'expected a number before the unit');
  const unitNs = UNIT_NS[unit];
  if (unitNs === undefined) throw invalid(text, `unknown unit ${JSON.stringify(unit)}`);
  let ns = BigInt(integer || '0') * unitNs;
  if (fraction !== '') {
    const scale = 10n ** BigInt(fraction.length);
    ns += (BigInt(fraction) * unitNs) / scale;
  }
  return { ns, rest: rest.slice(whole.length) };
}

function parseNanoseconds(text: string): bigint {
  let rest = text;
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1n : 1n;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') throw invalid(text, 'empty');
  let total = 0n;
  while (rest !== '') {
    const segment = parseSegment(text, rest);
    total += segment.ns;
    if (total > MAX_NS + (sign < 0n ? 1n : 0n)) throw invalid(text, 'out of range');
    rest = segment.rest;
  }
  return sign * total;
}

/**
 * Parses a Go duration (`1h0m0s`, `5m`, `90s`, `1.5h`, `300ms`, `-1m`, `0`) into milliseconds,
 * possibly fractional (`1ns` is 0.000001). Units need not be ordered and may repeat, as in Go;
 * a bare number other than `0` has no unit and is invalid. Throws
 * `KvsyncError('ERR_INVALID_DURATION')` for anything Go rejects.
 */
export function parseGoDuration(text: string): number {
  const ns = parseNanoseconds(text);
  const wholeMs = ns / NS_PER_MS;
  return Number(wholeMs) + Number(ns - wholeMs * NS_PER_MS) / 1e6;
}

/** Digits of `value / 10^precision`'s fraction, trailing zeros dropped, with the dot; '' when none. */
function fraction(value: bigint, precision: number): string {
  const digits = (value % 10n ** BigInt(precision)).toString().padStart(precision, '0').replace(/0+$/, '');
  return digits === '' ? '' : `.${digits}`;
}

function formatNanoseconds(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${u / 1_000n}${fraction(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${u / 1_000_000n}${fraction(u, 6)}ms`;
  const seconds = u / 1_000_000_000n;
  const secondsText = `${seconds % 60n}${fraction(u, 9)}s`;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secondsText}`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${secondsText}`;
  return `${sign}${hours}h${minutes % 60n}m${secondsText}`;
}

/**
 * Prints milliseconds as Go's `Duration.String()` does: `1h0m0s`, `5m0s`, `1m30s`, `1.5s`,
 * `300ms`, `1.5µs`, `0s`. Fractions of a millisecond are rounded to whole nanoseconds.
 */
export function formatGoDuration(ms: number): string {
  const ns = Number.isInteger(ms) ? BigInt(ms) * NS_PER_MS : BigInt(Math.round(ms * 1e6));
  return formatNanoseconds(ns);
}

/**
 * A store's `spec.refreshInterval` (int-or-string) in milliseconds: a number is seconds, a
 * string is a Go duration (a string of digits is also read as seconds). Returns `undefined`
 * when unset or zero, meaning "the operator's default store requeue interval". Throws
 * `KvsyncError('ERR_INVALID_DURATION')` for a negative, fractional-number or unparseable value,
 * which ESO's webhook rejects.
 */
export function parseStoreRefreshInterval(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw invalid(String(value), 'seconds must be a whole number');
    ms = value * 1000;
  } else {
    ms = /^\d+$/.test(value) ? Number(value) * 1000 : parseGoDuration(value);
  }
  if (ms < 0) throw invalid(String(value), 'must not be negative');
  return ms === 0 ? undefined : ms;
}
