import { KVSYNC } from './annotations.ts';
import { formatHashRecord, parseHashRecord, type HashRecord } from './hash.ts';
import { parseSourceKey, type SourceKey } from './references.ts';

/**
 * The reloader's durable state, kept in annotations on the workload itself so that a restarted
 * kvsync (or a new leader) continues exactly where the last one stopped:
 *
 * - `kvsync.io/secret-hashes`: the hashes the pods were rolled for (the level compared with the
 *   sources now);
 * - `kvsync.io/rollout`: a rollout kvsync started and still watches;
 * - `kvsync.io/rejected`: hashes (and Key Vault versions) a failed rollout rejected;
 * - `kvsync.io/reload-status`: the last outcome or what it waits for, shaped like a condition.
 *
 * Parsing is forgiving: an annotation that does not parse counts as absent.
 */

/** The Key Vault versions an ExternalSecret had synced into a Secret. */
export interface RemoteVersion {
  /** `remoteRef.key` (or `dataFrom[].extract.key`). */
  key: string;
  version: string;
  secretKey?: string;
}

/** Which ExternalSecret wrote a changed Secret, and the versions it wrote. */
export interface WrittenVersions {
  externalSecret: string;
  versions: RemoteVersion[];
}

export type RolloutPhase = 'restart' | 'rollback';

export interface RolloutRecord {
  phase: RolloutPhase;
  /** RFC 3339 (ms) of the patch that started it. */
  startedAt: string;
  /** The record the rollout goes to (also on the pod template unless `templateValue` says otherwise). */
  to: HashRecord;
  /** The record before it. */
  from: HashRecord;
  /** The pod-template annotation value this rollout wrote; null: the annotation was removed. */
  templateValue: string | null;
  /** The pod-template annotation value before the restart; null: there was none. Rollback returns to it. */
  previousTemplateValue: string | null;
  /** Sources whose hash changed. */
  changed: SourceKey[];
  /** Per changed Secret (key `Secret/name`), who wrote it and which versions. */
  written?: Record<string, WrittenVersions>;
  /** Why a rollback runs. */
  cause?: string;
  /**
   * The `spec.restartAt` this rollout wrote (an Argo Rollout restarted through Argo's own
   * restart): the pod template was left alone (`templateValue` is what it already held), the new
   * pods are those created since, and a rollback restarts the same way.
   */
  restartAt?: string;
}

export interface Rejection {
  hash: string;
  rejectedAt: string;
  externalSecret?: string;
  versions?: RemoteVersion[];
}

/** Per source key, the rejected hashes, newest last. */
export type Rejections = Readonly<Record<SourceKey, readonly Rejection[]>>;

/** At most this many rejections are kept per source. */
export const MAX_REJECTIONS_PER_SOURCE = 5;

export interface ReloadStatus {
  /** `True`: up to date or done; `False`: failed or blocked; `Unknown`: waiting or rolling. */
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  /** For a pending restart: when it is expected to run (RFC 3339). */
  until?: string;
}

export interface WorkloadState {
  record?: HashRecord;
  rollout?: RolloutRecord;
  rejected: Rejections;
  status?: ReloadStatus;
  /** The pod-template annotation now. */
  templateValue: string | undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseRollout(text: string | undefined): RolloutRecord | undefined {
  const value = parseJson(text);
  if (!isObject(value) || (value['phase'] !== 'restart' && value['phase'] !== 'rollback')) return undefined;
  const to = parseHashRecord(JSON.stringify(value['to'] ?? null));
  const from = parseHashRecord(JSON.stringify(value['from'] ?? null));
  if (!to || !from || typeof value['startedAt'] !== 'string') return undefined;
  const text2 = (v: unknown) => (typeof v === 'string' ? v : null);
  const changed = Array.isArray(value['changed'])
    ? (value['changed'] as unknown[]).filter(
        (k): k is SourceKey => typeof k === 'string' && !!parseSourceKey(k),
      )
    : [];
  const rollout: RolloutRecord = {
    phase: value['phase'],
    startedAt: value['startedAt'],
    to,
    from,
    templateValue: text2(value['templateValue']),
    previousTemplateValue: text2(value['previousTemplateValue']),
    changed,
  };
  if (isObject(value['written'])) rollout.written = value['written'] as Record<string, WrittenVersions>;
  if (typeof value['cause'] === 'string') rollout.cause = value['cause'];
  if (typeof value['restartAt'] === 'string') rollout.restartAt = value['restartAt'];
  return rollout;
}

function parseRejections(text: string | undefined): Rejections {
  const value = parseJson(text);
  if (!isObject(value)) return {};
  const rejections: Record<SourceKey, Rejection[]> = {};
  for (const [key, list] of Object.entries(value)) {
    if (!parseSourceKey(key) || !Array.isArray(list)) continue;
    const valid = list.filter(
      (entry): entry is Rejection => isObject(entry) && typeof entry['hash'] === 'string',
    );
    if (valid.length > 0) rejections[key as SourceKey] = valid;
  }
  return rejections;
}

function parseStatus(text: string | undefined): ReloadStatus | undefined {
  const value = parseJson(text);
  if (!isObject(value) || typeof value['reason'] !== 'string') return undefined;
  return value as unknown as ReloadStatus;
}

/** Reads the state from the workload's metadata annotations and its pod-template annotations. */
export function readWorkloadState(
  metadata: Readonly<Record<string, string>> = {},
  template: Readonly<Record<string, string>> = {},
): WorkloadState {
  const state: WorkloadState = {
    rejected: parseRejections(metadata[KVSYNC.rejected]),
    templateValue: template[KVSYNC.hashes],
  };
  const record = parseHashRecord(metadata[KVSYNC.hashes]) ?? parseHashRecord(template[KVSYNC.hashes]);
  if (record) state.record = record;
  const rollout = parseRollout(metadata[KVSYNC.rollout]);
  if (rollout) state.rollout = rollout;
  const status = parseStatus(metadata[KVSYNC.status]);
  if (status) state.status = status;
  return state;
}

export function formatRollout(rollout: RolloutRecord): string {
  return JSON.stringify({
    ...rollout,
    to: JSON.parse(formatHashRecord(rollout.to)),
    from: JSON.parse(formatHashRecord(rollout.from)),
  });
}

export function formatRejections(rejections: Rejections): string | null {
  const keys = Object.keys(rejections).sort() as SourceKey[];
  const kept = keys.filter((key) => (rejections[key]?.length ?? 0) > 0);
  if (kept.length === 0) return null;
  return JSON.stringify(Object.fromEntries(kept.map((key) => [key, rejections[key]])));
}

/** True when `hash` of `key` was rejected. */
export function isRejected(rejections: Rejections, key: SourceKey, hash: string): boolean {
  return rejections[key]?.some((rejection) => rejection.hash === hash) ?? false;
}

/** `rejections` with `added` appended (duplicates of a hash replaced), each list capped. */
export function withRejections(
  rejections: Rejections,
  added: ReadonlyArray<{ key: SourceKey; rejection: Rejection }>,
): Rejections {
  const next: Record<SourceKey, readonly Rejection[]> = { ...rejections };
  for (const { key, rejection } of added) {
    const kept = (next[key] ?? []).filter((entry) => entry.hash !== rejection.hash);
    next[key] = [...kept, rejection].slice(-MAX_REJECTIONS_PER_SOURCE);
  }
  return next;
}
