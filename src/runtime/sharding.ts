import { systemClock, type Clock } from './clock.ts';
import { LeaderElector } from './leader-election.ts';
import type { LeaseLock } from './lease-lock.ts';

/**
 * Work split over replicas: `shards` leases, each held by at most one live replica (the
 * lease's guarantee, as in leader election), and a membership heartbeat so that replicas agree
 * who should hold which shard (`assignShards`: rendezvous hashing, balanced). A replica
 * campaigns only for the shards assigned to it, and releases a shard (after `onReleased` has
 * drained its work) when the assignment moves. When a
 * replica dies its heartbeat expires (one lease duration), the others recompute and campaign,
 * and take each of its shards once its lease has gone unrenewed for another lease duration; a
 * replica that stops cleanly releases at once.
 */

export interface MemberRecord {
  identity: string;
  /** Last heartbeat, epoch ms. */
  renewedAtMs: number;
  /** Where the member's HTTP server is reached by its peers, when it said. */
  url?: string;
}

/** A member whose last heartbeat is younger than a lease duration. */
export function isLive(member: MemberRecord, nowMs: number, leaseDurationMs: number): boolean {
  return nowMs - member.renewedAtMs < leaseDurationMs;
}

/** Where replicas announce themselves (Leases named per member in Kubernetes). */
export interface MembershipStore {
  heartbeat(identity: string, nowMs: number): Promise<void>;
  members(): Promise<MemberRecord[]>;
  leave(identity: string): Promise<void>;
}

export interface ShardCoordinatorOptions {
  shards: number;
  identity: string;
  membership: MembershipStore;
  lockFor(shard: number): LeaseLock;
  clock?: Clock;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** This replica now holds `shard`: start its work. */
  onAcquired(shard: number): void;
  /** This replica is about to give `shard` up: stop and drain its work before resolving. */
  onReleased(shard: number): void | Promise<void>;
  onError?(error: unknown): void;
}

/** FNV-1a of `text`: 32 bits, stable across processes and versions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The shard of a key: FNV-1a of the key, modulo `shards`; stable across processes and versions. */
export function shardOf(key: string, shards: number): number {
  return fnv1a(key) % shards;
}

