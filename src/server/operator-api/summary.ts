/**
 * From an ExternalSecret, its store and what the operator knows of remote versions to the
 * summary and remote-key views the API answers with. Pure: no I/O, the time comes in.
 */
import {
  CONDITION_READY,
  effectiveRefreshIntervalMs,
  effectiveRefreshPolicy,
  effectiveStoreRef,
  effectiveTargetName,
  type AnySecretStore,
  type ExternalSecret,
} from '../../api/index.ts';
import { lastSyncMs, remoteObjects } from '../../controllers/external-secret/refresh-plan.ts';
import { vaultHostOf, type RemoteVersions } from '../../refresh/remote-versions.ts';
import type { Drift, EsState, EsSummary, ReloaderDetail, RemoteKeyView } from './wire.ts';

/** What the summary of one ExternalSecret may draw on besides the object itself. */
export interface SummaryContext {
  /** The store the ExternalSecret names, when it exists. */
  store?: AnySecretStore;
  /** Change detection's knowledge; undefined when change detection is off. */
  versions?: RemoteVersions;
  /** Reloader data for the target Secret; undefined without a reloader. */
  reloader?: ReloaderDetail;
}

/** `namespace/name` of an ExternalSecret. */
export function esKey(es: ExternalSecret): string {
  return `${es.metadata.namespace}/${es.metadata.name}`;
}

/** The vault URL a store reads, when it is an Azure Key Vault store. */
export function vaultUrlOf(store: AnySecretStore | undefined): string | undefined {
  return store?.spec.provider?.azurekv?.vaultUrl;
}

/** The host of a vault URL, or undefined when the URL cannot be parsed. */
export function safeVaultHost(vaultUrl: string | undefined): string | undefined {
  if (!vaultUrl) return undefined;
  try {
    return vaultHostOf(vaultUrl);
  } catch {
    return undefined;
  }
}

/** `spec.refreshInterval` in ms; -1 when it cannot be parsed (validation reports that). */
export function intervalMsOf(es: ExternalSecret): number {
  try {
    return effectiveRefreshIntervalMs(es);
  } catch {
    return -1;
  }
}

function readyOf(es: ExternalSecret) {
  return es.status?.conditions?.find((condition) => condition.type === CONDITION_READY);
}

/** The per-remote-key view: synced version from status, what is known now, whether it is newer. */
export function remoteKeyViews(es: ExternalSecret, context: SummaryContext): RemoteKeyView[] {
  const vaultUrl = vaultUrlOf(context.store);
  const synced = new Map((es.status?.syncedVersions ?? []).map((entry) => [entry.key, entry]));
  const syncedAtMs = lastSyncMs(es);
  const refs = vaultUrl && safeVaultHost(vaultUrl) ? remoteObjects(es, vaultUrl) : [];
  const keys: Array<{ key: string; secretKey?: string }> = [
    ...(es.spec.dataFrom ?? []).flatMap((entry) => (entry.extract ? [{ key: entry.extract.key }] : [])),
    ...(es.spec.data ?? []).map((entry) => ({ key: entry.remoteRef.key, secretKey: entry.secretKey })),
  ];
  return keys.map((entry, index) => {
    const ref = refs[index];
    const last = synced.get(entry.key);
    const state = ref && ref.isSecret ? context.versions?.get(ref.vault, ref.name) : undefined;
    const newer =
      !!ref &&
      ref.isSecret &&
      !ref.pinned &&
      !!ref.synced &&
      syncedAtMs !== undefined &&
      !!context.versions?.isNewerThan(ref.vault, ref.name, ref.synced, syncedAtMs);
    return {
      key: entry.key,
      ...(entry.secretKey !== undefined ? { secretKey: entry.secretKey } : {}),
      pinned: ref?.pinned ?? false,
      ...(last ? { syncedVersion: last.version } : {}),
      ...(last?.updated ? { syncedUpdated: last.updated } : {}),
      ...(state
        ? {
            known: {
              ...(state.version !== undefined ? { version: state.version } : {}),
              ...(state.updatedMs !== undefined ? { updated: new Date(state.updatedMs).toISOString() } : {}),
              source: state.source,
              learnedAt: new Date(state.learnedAtMs).toISOString(),
              ...(state.missing ? { missing: true } : {}),
            },
          }
        : {}),
      newer,
    };
  });
}

/** `newer` when any key is known newer; `same` when every unpinned secret key is known and none is. */
export function driftOf(es: ExternalSecret, views: readonly RemoteKeyView[]): Drift {
  if (views.some((view) => view.newer)) return 'newer';
  if (!es.status?.refreshTime) return 'unknown';
  const watched = views.filter((view) => !view.pinned);
  if (watched.length === 0) return views.length > 0 ? 'same' : 'unknown';
  return watched.every((view) => view.known && view.syncedVersion) ? 'same' : 'unknown';
}

export function stateOf(es: ExternalSecret, drift: Drift): EsState {
  const ready = readyOf(es);
  if (!ready) return 'pending';
  if (ready.status !== 'True') return 'failed';
  return drift === 'newer' ? 'drift' : 'synced';
}

/** The summary row of one ExternalSecret. */
export function summarize(es: ExternalSecret, context: SummaryContext): EsSummary {
  const views = remoteKeyViews(es, context);
  const drift = driftOf(es, views);
  const state = stateOf(es, drift);
  const ready = readyOf(es);
  const vault = safeVaultHost(vaultUrlOf(context.store));
  const status = es.status;
  return {
    key: esKey(es),
    namespace: es.metadata.namespace ?? '',
    name: es.metadata.name ?? '',
    store: effectiveStoreRef(es),
    target: effectiveTargetName(es),
    intervalMs: intervalMsOf(es),
    refreshPolicy: effectiveRefreshPolicy(es),
    ...(status?.refreshTime ? { refreshTime: status.refreshTime } : {}),
    ...(status?.nextRefreshTime ? { nextRefreshTime: status.nextRefreshTime } : {}),
    state,
    ...(ready?.reason ? { reason: ready.reason } : {}),
    ...(state === 'failed' && ready?.message ? { message: ready.message } : {}),
    ...(vault ? { vault } : {}),
    drift,
    versions: [
      ...new Set((status?.syncedVersions ?? []).map((entry) => `${entry.key}@${entry.version.slice(0, 8)}`)),
    ],
    ...(context.reloader
      ? {
          stalePods: context.reloader.stalePods.length,
          pendingRestarts: context.reloader.pendingRestarts.length,
        }
      : {}),
  };
}
