/**
 * Generic controller machinery: clock, work queue, controller, informer cache, leader election.
 * No domain knowledge and no particular API server: adapters elsewhere implement the list/watch
 * source and the lease lock.
 */
export { FakeClock, systemClock, type Clock, type Timer } from './clock.ts';
export { exponentialDelayMs } from './backoff.ts';
export { WorkQueue, type WorkQueueOptions, type WorkQueueStats } from './work-queue.ts';
export {
  Controller,
  TerminalError,
  type ControllerOptions,
  type ReconcileOutcome,
  type ReconcileResult,
  type Reconciler,
} from './controller.ts';
export {
  isExpiredEvent,
  type ListedObjects,
  type ListWatchSource,
  type WatchEventType,
  type WatchHandle,
} from './list-watch.ts';
export { namespacedKey, resourceVersionOf, type ObjectWithMeta } from './object-cache.ts';
export { Informer, WatchErrorEvent, type InformerOptions } from './informer.ts';
export { ConflictError, type LeaseLock, type LeaseRecord, type VersionedLeaseRecord } from './lease-lock.ts';
export { LeaderElector, type LeaderElectorOptions } from './leader-election.ts';
export { MemoryLeaseStore, MemoryListWatchSource } from './memory-source.ts';
export {
  assignShards,
  isLive,
  MemoryMembership,
  shardOf,
  ShardCoordinator,
  type MemberRecord,
  type MembershipStore,
  type ShardCoordinatorOptions,
} from './sharding.ts';
export { stableJson } from './stable-json.ts';
