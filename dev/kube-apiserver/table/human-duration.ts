/**
 * apimachinery's `duration.HumanDuration`, the text of every AGE cell: about two significant
 * figures, so that a column of ages stays narrow and readable.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const HOURS_PER_DAY = 24;
const DAYS_PER_YEAR = 365;

function withRemainder(whole: number, unit: string, rest: number, restUnit: string): string {
  return rest === 0 ? `${whole}${unit}` : `${whole}${unit}${rest}${restUnit}`;
}

/**
 * Formats an elapsed time in milliseconds the way `kubectl get` prints ages: `45s` below two
 * minutes, `3m20s` below ten minutes, `42m` below three hours, `2h5m` below eight hours, `20h`
 * below two days, `3d4h` below eight days, `45d` below two years, `2y10d` below eight years, then
 * `9y`. A small negative value (clock skew of under two seconds) gives `0s`; anything earlier, or a
 * value that is not a finite number, gives `<invalid>`. Units truncate, never round.
 */
export function formatHumanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '<invalid>';
  const seconds = Math.trunc(ms / SECOND_MS);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE_MS);
  if (minutes < 10) return withRemainder(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR_MS);
  if (hours < 8) return withRemainder(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / HOURS_PER_DAY);
  if (hours < HOURS_PER_DAY * 8) return withRemainder(days, 'd', hours % HOURS_PER_DAY, 'h');
  if (hours < HOURS_PER_DAY * DAYS_PER_YEAR * 2) return `${days}d`;
  const years = Math.trunc(days / DAYS_PER_YEAR);
  if (hours < HOURS_PER_DAY * DAYS_PER_YEAR * 8) return withRemainder(years, 'y', days % DAYS_PER_YEAR, 'd');
  return `${years}y`;
}
