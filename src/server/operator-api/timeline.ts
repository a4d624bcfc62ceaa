/**
 * A bounded, in-memory record of what happened to each ExternalSecret recently (syncs,
 * failures, forced syncs, push events, restarts, rollbacks), for the dashboard's timeline and
 * `kvsync why`. Memory only: a restarted operator starts empty. Repeats of the same happening
 * update the newest entry (with a count) instead of pushing older ones out.
 */
import { CONDITION_READY, type ExternalSecret } from '../../api/index.ts';
import type { Clock } from '../../runtime/index.ts';
import { FORCE_SYNC_ANNOTATION, type HappeningKind, type TimelineEntry } from './wire.ts';

export interface TimelineOptions {
  clock: Pick<Clock, 'now'>;
  /** Entries kept per ExternalSecret; default 25. */
  perKeyLimit?: number;
}

export type TimelineListener = (key: string, entry: TimelineEntry) => void;

export class Timeline {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #limit: number;
  readonly #entries = new Map<string, TimelineEntry[]>();
  readonly #listeners = new Set<TimelineListener>();

  constructor(options: TimelineOptions) {
    this.#clock = options.clock;
    this.#limit = options.perKeyLimit ?? 25;
  }

  /** Records a happening for `key` now and tells the listeners; returns the stored entry. */
  record(key: string, kind: HappeningKind, message: string): TimelineEntry {
    const list = this.#entries.get(key) ?? [];
    const at = new Date(this.#clock.now()).toISOString();
    const newest = list[list.length - 1];
    let entry: TimelineEntry;
    if (newest && newest.kind === kind && newest.message === message) {
      entry = { ...newest, at, count: newest.count + 1 };
      list[list.length - 1] = entry;
    } else {
      entry = { at, kind, message, count: 1 };
      list.push(entry);
      if (list.length > this.#limit) list.splice(0, list.length - this.#limit);
    }
    this.#entries.set(key, list);
    for (const listener of this.#listeners) listener(key, entry);
    return entry;
  }

  /** The entries of `key`, newest first; empty when none. */
  entries(key: string): TimelineEntry[] {
    return [...(this.#entries.get(key) ?? [])].reverse();
  }

  /** Drops what is known of `key` (the ExternalSecret is gone). */
  forget(key: string): void {
    this.#entries.delete(key);
  }

  /** Calls `listener` for every entry recorded (or updated) from now on; returns the unsubscriber. */
  subscribe(listener: TimelineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

const short = (version: string) => version.slice(0, 8);

function versionsText(es: ExternalSecret): Map<string, string> {
  return new Map((es.status?.syncedVersions ?? []).map((entry) => [entry.key, entry.version]));
}

function readyOf(es: ExternalSecret | undefined) {
  return es?.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
}

function versionsChanged(old: ExternalSecret, now: ExternalSecret): boolean {
  const before = versionsText(old);
  const after = versionsText(now);
  return before.size !== after.size || [...after].some(([key, version]) => before.get(key) !== version);
}

/** What a successful sync changed, as a timeline message. */
function syncedHappening(old: ExternalSecret, now: ExternalSecret): { kind: HappeningKind; message: string } {
  const before = versionsText(old);
  const changed = [...versionsText(now)]
    .filter(([key, version]) => before.get(key) !== version)
    .map(([key, version]) => {
      const was = before.get(key);
      return `${key}@${short(version)}${was ? ` (was @${short(was)})` : ''}`;
    });
  return changed.length > 0
    ? { kind: 'updated', message: `synced new version: ${changed.join(', ')}` }
    : { kind: 'synced', message: 'synced; Key Vault unchanged' };
}

/**
 * The happenings an update of an ExternalSecret from `old` to `now` shows, oldest first: a
 * force-sync annotation written, a sync that succeeded (new version or unchanged), a failure
 * (new or with a new message), a recovery, a deletion starting. Empty for an add (`old`
 * undefined): the first list of a starting operator would otherwise flood the timeline.
 */
export function happeningsOf(
  old: ExternalSecret | undefined,
  now: ExternalSecret,
): Array<{ kind: HappeningKind; message: string }> {
  if (!old) return [];
  const out: Array<{ kind: HappeningKind; message: string }> = [];
  const requested = now.metadata.annotations?.[FORCE_SYNC_ANNOTATION];
  if (requested !== undefined && requested !== old.metadata.annotations?.[FORCE_SYNC_ANNOTATION])
    out.push({ kind: 'sync-requested', message: `sync requested (${FORCE_SYNC_ANNOTATION}=${requested})` });
  const wasReady = readyOf(old);
  const ready = readyOf(now);
  if (ready?.status === 'False' && (wasReady?.status !== 'False' || wasReady.message !== ready.message))
    out.push({ kind: 'failed', message: ready.message ?? ready.reason ?? 'sync failed' });
  if (ready?.status === 'True' && wasReady?.status === 'False')
    out.push({ kind: 'recovered', message: 'synced again after a failure' });
  // A sync shows as a new refresh time or as new synced versions: two syncs within one second
  // (a confirmation, then the sync of a pushed version) share the refresh time.
  if (
    ready?.status === 'True' &&
    ((now.status?.refreshTime && now.status.refreshTime !== old.status?.refreshTime) ||
      versionsChanged(old, now))
  )
    out.push(syncedHappening(old, now));
  if (now.metadata.deletionTimestamp && !old.metadata.deletionTimestamp)
    out.push({ kind: 'deleting', message: 'deletion started' });
  return out;
}
