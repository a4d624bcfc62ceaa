import { errorMessage, isKvsyncError } from '../errors.ts';
import type { SecretsProvider } from '../providers/provider.ts';
import type { Clock, Timer } from '../runtime/index.ts';
import type { RemoteVersions } from './remote-versions.ts';

/**
 * Cheap polling: per vault, one listing of secret properties (no values) per period instead
 * of one GET per ExternalSecret per refresh. The period is the shortest refresh interval of the
 * ExternalSecrets reading the vault, or the push fallback interval while Event Grid events
 * arrive for it. Changes found are handed to `onChanged` (which enqueues the ExternalSecrets
 * concerned). A vault is listed only when a listing costs fewer requests than reading its
 * referenced secrets one by one; a vault whose identity may not list falls back to reads.
 */

/** Key Vault's default page size for listing secrets. */
const LIST_PAGE_SIZE = 25;
/** How long a vault stays in read mode after listing was refused. */
const LIST_DENIED_RETRY_MS = 3_600_000;

export interface VaultPollsOptions {
  clock: Clock;
  versions: RemoteVersions;
  onChanged(vault: string, names: string[]): void;
  /** Period while push events arrive for a vault; default 1 h. */
  pushFallbackMs?: number;
  /** Push counts as healthy for this long after the last event; default the fallback period. */
  pushHealthyForMs?: number;
  /**
   * Vaults declared to have an Event Grid subscription to this operator (`--push-vaults`):
   * names (`our-vault`), hosts, or `*`. They count as pushing from the start, not only after
   * their first event.
   */
  pushVaults?: readonly string[];
  logger?: { warn(message: string, fields?: Record<string, unknown>): void };
}

export interface Subscription {
  vault: string;
  provider: SecretsProvider;
  names: readonly string[];
  intervalMs: number;
}

export type VaultMode = 'list' | 'read';

interface VaultState {
  subscriptions: Map<string, Subscription>;
  /** Lower-cased secret names read from the vault, with how many subscriptions read each. */
  names: Map<string, number>;
  timer?: Timer;
  nextPollMs?: number;
  listedCount?: number;
  listDeniedUntilMs: number;
  lastEventMs?: number;
  /** Declared to push (`pushVaults`): polled at the fallback period from the start. */
  declaredPush: boolean;
  /** Start of the last listing attempt, successful or not: failures wait a period too. */
  lastAttemptMs?: number;
  polling: boolean;
}

export class VaultPolls {
  readonly #options: VaultPollsOptions;
  readonly #vaults = new Map<string, VaultState>();
  /** The vault (key of `#vaults`) each owner is subscribed in. */
  readonly #vaultOf = new Map<string, string>();
  #stopped = false;

  constructor(options: VaultPollsOptions) {
    this.#options = options;
  }

  /** Declares (or replaces) what ExternalSecret `owner` reads from `subscription.vault`. */
  subscribe(owner: string, subscription: Subscription): void {
    const vault = subscription.vault.toLowerCase();
    const state = this.#state(vault);
    const previous = state.subscriptions.get(owner);
    // Every reconcile subscribes again: an unchanged subscription costs nothing.
    if (previous && sameSubscription(previous, subscription)) return;
    this.#forget(owner);
    state.subscriptions.set(owner, subscription);
    this.#vaultOf.set(owner, vault);
    for (const name of subscription.names) countName(state.names, name.toLowerCase(), 1);
    this.#schedule(vault, state);
  }

  /** Forgets `owner`. */
  unsubscribe(owner: string): void {
    const vault = this.#forget(owner);
    if (vault !== undefined) this.#schedule(vault, this.#vaults.get(vault)!);
  }

