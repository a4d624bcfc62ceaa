/**
 * What the operator API answers, as JSON: the one contract shared by the operator (which
 * builds these), the CLI and the dashboard (which read them). Times are RFC 3339 strings,
 * durations milliseconds. Nothing here ever carries a secret value: versions, names, states,
 * messages that are value-free by the provider's contract, and keyed hashes that can only be
 * compared with each other within one answer.
 *
 * Fields of the reloader (stale pods, pending restarts) are optional: absent while the
 * operator runs without one, and readers show "not available".
 */

/** Prefix of every operator API path. */
export const OPERATOR_API_PREFIX = '/api/v1';
/**
 * Header carrying the action token. Not `Authorization`: the Kubernetes API server removes that
 * header when it proxies a request to a Service, and a custom header cannot be sent cross-site
 * without a CORS preflight, which the operator never grants.
 */
export const TOKEN_HEADER = 'x-kvsync-token';
/** The annotation `kvsync sync` and the dashboard write to force a sync (ESO users' convention). */
export const FORCE_SYNC_ANNOTATION = 'force-sync';
/** Field manager of the force-sync annotation written by the operator (dashboard action). */
export const FORCE_SYNC_FIELD_MANAGER = 'kvsync-dashboard';

/**
 * The health of one ExternalSecret at a glance:
 * - `synced`: Ready, and nothing newer is known in Key Vault;
 * - `drift`: Ready, but Key Vault is known to hold a newer version than the one synced;
 * - `failed`: the last sync failed (Ready=False);
 * - `pending`: not synced yet (no Ready condition).
 */
export type EsState = 'synced' | 'drift' | 'failed' | 'pending';
export const ES_STATES: readonly EsState[] = ['synced', 'drift', 'failed', 'pending'];

/** Whether Key Vault holds a newer version than the synced one: known newer, known same, or not known. */
export type Drift = 'newer' | 'same' | 'unknown';

export interface EsSummary {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  name: string;
  store: { kind: 'SecretStore' | 'ClusterSecretStore'; name: string };
  /** The target Secret's name. */
  target: string;
  /** `spec.refreshInterval` in ms; 0 means "sync once". */
  intervalMs: number;
  refreshPolicy: string;
  refreshTime?: string;
  nextRefreshTime?: string;
  state: EsState;
  /** The Ready condition's reason, when there is one. */
  reason?: string;
  /** The Ready condition's message when the state is `failed`. */
  message?: string;
  /** Host of the store's vault (`our-vault.vault.azure.net`), when known. */
  vault?: string;
  drift: Drift;
  /** `remoteKey@version8` per synced remote key, from status. */
  versions: string[];
  /** Reloader: pods still running an older value of the target Secret. Absent without a reloader. */
  stalePods?: number;
  /** Reloader: restarts waiting (for a restart window, a rollout in progress, …). Absent without a reloader. */
  pendingRestarts?: number;
}

export interface RemoteKeyView {
  /** `remoteRef.key` (or `dataFrom[].extract.key`) as written in the spec. */
  key: string;
  secretKey?: string;
  /** A `version` is pinned in the spec: push and listings leave it alone. */
  pinned: boolean;
  syncedVersion?: string;
  syncedUpdated?: string;
  /** What the operator last learned about the current version, without reading the value. */
  known?: {
    version?: string;
    updated?: string;
    /** `list` (a vault listing), `event` (Event Grid) or `get` (a read by a sync). */
    source: string;
    learnedAt: string;
    /** The latest listing did not contain it. */
    missing?: boolean;
  };
  /** Known to be newer than the synced version. */
  newer: boolean;
}

export interface BudgetView {
  /** Requests available now. */
  available: number;
  /** Requests allowed per 10 s, when the operator says. */
  capacity?: number;
  /** Requests waiting for a token or for a pause to end. */
  waiting: number;
  /** Set while the vault is paused after a 429. */
  pausedUntil?: string;
  /** 429 answers since the operator started. */
  throttledTotal: number;
}

export interface VaultView {
  /** Vault host, `our-vault.vault.azure.net`. */
  host: string;
  budget?: BudgetView;
  push: {
    /** Declared to push (`--push-vaults`), or Event Grid events arrive (within the push-healthy window). */
    healthy: boolean;
    /** Declared to push by `--push-vaults` (healthy whether or not an event has come yet). */
    declared?: boolean;
    /** When the last event arrived, when the operator was told. */
    lastEventAt?: string;
    /** Events received since the operator started, when counted. */
    events?: number;
  };
  polling: {
    /** `list`: one listing per period finds changes; `read`: each due sync reads its secrets. */
    mode: 'list' | 'read';
    nextPollAt?: string;
    listedAt?: string;
  };
  /** ExternalSecrets whose store reads this vault. */
  externalSecrets: number;
}

