import { parseGoDuration } from '../api/duration.ts';
import { errorMessage } from '../errors.ts';
import { KVSYNC, ROLLBACK_AUTO, ROLLOUT_STRATEGY, STAKATER, type RolloutStrategy } from './annotations.ts';
import { parseRestartWindows, type RestartWindows } from './restart-window.ts';

/**
 * What a workload's annotations ask of the reloader. stakater Reloader's annotations are read
 * the way Reloader's `ShouldReload` reads them:
 *
 * - per kind of source (Secret, ConfigMap), the workload's metadata is read first; only when it
 *   has none of that kind's `reload` list, `auto`, typed `auto` or `search` are they read from
 *   the pod template's metadata;
 * - `auto` and the typed `auto` take Go's booleans (`true`, `1`, `t`, `TRUE`, …); `search` and
 *   `match` only the exact text `true`;
 * - each entry of a `reload` list is an anchored regular expression (`^entry$`); an invalid one
 *   is reported and skipped;
 * - the exclude lists are read from the workload's metadata only and hold exact names.
 *
 * kvsync's own annotations are read from the workload's metadata only.
 */

export type SourceKind = 'Secret' | 'ConfigMap';
export const SOURCE_KINDS: readonly SourceKind[] = ['Secret', 'ConfigMap'];

type Annotations = Readonly<Record<string, string>>;

/** Which sources of one kind a workload reloads for. */
export interface SourceSelection {
  /** From the typed `reload` list: a source whose name matches one is tracked, referenced or not. */
  named: readonly RegExp[];
  /** `auto` or the typed `auto`: every referenced source of this kind. */
  auto: boolean;
  /** `search`: referenced sources carrying `match: "true"`. */
  search: boolean;
  /** Exact names `auto` and `search` leave out. */
  excluded: ReadonlySet<string>;
}

export interface ReloadSelection {
  Secret: SourceSelection;
  ConfigMap: SourceSelection;
  /** Human-readable problems (invalid regular expressions); no values. */
  problems: string[];
}

const TYPED = {
  Secret: { reload: STAKATER.secretReload, auto: STAKATER.secretAuto, exclude: STAKATER.secretsExclude },
  ConfigMap: {
    reload: STAKATER.configMapReload,
    auto: STAKATER.configMapAuto,
    exclude: STAKATER.configMapsExclude,
  },
} as const;

