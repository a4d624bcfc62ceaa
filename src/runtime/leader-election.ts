import { KvsyncError } from '../errors.ts';
import { systemClock, type Clock } from './clock.ts';
import type { LeaseLock, LeaseRecord } from './lease-lock.ts';

export { ConflictError } from './lease-lock.ts';
export type { LeaseLock, LeaseRecord, VersionedLeaseRecord } from './lease-lock.ts';

/**
 * Leader election on a lease, ported from client-go's `tools/leaderelection`:
 *
 * - a candidate takes the lease when it does not exist, is released (no holder), or has not
 *   changed for `leaseDurationSeconds` as measured on the candidate's own clock from the moment
 *   it saw the record change, so clock skew between candidates does not matter (the renewTime
 *   value itself is never compared with the clock);
 * - the leader renews every `retryPeriodMs`; if it cannot renew within `renewDeadlineMs` it stops
 *   leading (before the lease can expire for others, since leaseDuration > renewDeadline);
 * - writes carry the version read, so two candidates racing for the lease cannot both win.
 */

export interface LeaderElectorOptions {
  lock: LeaseLock;
  /** Unique per candidate, e.g. the pod name plus a random suffix. */
  identity: string;
  /** How long others wait before taking over an unrenewed lease; default 15000 (whole seconds are written). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before it gives up; default 10000. */
  renewDeadlineMs?: number;
  /** Pause between attempts; default 2000. Acquire attempts add up to 1.2× jitter. */
  retryPeriodMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Called when this candidate becomes leader; `signal` aborts when leadership ends. */
  onStartedLeading: (signal: AbortSignal) => void;
  /**
   * Called once leadership has ended (lost, or `run`'s signal aborted), only if it had started.
   * The lease is released only after a returned promise settles.
   */
  onStoppedLeading: () => void | Promise<void>;
  /** Called whenever another holder is observed (and when this candidate becomes the holder). */
  onNewLeader?: (identity: string) => void;
  /** Release the lease when `run`'s signal aborts, so a successor need not wait; default true. */
  releaseOnCancel?: boolean;
  /** Told about failed lock calls and callback exceptions (election goes on regardless). */
  onError?: (error: unknown) => void;
}

/** client-go's JitterFactor: acquire retries wait retryPeriod × (1 + random × 1.2). */
const JITTER_FACTOR = 1.2;

function validate(leaseMs: number, renewMs: number, retryMs: number): void {
  if (!(leaseMs > renewMs && renewMs > JITTER_FACTOR * retryMs && retryMs > 0))
    throw new KvsyncError(
      'ERR_INVALID_CONFIG',
      `leader election needs leaseDuration (${leaseMs} ms) > renewDeadline (${renewMs} ms) > 1.2 × retryPeriod (${retryMs} ms) > 0`,
    );
}

