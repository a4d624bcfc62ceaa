import type { KubeClient } from '../kube/index.ts';
import {
  LeaderElector,
  type Reconciler,
  isLive,
  shardOf,
  ShardCoordinator,
  type Clock,
  type MembershipStore,
  type MemberRecord,
} from '../runtime/index.ts';

/**
 * Which keys this replica may reconcile: all of them (leader election off), all of them while it
 * holds the leader Lease, or those whose shard it holds (`--shards N`). Reconcilers ask `owns`
 * before they write; `released` hooks drain the work of what was given up before the lease goes.
 */

/** `all` for the leader Lease, or a shard number. */
export type Scope = 'all' | number;

export interface OwnershipHooks {
  acquired(scope: Scope): void;
  /** Resolves once no reconcile of `scope` is running; the lease is released after it. */
  released(scope: Scope): Promise<void>;
}

export interface Ownership {
  start(hooks: OwnershipHooks): void;
  owns(key: string): boolean;
  /** The scope a key belongs to. */
  scopeOf(key: string): Scope;
  /** For probes, metrics and the CLI. */
  describe(): { mode: 'single' | 'leader' | 'shards'; active: boolean; shards?: number[] };
  /** The other live replicas that said where they are reached (none without leader election). */
  peers(): Promise<Peer[]>;
  /** With shards: the shard of `key` and the replica holding it now (undefined when none does). */
  locate?(key: string): Promise<{ shard: number; holder: string | undefined }>;
  stop(): Promise<void>;
}

/** Another replica, and the base URL of its HTTP server. */
export interface Peer {
  identity: string;
  url: string;
}

export interface LeaseSettings {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** This replica's HTTP server as its peers reach it; announced in its membership Lease. */
  url?: string;
}

/** Where membership Leases carry a replica's URL. */
export const ANNOTATION_MEMBER_URL = 'kvsync.io/url';

/** Leader election off: this replica owns everything. */
export function soleOwnership(): Ownership {
  return {
    start: (hooks) => hooks.acquired('all'),
    owns: () => true,
    scopeOf: () => 'all',
    describe: () => ({ mode: 'single', active: true }),
    peers: async () => [],
    stop: async () => {},
  };
}

/** One Lease: the holder owns everything; campaigns again after losing it, until stopped. */
export function leaderOwnership(
  kube: KubeClient,
  lease: LeaseSettings,
  clock: Clock,
  log: { info(m: string, f?: object): void; warn(m: string, f?: object): void },
  membership: MembershipStore = kubeMembership(kube, lease.namespace, lease.name, lease.url),
): Ownership {
  let leading = false;
  const stop = new AbortController();
  let done: Promise<void> = Promise.resolve();
  let announced: Promise<void> = Promise.resolve();
  return {
    start(hooks) {
      const elector = new LeaderElector({
        lock: kube.leaseLock(lease.namespace, lease.name),
        identity: lease.identity,
        leaseDurationMs: lease.leaseDurationMs,
        renewDeadlineMs: lease.renewDeadlineMs,
        retryPeriodMs: lease.retryPeriodMs,
        clock,
        onStartedLeading: () => {
          leading = true;
          hooks.acquired('all');
        },
        onStoppedLeading: async () => {
          leading = false;
          await hooks.released('all');
        },
        onNewLeader: (identity) => log.info('leader elected', { leader: identity }),
      });
      done = (async () => {
        while (!stop.signal.aborted) {
          await elector
            .run(stop.signal)
            .catch((error: unknown) => log.warn('leader election failed', { error }));
          if (stop.signal.aborted) break;
          log.warn('leadership lost; campaigning again');
          await clock.sleep(lease.retryPeriodMs, stop.signal).catch(() => undefined);
        }
      })();
      announced = announce(membership, lease, clock, stop.signal, log);
    },
    owns: () => leading,
    scopeOf: () => 'all',
    describe: () => ({ mode: 'leader', active: leading }),
    peers: () => livePeers(membership, lease, clock),
    async stop() {
      stop.abort();
      await Promise.all([done, announced]);
    },
  };
}

/**
 * Keeps this replica's membership Lease fresh (a third of a lease duration apart) until
 * `signal` aborts, then deletes it. Under a leader the members only tell each other where they
 * are; with shards the coordinator heartbeats instead, as often as it campaigns.
 */
async function announce(
  membership: MembershipStore,
  lease: LeaseSettings,
  clock: Clock,
  signal: AbortSignal,
  log: { warn(m: string, f?: object): void },
): Promise<void> {
  while (!signal.aborted) {
    await membership
      .heartbeat(lease.identity, clock.now())
      .catch((error: unknown) => log.warn('membership heartbeat failed', { error }));
    await clock.sleep(lease.leaseDurationMs / 3, signal).catch(() => undefined);
  }
  await membership.leave(lease.identity).catch(() => undefined);
}

/** Members other than this one, heartbeating within a lease duration, that announced a URL. */
async function livePeers(membership: MembershipStore, lease: LeaseSettings, clock: Clock): Promise<Peer[]> {
  const nowMs = clock.now();
  return (await membership.members()).flatMap((member) =>
    member.identity !== lease.identity && member.url && isLive(member, nowMs, lease.leaseDurationMs)
      ? [{ identity: member.identity, url: member.url }]
      : [],
  );
}