/** Go's `strconv.ParseBool`; undefined for anything else. */
export function parseGoBool(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function compilePatterns(key: string, value: string | undefined, problems: string[]): RegExp[] {
  const patterns: RegExp[] = [];
  for (const entry of splitList(value)) {
    try {
      patterns.push(new RegExp(`^${entry}$`));
    } catch (error) {
      problems.push(`invalid regular expression ${JSON.stringify(entry)} in ${key}: ${errorMessage(error)}`);
    }
  }
  return patterns;
}

function selectionFor(
  kind: SourceKind,
  metadata: Annotations,
  template: Annotations,
  problems: string[],
): SourceSelection {
  const keys = TYPED[kind];
  const onWorkload = [keys.reload, STAKATER.auto, keys.auto, STAKATER.search].some((key) => key in metadata);
  const source = onWorkload ? metadata : template;
  return {
    named: compilePatterns(keys.reload, source[keys.reload], problems),
    auto: parseGoBool(source[STAKATER.auto]) === true || parseGoBool(source[keys.auto]) === true,
    search: source[STAKATER.search] === 'true',
    excluded: new Set(splitList(metadata[keys.exclude])),
  };
}

/** Reads the stakater annotations of a workload (metadata and pod-template annotations). */
export function reloadSelection(metadata: Annotations = {}, template: Annotations = {}): ReloadSelection {
  const problems: string[] = [];
  return {
    Secret: selectionFor('Secret', metadata, template, problems),
    ConfigMap: selectionFor('ConfigMap', metadata, template, problems),
    problems,
  };
}

/** True when the selection can track anything at all (the workload opted in). */
export function reloadsAnything(selection: ReloadSelection): boolean {
  return SOURCE_KINDS.some((kind) => {
    const s = selection[kind];
    return s.auto || s.search || s.named.length > 0;
  });
}

/** True when `resource` says it never triggers reloads (`reloader.stakater.com/ignore: "true"`). */
export function isIgnoredSource(annotations: Annotations | undefined): boolean {
  return annotations?.[STAKATER.ignore] === 'true';
}

/** True when `resource` is found by `search` (`reloader.stakater.com/match: "true"`). */
export function isSearchMatch(annotations: Annotations | undefined): boolean {
  return annotations?.[STAKATER.match] === 'true';
}

/**
 * How an Argo Rollout restarts, from Reloader's `reloader.stakater.com/rollout-strategy` on its
 * metadata (Reloader reads no other place): absent, empty or `rollout` changes the pod template,
 * `restart` sets `spec.restartAt`; the values are case-sensitive, as in Reloader. Any other value
 * is reported in `problems` and gives undefined: the restart then waits until it is fixed, as for
 * an invalid window, because guessing would run a different kind of restart (Reloader silently
 * falls back to `rollout`, i.e. a full canary or blue-green rollout). Only call it for Rollouts:
 * Reloader ignores the annotation on other kinds (its issue #1011), and so does kvsync.
 */
export function rolloutStrategyOf(metadata: Annotations, problems: string[]): RolloutStrategy | undefined {
  const value = metadata[STAKATER.rolloutStrategy];
  if (value === undefined || value === '' || value === ROLLOUT_STRATEGY.rollout)
    return ROLLOUT_STRATEGY.rollout;
  if (value === ROLLOUT_STRATEGY.restart) return ROLLOUT_STRATEGY.restart;
  problems.push(
    `${STAKATER.rolloutStrategy}: ${JSON.stringify(value)} is neither "${ROLLOUT_STRATEGY.rollout}" nor "${ROLLOUT_STRATEGY.restart}"`,
  );
  return undefined;
}

/** kvsync's per-workload options; unset fields take the reloader's settings. */
export interface KvsyncOptions {
  rollback: boolean;
  settlePeriodMs?: number;
  rolloutTimeoutMs?: number;
  windows?: RestartWindows;
  problems: string[];
}

function durationOption(key: string, metadata: Annotations, problems: string[]): number | undefined {
  const text = metadata[key];
  if (text === undefined) return undefined;
  try {
    const ms = parseGoDuration(text);
    if (ms >= 0) return ms;
    problems.push(`${key}: a negative duration is not allowed`);
  } catch (error) {
    problems.push(`${key}: ${errorMessage(error)}`);
  }
  return undefined;
}

/**
 * Reads kvsync's annotations from the workload's metadata. An invalid window is reported in
 * `problems` and leaves `windows` unset: restarts then wait (a window that cannot be read must
 * not turn into "restart any time"), see `windowsBlocked`.
 */
export function kvsyncOptions(metadata: Annotations = {}): KvsyncOptions & { windowsBlocked: boolean } {
  const problems: string[] = [];
  const options: KvsyncOptions & { windowsBlocked: boolean } = {
    rollback: metadata[KVSYNC.rollback] === ROLLBACK_AUTO,
    problems,
    windowsBlocked: false,
  };
  const settle = durationOption(KVSYNC.settlePeriod, metadata, problems);
  if (settle !== undefined) options.settlePeriodMs = settle;
  const timeout = durationOption(KVSYNC.rolloutTimeout, metadata, problems);
  if (timeout !== undefined && timeout > 0) options.rolloutTimeoutMs = timeout;
  const window = metadata[KVSYNC.restartWindow];
  if (window !== undefined) {
    try {
      options.windows = parseRestartWindows({
        schedule: window,
        duration: metadata[KVSYNC.restartWindowDuration],
        timeZone: metadata[KVSYNC.restartWindowTimeZone],
      });
    } catch (error) {
      problems.push(`${KVSYNC.restartWindow}: ${errorMessage(error)}`);
      options.windowsBlocked = true;
    }
  }
  return options;
}
