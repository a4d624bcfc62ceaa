import { effectiveRefreshIntervalMs, effectiveRefreshPolicy, type ExternalSecret } from '../../api/index.ts';
import {
  decideRefresh,
  type RefreshDecision,
  type RemoteObjectRef,
  type SyncTrigger,
} from '../../refresh/decide.ts';
import type { SecretsProvider } from '../../providers/provider.ts';
import { vaultHostOf, type RemoteVersions } from '../../refresh/remote-versions.ts';
import type { VaultPolls } from '../../refresh/vault-polls.ts';
import type { SyncedSource } from './fetch.ts';
import { syncedResourceVersion } from './hash.ts';
import { isTargetValid, jitteredRefreshDue, shouldRefresh, type TargetSecretView } from './refresh.ts';

/**
 * What ESO's rules say about a sync now, in the terms `refresh/decide.ts` needs: whether it is
 * forced (new, changed or invalid target: always read), merely due (the interval elapsed: the
 * reads may be skipped when nothing changed remotely), or not wanted; and which remote objects
 * the ExternalSecret reads, with what it last synced of each.
 */

/** The trigger of a sync by ESO's rules (`refresh.ts`), split into forced and due. */
export function syncTrigger(
  es: ExternalSecret,
  target: TargetSecretView | undefined,
  nowMs: number,
): SyncTrigger {
  if (!isTargetValid(target, es)) return 'forced';
  if (!shouldRefresh(es, nowMs) && !jitteredRefreshDue(es, nowMs)) return 'none';
  const neverSynced = !es.status?.refreshTime || !es.status.syncedResourceVersion;
  const metadataChanged = es.status?.syncedResourceVersion !== syncedResourceVersion(es.metadata);
  return neverSynced || metadataChanged ? 'forced' : 'due';
}

/** True when the ExternalSecret refreshes periodically, so that push and listings may sync it early. */
export function refreshesPeriodically(es: ExternalSecret): boolean {
  return effectiveRefreshPolicy(es) === 'Periodic' && effectiveRefreshIntervalMs(es) > 0;
}

function parseKey(key: string): { name: string; isSecret: boolean } {
  const [first, second] = key.split('/');
  if (second === undefined) return { name: key, isSecret: true };
  return { name: second, isSecret: first === 'secret' };
}

/** The remote objects `es` reads from `vaultUrl`, each with what its last sync read. */
export function remoteObjects(es: ExternalSecret, vaultUrl: string): RemoteObjectRef[] {
  const vault = vaultHostOf(vaultUrl);
  const synced = new Map((es.status?.syncedVersions ?? []).map((entry) => [entry.key, entry]));
  const refs = [
    ...(es.spec.dataFrom ?? []).flatMap((entry) => (entry.extract ? [entry.extract] : [])),
    ...(es.spec.data ?? []).map((entry) => entry.remoteRef),
  ];
  return refs.map((ref) => {
    const last = synced.get(ref.key);
    const updatedMs = last?.updated ? Date.parse(last.updated) : undefined;
    return {
      vault,
      ...parseKey(ref.key),
      pinned: !!ref.version,
      ...(last
        ? {
            synced: {
              version: last.version,
              ...(updatedMs !== undefined && !Number.isNaN(updatedMs) ? { updatedMs } : {}),
            },
          }
        : {}),
    };
  });
}

/** When the last successful sync started, epoch ms; undefined when never. */
export function lastSyncMs(es: ExternalSecret): number | undefined {
  const time = es.status?.refreshTime ? Date.parse(es.status.refreshTime) : NaN;
  return Number.isNaN(time) ? undefined : time;
}

/** What the reconciler knows of remote versions, and the per-vault listing polls. */
export interface ChangeTracking {
  versions: RemoteVersions;
  polls: VaultPolls;
}

/** `namespace/name`, the key of an ExternalSecret in queues and subscriptions. */
export function keyOf(es: ExternalSecret): string {
  return `${es.metadata.namespace}/${es.metadata.name}`;
}

/** Records the versions a fetch read, so that listings and events compare against them. */
export function learnVersions(
  versions: RemoteVersions,
  vaultUrl: string,
  sources: readonly SyncedSource[],
  startedMs: number,
): void {
  const vault = vaultHostOf(vaultUrl);
  for (const source of sources) {
    if (source.key.includes('/') && !source.key.startsWith('secret/')) continue;
    versions.note(vault, source.key.replace(/^secret\//, ''), {
      version: source.version,
      ...(source.updatedOn ? { updatedMs: source.updatedOn.getTime() } : {}),
      learnedAtMs: startedMs,
      source: 'get',
    });
  }
}

/**
 * When the next periodic sync of a sync started at `startedMs` is due: one interval later,
 * moved earlier by `jitterFraction` of it; undefined when `es` does not refresh periodically.
 */
export function nextRefreshAtMs(
  es: ExternalSecret,
  startedMs: number,
  jitterFraction: number,
): number | undefined {
  if (!refreshesPeriodically(es)) return undefined;
  return startedMs + Math.round(effectiveRefreshIntervalMs(es) * (1 - jitterFraction));
}

/** ESO's decision, refined by what is known of remote versions; subscribes `es` to its vault's polls. */
export function planRefresh(
  es: ExternalSecret,
  trigger: SyncTrigger,
  access: { provider: SecretsProvider; vaultUrl?: string },
  tracking: ChangeTracking | undefined,
  nowMs: number,
): RefreshDecision {
  if (!tracking || !access.vaultUrl)
    return trigger === 'none'
      ? { action: 'none' }
      : { action: 'fetch', reason: trigger === 'due' ? 'due' : 'forced' };
  const refs = remoteObjects(es, access.vaultUrl);
  const intervalMs = effectiveRefreshIntervalMs(es);
  const vault = vaultHostOf(access.vaultUrl);
  const names = refs.filter((ref) => ref.isSecret && !ref.pinned).map((ref) => ref.name);
  tracking.polls.subscribe(keyOf(es), { vault, provider: access.provider, names, intervalMs });
  const syncedAtMs = lastSyncMs(es);
  return decideRefresh({
    refs,
    trigger,
    ...(syncedAtMs !== undefined ? { syncedAtMs } : {}),
    intervalMs,
    nowMs,
    versions: tracking.versions,
    pushHealthy: (host) => tracking.polls.pushHealthy(host),
    listingActive: (host) => tracking.polls.mode(host) === 'list',
  });
}