/** A comparable form of a record: equal for the same lease state whatever the time precision. */
function canonical(record: LeaseRecord): string {
  const time = (value: string | undefined) => (value ? Date.parse(value) : undefined);
  return JSON.stringify([
    record.holderIdentity ?? '',
    record.leaseDurationSeconds,
    time(record.acquireTime),
    time(record.renewTime),
    record.leaseTransitions ?? 0,
  ]);
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export class LeaderElector {
  readonly #options: LeaderElectorOptions;
  readonly #clock: Clock;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  #observed: LeaseRecord | undefined;
  #observedCanonical = '';
  #observedTimeMs = 0;
  #observedVersion = '';
  #reportedLeader = '';
  #leading = false;
  #running = false;

  /** Throws ERR_INVALID_CONFIG unless leaseDuration > renewDeadline > 1.2 × retryPeriod. */
  constructor(options: LeaderElectorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2000;
    validate(this.#leaseDurationMs, this.#renewDeadlineMs, this.#retryPeriodMs);
  }

  /**
   * Campaigns until leading, leads until the lease cannot be renewed or `signal` aborts, then
   * resolves (like client-go's `Run`: callers usually exit or call `run` again). Resolves
   * without leading when `signal` aborts first. Lock failures are retried, not thrown; it rejects
   * only when called while a previous `run` is still going.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new KvsyncError('ERR_INVALID_CONFIG', 'LeaderElector.run is already running');
    this.#running = true;
    try {
      if (!(await this.#acquire(signal))) return;
      await this.#lead(signal);
    } finally {
      this.#running = false;
    }
  }

  /** True between onStartedLeading and onStoppedLeading. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed on the lease; undefined when none was seen or it was released. */
  leader(): string | undefined {
    return this.#observed?.holderIdentity || undefined;
  }

  async #lead(signal: AbortSignal): Promise<void> {
    const leadership = new AbortController();
    this.#leading = true;
    this.#guard(() => this.#options.onStartedLeading(leadership.signal));
    try {
      await this.#renewLoop(signal);
    } finally {
      this.#leading = false;
      leadership.abort(new Error(`leadership of ${this.#options.lock.describe()} ended`));
      try {
        await this.#options.onStoppedLeading();
      } catch (error) {
        this.#report(error);
      }
      if (signal.aborted && (this.#options.releaseOnCancel ?? true)) await this.#release();
    }
  }

  /** Resolves true once this candidate holds the lease, false when `signal` aborts first. */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await raceAbort(this.#tryAcquireOrRenew(), signal)) return !signal.aborted;
      const jitteredMs = this.#retryPeriodMs * (1 + Math.random() * JITTER_FACTOR);
      await this.#clock.sleep(jitteredMs, signal).catch(() => {});
    }
    return false;
  }

  /** Renews every retry period; returns when renewing fails for a whole deadline or `signal` aborts. */
  async #renewLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.#clock.sleep(this.#retryPeriodMs, signal).catch(() => {});
      if (signal.aborted || !(await this.#renewWithinDeadline(signal))) return;
    }
  }

  async #renewWithinDeadline(signal: AbortSignal): Promise<boolean> {
    const deadline = new AbortController();
    const timer = this.#clock.setTimer(this.#renewDeadlineMs, () => deadline.abort());
    const bounded = AbortSignal.any([signal, deadline.signal]);
    try {
      while (!bounded.aborted) {
        if (await raceAbort(this.#tryAcquireOrRenew(), bounded)) return !bounded.aborted;
        await this.#clock.sleep(this.#retryPeriodMs, bounded).catch(() => {});
      }
      return false;
    } finally {
      timer.cancel();
    }
  }

  /** One attempt, as client-go's tryAcquireOrRenew. Never throws. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const nowMs = this.#clock.now();
    const acquired = (await this.#renewFast(nowMs)) || (await this.#acquireSlow(nowMs));
    this.#reportNewLeader();
    return acquired;
  }

  #holdsObserved(): boolean {
    return this.#observed?.holderIdentity === this.#options.identity;
  }

  #observedValid(nowMs: number): boolean {
    return this.#observedTimeMs + (this.#observed?.leaseDurationSeconds ?? 0) * 1000 > nowMs;
  }

  #freshRecord(nowMs: number): LeaseRecord {
    const now = new Date(nowMs).toISOString();
    return {
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.#leaseDurationMs / 1000)),
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
  }

  /** The fast path: still the holder and the lease still valid → write only a new renewTime. */
  async #renewFast(nowMs: number): Promise<boolean> {
    if (!this.#holdsObserved() || !this.#observedValid(nowMs)) return false;
    const record: LeaseRecord = {
      ...this.#freshRecord(nowMs),
      acquireTime: this.#observed!.acquireTime,
      leaseTransitions: this.#observed!.leaseTransitions ?? 0,
    };
    return this.#write(record, nowMs, this.#observedVersion);
  }

  async #acquireSlow(nowMs: number): Promise<boolean> {
    let current;
    try {
      current = await this.#options.lock.get();
    } catch (error) {
      this.#report(error);
      return false;
    }
    const record = this.#freshRecord(nowMs);
    if (!current) return this.#write(record, nowMs, undefined);
    this.#observe(current.record, current.version, nowMs);
    if (this.#observed?.holderIdentity && this.#observedValid(nowMs) && !this.#holdsObserved()) return false;
    if (this.#holdsObserved()) {
      record.acquireTime = this.#observed?.acquireTime;
      record.leaseTransitions = this.#observed?.leaseTransitions ?? 0;
    } else record.leaseTransitions = (this.#observed?.leaseTransitions ?? 0) + 1;
    return this.#write(record, nowMs, current.version);
  }

  /** Creates (version undefined) or updates the lease; on success the written record is the observed one. */
  async #write(record: LeaseRecord, nowMs: number, version: string | undefined): Promise<boolean> {
    try {
      const lock = this.#options.lock;
      const written = version === undefined ? await lock.create(record) : await lock.update(record, version);
      this.#observe(record, written, nowMs, true);
      return true;
    } catch (error) {
      this.#report(error);
      return false;
    }
  }

  /** Stores what was read; the observed time moves only when the record changed (or we wrote it). */
  #observe(record: LeaseRecord, version: string, nowMs: number, written = false): void {
    const form = canonical(record);
    if (written || form !== this.#observedCanonical) {
      this.#observed = record;
      this.#observedCanonical = form;
      this.#observedTimeMs = nowMs;
    }
    this.#observedVersion = version;
  }

  async #release(): Promise<void> {
    if (!this.#holdsObserved()) return;
    const now = new Date(this.#clock.now()).toISOString();
    const record: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: this.#observed?.leaseTransitions ?? 0,
    };
    await this.#write(record, this.#clock.now(), this.#observedVersion);
  }

  #reportNewLeader(): void {
    const holder = this.#observed?.holderIdentity ?? '';
    if (holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    if (holder) this.#guard(() => this.#options.onNewLeader?.(holder));
  }

  #guard(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#report(error);
    }
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // Reporting must not break the election.
    }
  }
}