export interface StoreView {
  kind: 'SecretStore' | 'ClusterSecretStore';
  namespace?: string;
  name: string;
  /** undefined: not validated yet. */
  ready?: boolean;
  reason?: string;
  message?: string;
  vault?: string;
  externalSecrets: number;
}

export type HappeningKind =
  | 'synced'
  | 'updated'
  | 'failed'
  | 'recovered'
  | 'sync-requested'
  | 'push'
  | 'restart'
  | 'rollback'
  | 'deleting';

export interface TimelineEntry {
  at: string;
  kind: HappeningKind;
  message: string;
  /** How many times this happened in a row (the entry is updated rather than repeated). */
  count: number;
}

/** Reloader data for one ExternalSecret, when a reloader runs. */
export interface ReloaderDetail {
  stalePods: Array<{ namespace: string; name: string; workload?: string; since?: string }>;
  pendingRestarts: Array<{ workload: string; reason: string; notBefore?: string }>;
}

export interface EsDetail extends EsSummary {
  conditions: Array<{
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: string;
  }>;
  remote: RemoteKeyView[];
  vaultView?: VaultView;
  storeView?: StoreView;
  timeline: TimelineEntry[];
  /** Absent when the operator runs without a reloader. */
  reloader?: ReloaderDetail;
}

export interface ApiInfo {
  version: string;
  /** This replica runs the controllers (a standby's change knowledge is empty). */
  leader: boolean;
  ready: boolean;
  /** Actions are possible (a token is configured); false means read-only. */
  actions: boolean;
  /** A reloader runs (stale pods, restarts). */
  reloader: boolean;
  /** Change detection (listings, push) is on. */
  changeDetection: boolean;
  /** With `--shards`: the shards this replica holds; it knows only their ExternalSecrets. */
  shards?: number[];
  now: string;
}

/** The outcome of one check of the probe. */
export interface CheckOutcome {
  ok: boolean;
  /** A `KvsyncError` code (ERR_PROVIDER_FORBIDDEN, …) when not ok. */
  code?: string;
  /** The provider's own code (Azure: `VaultNotFound`, `ForbiddenByRbac`, …), when it gave one. */
  providerCode?: string;
  message?: string;
}

export interface ProbeKey extends CheckOutcome {
  /** `remoteRef.key` as written. */
  key: string;
  from: 'data' | 'dataFrom';
  /** For `data` entries. */
  secretKey?: string;
  vaultVersion?: string;
  vaultUpdated?: string;
  syncedVersion?: string;
}

export type DiffState = 'same' | 'differs' | 'missing-in-secret' | 'only-in-secret' | 'unreadable';

export interface DiffRow {
  secretKey: string;
  remoteKey?: string;
  vaultVersion?: string;
  syncedVersion?: string;
  /** Keyed hash prefixes: equal means equal bytes; meaningless outside this one answer. */
  vaultHash?: string;
  secretHash?: string;
  state: DiffState;
}

/**
 * A live check of one ExternalSecret by the operator, with its own credentials: can the store's
 * identity reach the vault, `get` each secret and `list` the vault; which version Key Vault
 * holds now; and which Secret keys differ from Key Vault (by keyed hash, never by value).
 */
export interface ProbeResult {
  checkedAt: string;
  store: CheckOutcome & { kind: string; name: string; vault?: string };
  /** Listing secret properties (the `list` permission); absent when the store could not be used. */
  list?: CheckOutcome & { count?: number };
  keys: ProbeKey[];
  target: { name: string; exists: boolean; managed?: boolean };
  diff: DiffRow[];
}

/** The body of every error answer. */
export interface ApiError {
  error: string;
  message: string;
}

/** One message of the live stream (`GET /api/v1/stream`, server-sent events). */
export interface StreamSnapshot {
  seq: number;
  info: ApiInfo;
  items: EsSummary[];
  stores: StoreView[];
  vaults: VaultView[];
}

export interface StreamDelta {
  seq: number;
  upsert: EsSummary[];
  /** Keys of ExternalSecrets that are gone. */
  remove: string[];
  /** Replaced whole when any changed. */
  stores?: StoreView[];
  vaults?: VaultView[];
  timeline: Array<{ key: string; entry: TimelineEntry }>;
}

/** Answer of the restart-stale action. */
export interface RestartResult {
  restarted: string[];
  deferred: Array<{ workload: string; reason: string }>;
}
