/**
 * The lock a `LeaderElector` contends for: one record with optimistic concurrency. An adapter
 * implements it on the API server's lease object; tests use `MemoryLeaseStore`.
 */

/** Times are RFC 3339 strings; implementations may change their precision. */
export interface LeaseRecord {
  /** Empty or absent: nobody holds the lease. */
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface VersionedLeaseRecord {
  record: LeaseRecord;
  /** Opaque version for `update` (a resourceVersion). */
  version: string;
}

export interface LeaseLock {
  /** The current record, or undefined when the lease does not exist. */
  get(): Promise<VersionedLeaseRecord | undefined>;
  /** Creates the lease; rejects when it exists already. Resolves with the new version. */
  create(record: LeaseRecord): Promise<string>;
  /** Replaces the record if it is still at `version`; throws `ConflictError` otherwise. Resolves with the new version. */
  update(record: LeaseRecord, version: string): Promise<string>;
  /** Names the lock in logs, e.g. `kvsync-system/kvsync-leader`. */
  describe(): string;
}

/** The lease changed since it was read (an optimistic-concurrency conflict). */
export class ConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConflictError';
  }
}