  /** Removes `owner`'s subscription without rescheduling; returns the vault it was in. */
  #forget(owner: string): string | undefined {
    const vault = this.#vaultOf.get(owner);
    if (vault === undefined) return undefined;
    this.#vaultOf.delete(owner);
    const state = this.#vaults.get(vault)!;
    const subscription = state.subscriptions.get(owner)!;
    state.subscriptions.delete(owner);
    for (const name of subscription.names) countName(state.names, name.toLowerCase(), -1);
    return vault;
  }

  /** The owners (ExternalSecret keys) that read `name` from `vault`. */
  owners(vault: string, name: string): string[] {
    const state = this.#vaults.get(vault.toLowerCase());
    if (!state?.names.has(name.toLowerCase())) return [];
    const wanted = name.toLowerCase();
    return [...state.subscriptions]
      .filter(([, subscription]) =>
        subscription.names.some((candidate) => candidate.toLowerCase() === wanted),
      )
      .map(([owner]) => owner);
  }

  /** An Event Grid event arrived for `vault`: push works, poll at the fallback period. */
  pushSeen(vault: string): void {
    const state = this.#state(vault);
    state.lastEventMs = this.#options.clock.now();
    this.#schedule(vault.toLowerCase(), state);
  }

  /** True when `vault` is declared to push, or while its events arrive (within the push-healthy window). */
  pushHealthy(vault: string): boolean {
    if (this.pushDeclared(vault)) return true;
    const last = this.#vaults.get(vault.toLowerCase())?.lastEventMs;
    return last !== undefined && this.#options.clock.now() - last < this.#pushHealthyForMs();
  }

  /** True when `vault` (a host) is among the vaults declared to push. */
  pushDeclared(vault: string): boolean {
    const host = vault.toLowerCase();
    const name = host.split('.')[0];
    return (this.#options.pushVaults ?? []).some((entry) => {
      const wanted = entry.toLowerCase();
      return wanted === '*' || wanted === host || wanted === name;
    });
  }

  /** Whether `vault` is polled by listing now. */
  mode(vault: string): VaultMode {
    const state = this.#vaults.get(vault.toLowerCase());
    return state ? this.#modeOf(state) : 'read';
  }

  /** When `vault` will be listed next; undefined when it is not polled. */
  nextPollMs(vault: string): number | undefined {
    return this.#vaults.get(vault.toLowerCase())?.nextPollMs;
  }

  /** Drops every subscription and timer (e.g. when this replica stops leading); usable again. */
  clear(): void {
    for (const state of this.#vaults.values()) state.timer?.cancel();
    this.#vaults.clear();
    this.#vaultOf.clear();
  }

  stop(): void {
    this.#stopped = true;
    for (const state of this.#vaults.values()) state.timer?.cancel();
  }

  #pushFallbackMs(): number {
    return this.#options.pushFallbackMs ?? 3_600_000;
  }

  #pushHealthyForMs(): number {
    return this.#options.pushHealthyForMs ?? this.#pushFallbackMs();
  }

  #state(vault: string): VaultState {
    const key = vault.toLowerCase();
    let state = this.#vaults.get(key);
    if (!state) {
      state = {
        subscriptions: new Map(),
        listDeniedUntilMs: 0,
        polling: false,
        names: new Map(),
        declaredPush: this.pushDeclared(key),
      };
      this.#vaults.set(key, state);
    }
    return state;
  }

  #modeOf(state: VaultState): VaultMode {
    if (state.listDeniedUntilMs > this.#options.clock.now() || state.subscriptions.size === 0) return 'read';
    const referenced = state.names.size;
    const pages = Math.max(1, Math.ceil((state.listedCount ?? referenced) / LIST_PAGE_SIZE));
    const pushing = state.declaredPush || state.lastEventMs !== undefined;
    return pages < referenced || (pushing && pages <= referenced) ? 'list' : 'read';
  }

  #periodMs(vault: string, state: VaultState): number {
    const shortest = Math.min(...[...state.subscriptions.values()].map((s) => s.intervalMs));
    return this.pushHealthy(vault) ? Math.max(shortest, this.#pushFallbackMs()) : shortest;
  }

  #schedule(vault: string, state: VaultState): void {
    if (this.#stopped || state.polling) return;
    state.timer?.cancel();
    state.timer = undefined;
    state.nextPollMs = undefined;
    if (this.#modeOf(state) !== 'list') return;
    const periodMs = this.#periodMs(vault, state);
    if (!Number.isFinite(periodMs) || periodMs <= 0) return;
    const lastMs = Math.max(
      this.#options.versions.listedAtMs(vault) ?? -Infinity,
      state.lastAttemptMs ?? -Infinity,
    );
    if (lastMs === -Infinity) state.lastAttemptMs = this.#options.clock.now();
    const base = lastMs === -Infinity ? this.#options.clock.now() : lastMs;
    const dueMs = Math.max(this.#options.clock.now(), base + periodMs);
    state.nextPollMs = dueMs;
    state.timer = this.#options.clock.setTimer(
      dueMs - this.#options.clock.now(),
      () => void this.#poll(vault, state),
    );
  }

  async #poll(vault: string, state: VaultState): Promise<void> {
    const subscription = state.subscriptions.values().next().value;
    if (!subscription?.provider.listSecretProperties) return;
    state.polling = true;
    try {
      const listedAtMs = this.#options.clock.now();
      state.lastAttemptMs = listedAtMs;
      const items = await subscription.provider.listSecretProperties();
      state.listedCount = items.length;
      const changed = this.#options.versions.noteListing(vault, items, listedAtMs);
      if (changed.length > 0) this.#options.onChanged(vault, changed);
    } catch (error) {
      if (isKvsyncError(error, 'ERR_PROVIDER_FORBIDDEN')) {
        state.listDeniedUntilMs = this.#options.clock.now() + LIST_DENIED_RETRY_MS;
        this.#options.logger?.warn('listing refused; reading secrets one by one for an hour', {
          vault,
          error,
        });
      } else this.#options.logger?.warn('listing failed', { vault, reason: errorMessage(error) });
    } finally {
      state.polling = false;
      this.#schedule(vault, state);
    }
  }
}

function sameSubscription(a: Subscription, b: Subscription): boolean {
  return (
    a.provider === b.provider &&
    a.intervalMs === b.intervalMs &&
    a.names.length === b.names.length &&
    a.names.every((name, i) => name === b.names[i])
  );
}

function countName(counts: Map<string, number>, name: string, delta: number): void {
  const count = (counts.get(name) ?? 0) + delta;
  if (count > 0) counts.set(name, count);
  else counts.delete(name);
}
