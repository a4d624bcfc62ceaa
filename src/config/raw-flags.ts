/**
 * Collects each flag's raw text from argv, then `KVSYNC_<FLAG>`, then the flag's fallback
 * environment variables, then its default — the first that is set wins.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { KvsyncError } from '../errors.ts';
import { FLAGS, envNameOf, type FlagName, type FlagSpec } from './flags.ts';

export interface RawFlag {
  /** Texts as given; lists keep one entry per occurrence (comma lists are split later). */
  readonly texts: readonly string[];
  /** Where the value came from, for error messages: `--concurrent`, `env KVSYNC_CONCURRENT`, `default`. */
  readonly source: string;
}

export type RawFlags = ReadonlyMap<FlagName, RawFlag>;

/**
 * Reads every flag of the table; flags that are nowhere set and have no default are absent
 * from the map. Throws ERR_INVALID_CONFIG for an unknown option, a missing value, a positional
 * argument or a boolean given a value other than true/false.
 */
export function readRawFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): RawFlags {
  const fromArgv = parseArgv(argv);
  const raw = new Map<FlagName, RawFlag>();
  for (const flag of FLAGS as readonly FlagSpec[]) {
    const found = fromArgv.get(flag.name) ?? fromEnv(flag, env) ?? fromDefault(flag);
    if (found !== undefined) raw.set(flag.name as FlagName, found);
  }
  return raw;
}

function fromEnv(flag: FlagSpec, env: Readonly<Record<string, string | undefined>>): RawFlag | undefined {
  for (const name of [envNameOf(flag.name), ...(flag.fallbackEnv ?? [])]) {
    const text = env[name];
    if (text === undefined || (text === '' && flag.emptyIsMeaningful !== true)) continue;
    return { texts: [text], source: `env ${name}` };
  }
  return undefined;
}

function fromDefault(flag: FlagSpec): RawFlag | undefined {
  return flag.default === undefined ? undefined : { texts: [flag.default], source: 'default' };
}

function parseArgv(argv: readonly string[]): Map<string, RawFlag> {
  const parsed = runParseArgs(normalizeBooleans(argv));
  const found = new Map<string, RawFlag>();
  for (const [name, value] of Object.entries(parsed)) {
    if (name === 'help' || value === undefined) continue;
    const texts = Array.isArray(value) ? value.map(String) : [String(value)];
    found.set(name, { texts, source: `--${name}` });
  }
  return found;
}

function runParseArgs(args: string[]): Record<string, string | boolean | (string | boolean)[] | undefined> {
  try {
    return parseArgs({
      args,
      options: parseArgsOptions(),
      strict: true,
      allowPositionals: false,
      allowNegative: true,
    }).values;
  } catch (error) {
    throw new KvsyncError('ERR_INVALID_CONFIG', `kvsync run: ${(error as Error).message}`, { cause: error });
  }
}

function parseArgsOptions(): ParseArgsOptionsConfig {
  const options: ParseArgsOptionsConfig = { help: { type: 'boolean', short: 'h' } };
  for (const flag of FLAGS as readonly FlagSpec[]) {
    options[flag.name] =
      flag.kind === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: flag.kind === 'list' };
  }
  return options;
}

const BOOLEAN_FLAGS: ReadonlySet<string> = new Set(
  (FLAGS as readonly FlagSpec[]).filter((flag) => flag.kind === 'boolean').map((flag) => flag.name),
);

/** Go and controller-runtime users write `--leader-elect=false`; parseArgs knows only `--no-leader-elect`. */
function normalizeBooleans(argv: readonly string[]): string[] {
  const endOfFlags = argv.indexOf('--');
  return argv.map((arg, index) => (endOfFlags !== -1 && index > endOfFlags ? arg : normalizeBoolean(arg)));
}

function normalizeBoolean(arg: string): string {
  const match = /^--([a-z-]+)=(.*)$/s.exec(arg);
  if (match === null || !BOOLEAN_FLAGS.has(match[1] as string)) return arg;
  const [, name, text] = match as unknown as [string, string, string];
  const value = parseBooleanText(text);
  if (value === undefined) {
    throw new KvsyncError('ERR_INVALID_CONFIG', `--${name}: '${text}' is not a boolean (true or false)`);
  }
  return value ? `--${name}` : `--no-${name}`;
}

/** `true`/`false` (any case) and `1`/`0`; undefined for anything else. */
export function parseBooleanText(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return undefined;
}

/** True when argv asks for help (`-h` or `--help` before any `--`). */
export function isHelpRequested(argv: readonly string[]): boolean {
  const endOfFlags = argv.indexOf('--');
  const flags = endOfFlags === -1 ? argv : argv.slice(0, endOfFlags);
  return flags.includes('--help') || flags.includes('-h');
}
