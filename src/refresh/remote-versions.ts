import type { RemoteSecretProperties } from '../providers/provider.ts';

/**
 * What kvsync last learned about each remote secret's current version without reading its
 * value: from a listing of the vault (version id and `updated` time) or from a push event
 * (version id). Keys are vault host + secret name, lower-cased (Key Vault names are
 * case-insensitive). Memory only; a restart starts empty and falls back to reading.
 */

export type KnowledgeSource = 'list' | 'event' | 'get';

export interface RemoteState {
  version?: string;
  /** Remote `updated` time, epoch ms (whole seconds in Key Vault). */
  updatedMs?: number;
  enabled?: boolean;
  /** True when the latest listing did not contain it. */
  missing?: boolean;
  /** When kvsync learned this, epoch ms. */
  learnedAtMs: number;
  source: KnowledgeSource;
}

/** What an ExternalSecret last synced for one remote key (from its status). */
export interface SyncedState {
  version?: string;
  updatedMs?: number;
}

function keyOf(vault: string, name: string): string {
  return `${vault.toLowerCase()}/${name.toLowerCase()}`;
}

/**
 * The host of a vault URL, with its port when not 443 (`https://our-vault.vault.azure.net/` →
 * `our-vault.vault.azure.net`; an emulator's `https://127.0.0.1:8443` → `127.0.0.1:8443`).
 */
export function vaultHostOf(vaultUrl: string): string {
  return new URL(vaultUrl).host.toLowerCase();
}

export class RemoteVersions {
  readonly #states = new Map<string, RemoteState>();
  readonly #listedAtMs = new Map<string, number>();

  get(vault: string, name: string): RemoteState | undefined {
    return this.#states.get(keyOf(vault, name));
  }

  /** Records one observation; an older event never overwrites a newer listing or read. */
  note(vault: string, name: string, state: RemoteState): void {
    const key = keyOf(vault, name);
    const previous = this.#states.get(key);
    if (previous && previous.learnedAtMs > state.learnedAtMs) return;
    this.#states.set(key, { ...previous, ...state });
  }

  /**
   * Records a full listing of `vault` taken at `atMs` and returns the names whose version,
   * `updated` time or enabled state differ from what was known (new and vanished names too).
   * The first listing of a vault reports nothing: there was nothing to compare with.
   */
  noteListing(vault: string, items: readonly RemoteSecretProperties[], atMs: number): string[] {
    const host = vault.toLowerCase();
    const first = !this.#listedAtMs.has(host);
    const changed: string[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(host, item.name);
      seen.add(key);
      const previous = this.#states.get(key);
      const updatedMs = item.updatedOn?.getTime();
      const differs =
        !previous ||
        previous.missing === true ||
        (updatedMs !== undefined && previous.updatedMs !== undefined && updatedMs > previous.updatedMs) ||
        (item.version !== undefined && previous.version !== undefined && item.version !== previous.version) ||
        (previous.enabled !== undefined && previous.enabled !== item.enabled);
      if (differs && !first && (!previous || previous.learnedAtMs <= atMs)) changed.push(item.name);
      this.#states.set(key, {
        ...(item.version !== undefined
          ? { version: item.version }
          : previous?.version
            ? { version: previous.version }
            : {}),
        ...(updatedMs !== undefined ? { updatedMs } : {}),
        enabled: item.enabled,
        learnedAtMs: atMs,
        source: 'list',
      });
    }
    for (const [key, state] of this.#states)
      if (key.startsWith(`${host}/`) && !seen.has(key) && !state.missing) {
        this.#states.set(key, { ...state, missing: true, learnedAtMs: atMs, source: 'list' });
        if (!first) changed.push(key.slice(host.length + 1));
      }
    this.#listedAtMs.set(host, atMs);
    return changed;
  }

  /** When `vault` was last listed completely; undefined when never. */
  listedAtMs(vault: string): number | undefined {
    return this.#listedAtMs.get(vault.toLowerCase());
  }

  /**
   * True when what is known about `name` is newer than what was synced: another version id
   * (from an event or listing learned after `syncedAtMs`), a later `updated` time, or a
   * disappearance.
   */
  isNewerThan(vault: string, name: string, synced: SyncedState, syncedAtMs: number): boolean {
    const state = this.get(vault, name);
    if (!state || state.learnedAtMs < syncedAtMs) return false;
    if (state.missing) return true;
    if (state.version !== undefined && synced.version !== undefined && state.version !== synced.version)
      return true;
    return (
      state.updatedMs !== undefined && synced.updatedMs !== undefined && state.updatedMs > synced.updatedMs
    );
  }

  /**
   * True when what is known since `sinceMs` shows `name` exactly as synced, so that a periodic
   * refresh can skip reading it: a listing of `vault` taken since then, or — when
   * `trustReads` (the vault is listed periodically, so a later change is still caught within
   * one listing period) — a read made since then.
   */
  confirmsUnchanged(
    vault: string,
    name: string,
    synced: SyncedState,
    sinceMs: number,
    trustReads = false,
  ): boolean {
    const state = this.get(vault, name);
    if (!state || state.missing || state.enabled === false) return false;
    const listedAtMs = this.listedAtMs(vault);
    const listedSince = state.source === 'list' && listedAtMs !== undefined && listedAtMs >= sinceMs;
    const readSince = trustReads && state.source === 'get' && state.learnedAtMs >= sinceMs;
    if (!listedSince && !readSince) return false;
    if (state.version !== undefined && synced.version !== undefined) return state.version === synced.version;
    return (
      state.updatedMs !== undefined && synced.updatedMs !== undefined && state.updatedMs === synced.updatedMs
    );
  }
}
