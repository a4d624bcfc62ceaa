/**
 * How the CLI prints: kubectl-style tables, colours only on a terminal (and never with
 * NO_COLOR), JSON and YAML for scripts, and human times ("5m ago", "in 57m").
 */

export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

/** ANSI colours when `enabled`, else the text unchanged. */
export function paint(enabled: boolean): Paint {
  if (!enabled) {
    const plain = (text: string) => text;
    return { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
  }
  return {
    red: ansi(31, 39),
    green: ansi(32, 39),
    yellow: ansi(33, 39),
    dim: ansi(2, 22),
    bold: ansi(1, 22),
  };
}

/** Length of `text` as shown (without ANSI escapes). */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex -- ANSI escapes are control characters by definition
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** A table as kubectl prints one: upper-case headers, columns three spaces apart, no borders. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => visibleLength(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column]! - visibleLength(cell) + 3),
      )
      .join('')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** JSON with two-space indentation and a final newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** YAML (the `yaml` package, loaded only when asked for). */
export async function renderYaml(value: unknown): Promise<string> {
  const { stringify } = await import('yaml');
  return stringify(value);
}

/**
 * A duration as kubectl's HumanDuration prints it: `45s`, `5m`, `5m30s` (under 10 minutes),
 * `3h`, `3h20m` (under 8 hours), `2d`, `2d5h`, `40d`, `2y`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

/** `5m ago` / `in 57m` relative to `nowMs`; `-` when `time` is absent or not a date. */
export function relativeTime(time: string | undefined, nowMs: number): string {
  const ms = time ? Date.parse(time) : NaN;
  if (Number.isNaN(ms)) return '-';
  const delta = ms - nowMs;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${humanDuration(delta)}` : `${humanDuration(delta)} ago`;
}

/** A refresh interval as users write it: `1h`, `5m`, `90s`, `once` for 0, `?` when invalid. */
export function intervalText(ms: number): string {
  if (ms < 0) return '?';
  if (ms === 0) return 'once';
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ];
  let rest = ms;
  let text = '';
  for (const [size, unit] of units) {
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text || `${ms}ms`;
}
