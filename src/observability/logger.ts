/**
 * The operator's logger: one line per entry, JSON (`{"time","level","msg",...fields}`) or a
 * readable text form. Fields go through {@link redact}, so values, bytes and foreign error
 * messages never reach the output; messages themselves are written as given and must be
 * constant text (put variable data in fields).
 */
import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'json' | 'text';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'text'];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every entry (an entry's own fields win on a clash). */
  child(bindings: LogFields): Logger;
  /** True when entries of `level` are written; lets callers skip building costly fields. */
  isLevelEnabled(level: LogLevel): boolean;
}

/** Wall-clock time in milliseconds since the epoch (the runtime's Clock satisfies this). */
export interface LoggerClock {
  now(): number;
}

export interface LoggerOptions {
  /** Entries below this level are dropped. */
  level: LogLevel;
  format: LogFormat;
  /** Receives each line without its newline. Default: standard output, one line per entry. */
  write?: (line: string) => void;
  /** Default: `Date.now`. */
  clock?: LoggerClock;
}

const RESERVED_KEYS: ReadonlySet<string> = new Set(['time', 'level', 'msg']);

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const clock = options.clock ?? { now: () => Date.now() };
  const format = options.format === 'json' ? formatJson : formatText;
  const threshold = LOG_LEVELS.indexOf(options.level);
  const isLevelEnabled = (level: LogLevel): boolean => LOG_LEVELS.indexOf(level) >= threshold;

  const make = (bindings: Record<string, unknown>): Logger => {
    const log = (level: LogLevel, message: string, fields?: LogFields): void => {
      if (!isLevelEnabled(level)) return;
      const merged =
        fields === undefined ? bindings : { ...bindings, ...(redact(fields) as Record<string, unknown>) };
      write(format(new Date(clock.now()).toISOString(), level, message, merged));
    };
    return {
      debug: (message, fields) => log('debug', message, fields),
      info: (message, fields) => log('info', message, fields),
      warn: (message, fields) => log('warn', message, fields),
      error: (message, fields) => log('error', message, fields),
      child: (more) => make({ ...bindings, ...(redact(more) as Record<string, unknown>) }),
      isLevelEnabled,
    };
  };
  return make({});
}

function withoutReserved(fields: Record<string, unknown>): [string, unknown][] {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => [RESERVED_KEYS.has(key) ? `_${key}` : key, value]);
}

function formatJson(time: string, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ time, level, msg: message, ...Object.fromEntries(withoutReserved(fields)) });
}

/** `2026-05-01T10:00:00.000Z INFO  synced namespace=default name=db durationMs=12` */
function formatText(time: string, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  const pairs = withoutReserved(fields).map(([key, value]) => `${key}=${textValue(value)}`);
  return [time, level.toUpperCase().padEnd(5), message.replaceAll('\n', '\\n'), ...pairs].join(' ');
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}
