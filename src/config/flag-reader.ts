/**
 * Typed access to raw flag texts. Every failure is ERR_INVALID_CONFIG with a message that
 * names the flag and where its value came from, e.g.
 * `--concurrent (env KVSYNC_CONCURRENT): 'many' is not an integer`.
 */
import { KvsyncError } from '../errors.ts';
import { parseGoDuration } from '../api/duration.ts';
import type { FlagName } from './flags.ts';
import { parseBooleanText, type RawFlags } from './raw-flags.ts';

export interface IntegerRange {
  min: number;
  max: number;
}

export interface FlagReader {
  /** The flag's text, or undefined when it is unset and has no default. */
  optionalString(name: FlagName): string | undefined;
  /** The flag's text; throws when it is unset and has no default. */
  string(name: FlagName): string;
  boolean(name: FlagName): boolean;
  integer(name: FlagName, range: IntegerRange): number;
  /** A Go duration in milliseconds, at least `minMs`. */
  durationMs(name: FlagName, minMs: number): number;
  /** A number in [0, 1]. */
  fraction(name: FlagName): number;
  oneOf<const T extends string>(name: FlagName, choices: readonly T[]): T;
  /** Every occurrence split on commas, trimmed, empty entries dropped, duplicates removed. */
  list(name: FlagName): string[];
  /** Throws ERR_INVALID_CONFIG naming the flag, its source and value, followed by `problem`. */
  fail(name: FlagName, problem: string): never;
}

export function createFlagReader(raw: RawFlags): FlagReader {
  const sourceOf = (name: FlagName): string => raw.get(name)?.source ?? 'default';

  const fail = (name: FlagName, problem: string): never => {
    const text = raw.get(name)?.texts.at(-1);
    const shown = text === undefined ? '' : ` '${text}'`;
    const source = sourceOf(name) === `--${name}` ? '' : ` (${sourceOf(name)})`;
    throw new KvsyncError('ERR_INVALID_CONFIG', `--${name}${source}:${shown} ${problem}`);
  };

  const optionalString = (name: FlagName): string | undefined => raw.get(name)?.texts.at(-1);

  const string = (name: FlagName): string => optionalString(name) ?? fail(name, 'is required');

  const parse = <T>(name: FlagName, convert: (text: string) => T | undefined, problem: string): T => {
    const converted = convert(string(name));
    return converted === undefined ? fail(name, problem) : converted;
  };

  return {
    optionalString,
    string,
    fail,
    boolean: (name) => parse(name, parseBooleanText, 'is not a boolean (true or false)'),
    integer: (name, range) =>
      parse(name, (text) => integerIn(text, range), `is not an integer from ${range.min} to ${range.max}`),
    durationMs: (name, minMs) => {
      const text = string(name);
      let valueMs: number;
      try {
        valueMs = parseGoDuration(text.trim());
      } catch {
        return fail(name, 'is not a duration (Go syntax such as 15s, 5m or 1h0m0s)');
      }
      return valueMs >= minMs ? valueMs : fail(name, `must be at least ${minMs} ms`);
    },
    fraction: (name) => parse(name, fractionOf, 'is not a number from 0 to 1'),
    oneOf: (name, choices) =>
      parse(
        name,
        (text) => choices.find((choice) => choice === text.trim()),
        `is not one of ${choices.join(', ')}`,
      ),
    list: (name) => {
      const items = (raw.get(name)?.texts ?? []).flatMap((text) => text.split(','));
      return [...new Set(items.map((item) => item.trim()).filter((item) => item !== ''))];
    },
  };
}

function integerIn(text: string, range: IntegerRange): number | undefined {
  if (!/^\s*[-+]?\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return value >= range.min && value <= range.max ? value : undefined;
}

function fractionOf(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}