/** How much `member` wants `shard`: FNV-1a, mixed (MurmurHash3's finaliser) so near names differ. */
function preference(shard: number, member: string): number {
  let hash = fnv1a(`${shard}/${member}`);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * The holder of each shard among the live members: rendezvous hashing with exact quotas. Each
 * shard, in order, goes to the member that prefers it most among those with room; every member
 * gets ⌊shards/n⌋, and shards mod n of them one more. The same on every replica that sees the
 * same members, and stable: when a member dies, its shards move and about one other does (a
 * round-robin over the sorted members moved half of all shards, each move costing the new
 * holder a relist); when one joins, it takes about its share.
 */
export function assignShards(shards: number, liveMembers: readonly string[]): Array<string | undefined> {
  const members = [...new Set(liveMembers)].sort();
  if (members.length === 0) return Array.from({ length: shards }, () => undefined);
  const quota = Math.floor(shards / members.length);
  let roomForOneMore = shards % members.length;
  const load = new Map(members.map((member) => [member, 0]));
  return Array.from({ length: shards }, (_, shard) => {
    const ranked = members
      .map((member) => ({ member, rank: preference(shard, member) }))
      .sort((a, b) => b.rank - a.rank || (a.member < b.member ? -1 : 1));
    const { member } = ranked.find(({ member }) => {
      const taken = load.get(member)!;
      return taken < quota || (taken === quota && roomForOneMore > 0);
    })!;
    if (load.get(member) === quota) roomForOneMore -= 1;
    load.set(member, load.get(member)! + 1);
    return member;
  });
}

interface Campaign {
  abort: AbortController;
  done: Promise<void>;
  elector: LeaderElector;
}

export class ShardCoordinator {
  readonly #options: ShardCoordinatorOptions;
  readonly #clock: Clock;
  readonly #leaseDurationMs: number;
  readonly #retryPeriodMs: number;
  readonly #campaigns = new Map<number, Campaign>();
  readonly #owned = new Set<number>();
  #timer: { cancel(): void } | undefined;
  #stopped = false;
  #ticking: Promise<void> = Promise.resolve();

  constructor(options: ShardCoordinatorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
  }

  start(): void {
    this.#schedule(0);
  }

  /** True while this replica holds `shard`. */
  owns(shard: number): boolean {
    return this.#owned.has(shard);
  }

  owned(): number[] {
    return [...this.#owned].sort((a, b) => a - b);
  }

  /** Stops campaigning, releases every shard (after draining) and leaves the membership. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    await this.#ticking;
    await Promise.all([...this.#campaigns.keys()].map((shard) => this.#withdraw(shard)));
    await this.#options.membership
      .leave(this.#options.identity)
      .catch((error) => this.#options.onError?.(error));
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimer(delayMs, () => {
      this.#ticking = this.#tick().finally(() => this.#schedule(this.#retryPeriodMs));
    });
  }

  async #tick(): Promise<void> {
    const { membership, identity, shards } = this.#options;
    try {
      const nowMs = this.#clock.now();
      await membership.heartbeat(identity, nowMs);
      const live = (await membership.members())
        .filter((member) => isLive(member, nowMs, this.#leaseDurationMs))
        .map((member) => member.identity);
      const assignment = assignShards(shards, [...live, identity]);
      for (let shard = 0; shard < shards; shard++) {
        const mine = assignment[shard] === identity;
        if (mine && !this.#campaigns.has(shard)) this.#campaign(shard);
        if (!mine && this.#campaigns.has(shard)) await this.#withdraw(shard);
      }
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  #campaign(shard: number): void {
    const abort = new AbortController();
    const elector = new LeaderElector({
      lock: this.#options.lockFor(shard),
      identity: this.#options.identity,
      clock: this.#clock,
      leaseDurationMs: this.#leaseDurationMs,
      ...(this.#options.renewDeadlineMs ? { renewDeadlineMs: this.#options.renewDeadlineMs } : {}),
      retryPeriodMs: this.#retryPeriodMs,
      onStartedLeading: () => {
        this.#owned.add(shard);
        this.#options.onAcquired(shard);
      },
      onStoppedLeading: async () => {
        this.#owned.delete(shard);
        await this.#options.onReleased(shard);
      },
    });
    // run() returns when the lease is lost; campaign again while the shard is still ours.
    const done = (async () => {
      while (!abort.signal.aborted) {
        await elector.run(abort.signal).catch((error: unknown) => this.#options.onError?.(error));
        if (!abort.signal.aborted) await this.#clock.sleep(this.#retryPeriodMs, abort.signal).catch(() => {});
      }
    })();
    this.#campaigns.set(shard, { abort, done, elector });
  }

  async #withdraw(shard: number): Promise<void> {
    const campaign = this.#campaigns.get(shard);
    if (!campaign) return;
    this.#campaigns.delete(shard);
    campaign.abort.abort();
    await campaign.done;
  }
}

/** Membership in memory, for tests: one store shared by the coordinators of one test. */
export class MemoryMembership implements MembershipStore {
  readonly #members = new Map<string, number>();
  /** Identities whose calls fail, as a partitioned or killed replica's would. */
  readonly unreachable = new Set<string>();
  /** The URL each identity announces, when set. */
  readonly urls = new Map<string, string>();

  async heartbeat(identity: string, nowMs: number): Promise<void> {
    if (this.unreachable.has(identity)) throw new Error(`${identity} is unreachable`);
    this.#members.set(identity, nowMs);
  }

  async members(): Promise<MemberRecord[]> {
    return [...this.#members].map(([identity, renewedAtMs]) => {
      const url = this.urls.get(identity);
      return { identity, renewedAtMs, ...(url ? { url } : {}) };
    });
  }

  async leave(identity: string): Promise<void> {
    this.#members.delete(identity);
  }
}