/** Membership through one Lease per replica (`<name>-member-<identity>`), labelled for listing. */
export function kubeMembership(
  kube: KubeClient,
  namespace: string,
  leaseName: string,
  url?: string,
): MembershipStore {
  const label = `kvsync.io/member-of=${leaseName}`;
  const nameOf = (identity: string) =>
    `${leaseName}-member-${identity.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 253);
  const ref = (identity: string) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace,
    name: nameOf(identity),
  });
  return {
    async heartbeat(identity, nowMs) {
      const renewTime = new Date(nowMs).toISOString().replace('Z', '000Z');
      const annotations = url ? { [ANNOTATION_MEMBER_URL]: url } : undefined;
      const updated = await kube
        .mergePatch(ref(identity), {
          ...(annotations ? { metadata: { annotations } } : {}),
          spec: { holderIdentity: identity, renewTime },
        })
        .catch((error: { reason?: string }) => {
          if (error.reason !== 'NotFound') throw error;
          return undefined;
        });
      if (updated) return;
      await kube.create({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: nameOf(identity),
          namespace,
          labels: { 'kvsync.io/member-of': leaseName },
          ...(annotations ? { annotations } : {}),
        },
        spec: { holderIdentity: identity, renewTime },
      });
    },
    async members(): Promise<MemberRecord[]> {
      const leases = await kube.list<{
        metadata?: { annotations?: Record<string, string> };
        spec?: { holderIdentity?: string; renewTime?: string };
      }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace,
        labelSelector: label,
      });
      return leases.flatMap((lease) =>
        lease.spec?.holderIdentity && lease.spec.renewTime
          ? [
              {
                identity: lease.spec.holderIdentity,
                renewedAtMs: Date.parse(lease.spec.renewTime),
                ...(lease.metadata?.annotations?.[ANNOTATION_MEMBER_URL]
                  ? { url: lease.metadata.annotations[ANNOTATION_MEMBER_URL] }
                  : {}),
              },
            ]
          : [],
      );
    },
    async leave(identity) {
      await kube.delete(ref(identity));
    },
  };
}

/** `shards` Leases (`<name>-shard-<i>`) split over the live replicas. */
export function shardOwnership(
  kube: KubeClient,
  lease: LeaseSettings,
  shards: number,
  clock: Clock,
  log: { warn(m: string, f?: object): void },
  membership: MembershipStore = kubeMembership(kube, lease.namespace, lease.name, lease.url),
): Ownership {
  let coordinator: ShardCoordinator | undefined;
  return {
    start(hooks) {
      coordinator = new ShardCoordinator({
        shards,
        identity: lease.identity,
        membership,
        clock,
        leaseDurationMs: lease.leaseDurationMs,
        renewDeadlineMs: lease.renewDeadlineMs,
        retryPeriodMs: lease.retryPeriodMs,
        lockFor: (shard) => kube.leaseLock(lease.namespace, `${lease.name}-shard-${shard}`),
        onAcquired: (shard) => hooks.acquired(shard),
        onReleased: (shard) => hooks.released(shard),
        onError: (error) => log.warn('sharding: lease or membership call failed', { error }),
      });
      coordinator.start();
    },
    owns: (key) => coordinator?.owns(shardOf(key, shards)) ?? false,
    scopeOf: (key) => shardOf(key, shards),
    describe: () => ({
      mode: 'shards',
      active: (coordinator?.owned().length ?? 0) > 0,
      shards: coordinator?.owned() ?? [],
    }),
    peers: () => livePeers(membership, lease, clock),
    async locate(key) {
      const shard = shardOf(key, shards);
      const held = await kube.get<{ spec?: { holderIdentity?: string } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: lease.namespace,
        name: `${lease.name}-shard-${shard}`,
      });
      return { shard, holder: held?.spec?.holderIdentity || undefined };
    },
    stop: async () => coordinator?.stop(),
  };
}

/** Sole, leader or sharded ownership, as the settings ask. */
export function createOwnership(
  kube: KubeClient,
  settings: { leaderElection?: LeaseSettings; shards?: number },
  clock: Clock,
  logger: { info(m: string, f?: object): void; warn(m: string, f?: object): void },
): Ownership {
  const lease = settings.leaderElection;
  if (!lease) return soleOwnership();
  if ((settings.shards ?? 1) > 1) return shardOwnership(kube, lease, settings.shards!, clock, logger);
  return leaderOwnership(kube, lease, clock, logger);
}

/**
 * Runs a reconciler only for keys this replica owns, and knows which reconciles are in flight
 * per scope, so that giving a scope up can wait for them (no two replicas write one object).
 */
export class OwnedWork {
  readonly #ownership: Ownership;
  readonly #ready: (scope: Scope) => boolean;
  readonly #inFlight = new Map<Scope, number>();
  readonly #waiters = new Map<Scope, Array<() => void>>();

  /** `ready`: whether the caches hold a newly owned scope yet; its keys wait until they do. */
  constructor(ownership: Ownership, ready: (scope: Scope) => boolean = () => true) {
    this.#ownership = ownership;
    this.#ready = ready;
  }

  guard(reconciler: Reconciler): Reconciler {
    return {
      reconcile: async (key) => {
        if (!this.#ownership.owns(key)) return;
        const scope = this.#ownership.scopeOf(key);
        if (!this.#ready(scope)) return;
        this.#inFlight.set(scope, (this.#inFlight.get(scope) ?? 0) + 1);
        try {
          return await reconciler.reconcile(key);
        } finally {
          const left = this.#inFlight.get(scope)! - 1;
          this.#inFlight.set(scope, left);
          if (left === 0) for (const wake of this.#waiters.get(scope)?.splice(0) ?? []) wake();
        }
      },
    };
  }

  /** Resolves once no reconcile of `scope` is running. */
  drained(scope: Scope): Promise<void> {
    if ((this.#inFlight.get(scope) ?? 0) === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#waiters.get(scope) ?? [];
      waiting.push(resolve);
      this.#waiters.set(scope, waiting);
    });
  }
}
