/**
 * The live picture the dashboard streams: every ExternalSecret's summary, the stores and the
 * vaults, kept current from informer events and a periodic recomputation (drift, budget and
 * push state change without an event), and handed to subscribers as deltas: only the rows whose
 * JSON changed, the keys that went away, and the views when they changed. Deltas are batched
 * (one per `flushDelayMs` at most) so that a burst of 10,000 status updates is a few messages.
 */
import type { Clock, Timer } from '../../runtime/index.ts';
import type { EsSummary, StoreView, StreamDelta, StreamSnapshot, TimelineEntry, VaultView } from './wire.ts';

/** Where the live picture comes from (the operator API). */
export interface LiveSource {
  /** Every key currently known. */
  keys(): string[];
  /** The summary of `key`; undefined when it is gone. */
  summary(key: string): EsSummary | undefined;
  stores(): StoreView[];
  vaults(): VaultView[];
}

export interface LiveOptions {
  clock: Clock;
  source: LiveSource;
  /** At most one delta per this many ms; default 250. */
  flushDelayMs?: number;
  /** Full recomputation period while anyone listens; default 5000. */
  refreshEveryMs?: number;
}

export type DeltaListener = (delta: StreamDelta) => void;

export class LiveState {
  readonly #options: LiveOptions;
  readonly #rows = new Map<string, { summary: EsSummary; json: string }>();
  readonly #dirty = new Set<string>();
  readonly #listeners = new Set<DeltaListener>();
  #timeline: Array<{ key: string; entry: TimelineEntry }> = [];
  #storesJson = '';
  #vaultsJson = '';
  #stores: StoreView[] = [];
  #vaults: VaultView[] = [];
  #seq = 0;
  #flushTimer: Timer | undefined;
  #refreshTimer: Timer | undefined;
  #everything = true;
  #stopped = false;

  constructor(options: LiveOptions) {
    this.#options = options;
  }

  /** `key` may have changed (an informer event). */
  touch(key: string): void {
    this.#dirty.add(key);
    this.#scheduleFlush();
  }

  /** Everything may have changed (a store changed, or a periodic refresh). */
  touchAll(): void {
    this.#everything = true;
    this.#scheduleFlush();
  }

  /** A timeline entry to pass on with the next delta (dropped while nobody listens). */
  timeline(key: string, entry: TimelineEntry): void {
    if (this.#listeners.size === 0) return;
    this.#timeline.push({ key, entry });
    if (this.#timeline.length > 1000) this.#timeline.splice(0, this.#timeline.length - 1000);
    this.#scheduleFlush();
  }

  /** The whole picture now (brought up to date first). */
  snapshot(): Omit<StreamSnapshot, 'info'> {
    this.#recompute();
    return {
      seq: this.#seq,
      items: [...this.#rows.values()].map((row) => row.summary),
      stores: this.#stores,
      vaults: this.#vaults,
    };
  }

  /**
   * Calls `listener` with every delta from now on; the caller takes `snapshot()` right before,
   * in the same tick, so that nothing falls between. Returns the unsubscriber.
   */
  subscribe(listener: DeltaListener): () => void {
    this.#listeners.add(listener);
    this.#armRefresh();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) {
        this.#refreshTimer?.cancel();
        this.#refreshTimer = undefined;
      }
    };
  }

  listeners(): number {
    return this.#listeners.size;
  }

  stop(): void {
    this.#stopped = true;
    this.#flushTimer?.cancel();
    this.#refreshTimer?.cancel();
    this.#listeners.clear();
  }

  #armRefresh(): void {
    if (this.#refreshTimer || this.#stopped) return;
    this.#refreshTimer = this.#options.clock.setTimer(this.#options.refreshEveryMs ?? 5_000, () => {
      this.#refreshTimer = undefined;
      if (this.#listeners.size === 0) return;
      this.touchAll();
      this.#armRefresh();
    });
  }

  #scheduleFlush(): void {
    if (this.#flushTimer || this.#stopped || this.#listeners.size === 0) return;
    this.#flushTimer = this.#options.clock.setTimer(this.#options.flushDelayMs ?? 250, () => {
      this.#flushTimer = undefined;
      this.#flush();
    });
  }

  /** Brings rows and views up to date; returns what changed. */
  #recompute(): Omit<StreamDelta, 'seq' | 'timeline'> {
    const { source } = this.#options;
    const keys = this.#everything ? new Set([...source.keys(), ...this.#rows.keys()]) : new Set(this.#dirty);
    this.#everything = false;
    this.#dirty.clear();
    const upsert: EsSummary[] = [];
    const remove: string[] = [];
    for (const key of keys) {
      const summary = source.summary(key);
      if (!summary) {
        if (this.#rows.delete(key)) remove.push(key);
        continue;
      }
      const json = JSON.stringify(summary);
      if (this.#rows.get(key)?.json === json) continue;
      this.#rows.set(key, { summary, json });
      upsert.push(summary);
    }
    const delta: Omit<StreamDelta, 'seq' | 'timeline'> = { upsert, remove };
    const stores = source.stores();
    const storesJson = JSON.stringify(stores);
    if (storesJson !== this.#storesJson) {
      this.#storesJson = storesJson;
      this.#stores = stores;
      delta.stores = stores;
    }
    const vaults = source.vaults();
    const vaultsJson = JSON.stringify(vaults);
    if (vaultsJson !== this.#vaultsJson) {
      this.#vaultsJson = vaultsJson;
      this.#vaults = vaults;
      delta.vaults = vaults;
    }
    if (upsert.length + remove.length > 0 || delta.stores || delta.vaults) this.#seq += 1;
    return delta;
  }

  #flush(): void {
    if (this.#stopped) return;
    const changes = this.#recompute();
    const timeline = this.#timeline;
    this.#timeline = [];
    const empty =
      changes.upsert.length + changes.remove.length + timeline.length === 0 &&
      !changes.stores &&
      !changes.vaults;
    if (empty) return;
    const delta: StreamDelta = { seq: this.#seq, ...changes, timeline };
    for (const listener of [...this.#listeners]) listener(delta);
  }
}
