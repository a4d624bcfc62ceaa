import type { RemoteVersions, SyncedState } from './remote-versions.ts';

/**
 * Whether a sync must read Key Vault, on top of ESO's rules: ESO decides *when* a sync is
 * due; kvsync then skips the reads that cannot change anything (a listing or healthy push
 * shows every remote object as synced) and syncs at once when it learns of a newer version
 * (an Event Grid event, a listing) before the sync is due.
 */

/** One remote object an ExternalSecret reads. */
export interface RemoteObjectRef {
  vault: string;
  name: string;
  /** A plain secret (not `key/` or `cert/`): only those appear in listings and secret events. */
  isSecret: boolean;
  /** `remoteRef.version` set: the object cannot change. */
  pinned: boolean;
  /** What the last successful sync read, from status; undefined when never read. */
  synced?: SyncedState;
}

/** Why ESO's rules want a sync now: `forced` (new, changed or invalid target), `due` (interval elapsed), or `none`. */
export type SyncTrigger = 'forced' | 'due' | 'none';

export type RefreshDecision =
  | { action: 'fetch'; reason: 'forced' | 'changed-remotely' | 'due' }
  | { action: 'skip'; reason: 'listing-unchanged' | 'push-healthy' }
  | { action: 'none' };

export interface RefreshInput {
  refs: readonly RemoteObjectRef[];
  trigger: SyncTrigger;
  /** When the last successful sync started; undefined when never. */
  syncedAtMs?: number;
  intervalMs: number;
  nowMs: number;
  versions: RemoteVersions;
  pushHealthy(vault: string): boolean;
  /** True while `vault` is polled by listing (a change is then caught within one period). */
  listingActive?(vault: string): boolean;
}

function changedRemotely(input: RefreshInput): boolean {
  if (input.syncedAtMs === undefined) return false;
  return input.refs.some(
    (ref) =>
      ref.isSecret &&
      !ref.pinned &&
      ref.synced !== undefined &&
      input.versions.isNewerThan(ref.vault, ref.name, ref.synced, input.syncedAtMs!),
  );
}

function coveredBy(
  input: RefreshInput,
  ref: RemoteObjectRef,
): 'listing-unchanged' | 'push-healthy' | undefined {
  if (!ref.synced) return undefined;
  if (ref.pinned) return 'listing-unchanged';
  if (!ref.isSecret) return undefined;
  const trustReads = input.listingActive?.(ref.vault) ?? false;
  if (
    input.versions.confirmsUnchanged(
      ref.vault,
      ref.name,
      ref.synced,
      input.nowMs - input.intervalMs,
      trustReads,
    )
  )
    return 'listing-unchanged';
  return input.pushHealthy(ref.vault) ? 'push-healthy' : undefined;
}

/** The decision for one reconcile; pure. */
export function decideRefresh(input: RefreshInput): RefreshDecision {
  if (input.trigger === 'forced') return { action: 'fetch', reason: 'forced' };
  if (changedRemotely(input)) return { action: 'fetch', reason: 'changed-remotely' };
  if (input.trigger === 'none') return { action: 'none' };
  if (input.refs.length === 0) return { action: 'fetch', reason: 'due' };
  const cover = input.refs.map((ref) => coveredBy(input, ref));
  if (cover.some((reason) => reason === undefined)) return { action: 'fetch', reason: 'due' };
  return { action: 'skip', reason: cover.includes('push-healthy') ? 'push-healthy' : 'listing-unchanged' };
}
