/* global document -- browser globals: this file runs in the dashboard's page */
// Small, pure helpers of the dashboard: building DOM without innerHTML (every text goes through
// textContent, so nothing the operator sends can become markup), and human times.

/**
 * Creates an element. `attributes`: strings become attributes, except `text` (textContent),
 * `className`, `hidden` and functions (`on…`, added as listeners). `children`: nodes or strings.
 */
export function el(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'className') node.className = value;
    else if (name === 'hidden') node.hidden = true;
    else if (typeof value === 'function') node.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A duration as kubectl prints one: 45s, 5m30s, 3h20m, 2d5h. */
export function humanDuration(ms) {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return hours % 24 && days < 8 ? `${days}d${hours % 24}h` : `${days}d`;
}

/** `5m ago`, `in 57m`, `now`, or `–` when absent. */
export function relative(time, nowMs) {
  const ms = time ? Date.parse(time) : NaN;
  if (Number.isNaN(ms)) return '–';
  const delta = ms - nowMs;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${humanDuration(delta)}` : `${humanDuration(delta)} ago`;
}

/** A refresh interval: `1h`, `5m`, `once` for 0, `?` when invalid. */
export function interval(ms) {
  if (ms < 0) return '?';
  if (ms === 0) return 'once';
  const parts = [];
  let rest = ms;
  for (const [size, unit] of [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ]) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || `${ms}ms`;
}

/** A reloader count: the number, or `n/a` when the operator runs no reloader. */
export function count(value) {
  return value === undefined || value === null ? 'n/a' : String(value);
}

/** The text and explanation of each state, shown as a labelled badge (never colour alone). */
export const STATES = {
  synced: 'in step with Key Vault',
  drift: 'Key Vault holds a newer version',
  failed: 'the last sync failed',
  pending: 'not synced yet',
};

/**
 * The header's line about the replica answering. A sharded replica knows only the
 * ExternalSecrets of its shards: it says so, or its list would look short.
 */
export function operatorLine(info) {
  const role = info.shards
    ? info.shards.length > 0
      ? `shards ${info.shards.join(', ')} only (each replica shows its own)`
      : 'no shards held yet'
    : info.leader
      ? 'leader'
      : 'standby';
  return `operator ${info.version}, ${role}${info.ready ? '' : ', caches not synced'}${info.reloader ? '' : ', no reloader'}`;
}
