import {
  EXTERNAL_SECRET_EVENT_REASONS as EVENT,
  EXTERNAL_SECRET_MESSAGES as MESSAGE,
  EXTERNAL_SECRET_REASONS as REASON,
  FINALIZER_EXTERNAL_SECRET_CLEANUP as FINALIZER,
  effectiveRefreshIntervalMs,
  unsupportedFeatures,
  validateExternalSecret,
  type ExternalSecret,
  type ExternalSecretStatus,
  type RejectedVersion,
} from '../../api/index.ts';
import { errorMessage, isKvsyncError, KvsyncError } from '../../errors.ts';
import { isConflict, type EventRecorder, type KubeClient } from '../../kube/index.ts';
import type { SecretsProvider } from '../../providers/provider.ts';
import { TerminalError, type Clock, type Informer, type ReconcileResult } from '../../runtime/index.ts';
import { LatestWrites } from '../latest-writes.ts';
import { fetchProviderData, type FetchResult } from './fetch.ts';
import { syncedResourceVersion } from './hash.ts';
import {
  learnVersions,
  nextRefreshAtMs,
  planRefresh,
  refreshesPeriodically,
  syncTrigger,
  type ChangeTracking,
} from './refresh-plan.ts';
import {
  doneStatus,
  failedStatus,
  ownStatusFields,
  readyOf,
  rejectedSources,
  rejectionMessage,
  statusChanged,
  syncAnnouncement,
  type DoneOutcome,
} from './status.ts';
import { esRef, TargetWriter, targetName, type WriteResult } from './target-writer.ts';
import type { SecretObject } from './target.ts';

/**
 * Reconciles one ExternalSecret by key (`namespace/name`): decides from current state whether
 * Key Vault must be read (ESO's rules, `refresh.ts`), reads it through the store's cached
 * provider, writes the target Secret only when something changed, and records the outcome in
 * status, events and metrics. A failed read never touches the Secret.
 */

/** What the reconciler needs to reach a provider; `undefined` means "not this controller's store". */
export interface StoreAccess {
  providerFor(es: ExternalSecret): Promise<{ provider: SecretsProvider; vaultUrl?: string } | undefined>;
}

/** The metrics the reconciler records (a subset of the operator's metrics). */
export interface SyncMetrics {
  syncCompleted(namespace: string, name: string, ok: boolean, durationMs: number): void;
  readyCondition(namespace: string, name: string, ready: boolean | undefined): void;
  secretWritten(namespace: string, result: 'created' | 'updated' | 'deleted'): void;
}

export interface SyncLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface ExternalSecretReconcilerDeps {
  clock: Clock;
  kube: KubeClient;
  externalSecrets: Informer<ExternalSecret>;
  secrets: Informer<SecretObject>;
  stores: StoreAccess;
  events: EventRecorder;
  metrics: SyncMetrics;
  logger: SyncLogger;
  /** Change detection and push (issue 5); without it every due sync reads Key Vault, as ESO. */
  changes?: ChangeTracking;
  /** Spreads refresh times: the next sync is moved by up to this fraction of the interval. */
  refreshJitter?: number;
  random?: () => number;
}

/** How soon to look again when the store has not been validated yet. */
const STORE_PENDING_RETRY_MS = 5_000;

export class ExternalSecretReconciler {
  readonly #deps: ExternalSecretReconcilerDeps;
  readonly #esWrites: LatestWrites<ExternalSecret>;
  readonly #targets: TargetWriter;

  constructor(deps: ExternalSecretReconcilerDeps) {
    this.#deps = deps;
    this.#esWrites = new LatestWrites(() => deps.clock.now());
    this.#targets = new TargetWriter({
      clock: deps.clock,
      kube: deps.kube,
      secrets: deps.secrets,
      onWritten: (namespace, result) => deps.metrics.secretWritten(namespace, result),
    });
    this.#esWrites.follow(deps.externalSecrets);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const es = this.#esWrites.freshest(key, this.#deps.externalSecrets.get(key));
    if (!es) {
      const [namespace, name] = key.split('/') as [string, string];
      this.#deps.metrics.readyCondition(namespace, name, undefined);
      this.#deps.changes?.polls.unsubscribe(key);
      return;
    }
    if (es.metadata.deletionTimestamp) return this.#finalize(es);
    const problems = validateExternalSecret(es);
    if (problems.length > 0) {
      const message = `invalid ExternalSecret: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
      await this.#fail(es, new KvsyncError('ERR_INVALID_RESOURCE', message));
      throw new TerminalError(message);
    }
    // Valid for ESO, not implemented by kvsync: say so rather than sync something different.
    const unsupported = unsupportedFeatures(es);
    if (unsupported.length > 0) {
      const message = unsupported.map((p) => `${p.path} ${p.message}`).join('; ');
      await this.#fail(es, new KvsyncError('ERR_UNSUPPORTED', message));
      throw new TerminalError(message);
    }
    return this.#sync(await this.#ensureFinalizer(es));
  }

  async #sync(es: ExternalSecret): Promise<ReconcileResult> {
    const startedMs = this.#deps.clock.now();
    const existing = await this.#targets.read(es);
    const trigger = syncTrigger(es, existing, startedMs);
    const tracking = this.#deps.changes && refreshesPeriodically(es) ? this.#deps.changes : undefined;
    if (trigger === 'none' && !tracking) return this.#schedule(es, startedMs);
    let access: { provider: SecretsProvider; vaultUrl?: string } | undefined;
    try {
      access = await this.#deps.stores.providerFor(es);
    } catch (error) {
      if (trigger === 'none') return this.#schedule(es, startedMs);
      return this.#syncFailed(es, error, startedMs);
    }
    if (!access) return;
    const decision = planRefresh(es, trigger, access, tracking, startedMs);
    if (decision.action === 'none') return this.#schedule(es, startedMs);
    if (decision.action === 'skip') return this.#confirmUnchanged(es, startedMs, decision.reason);
    let outcome: DoneOutcome;
    try {
      const fetched = await fetchProviderData(access.provider, {
        data: es.spec.data ?? [],
        dataFrom: es.spec.dataFrom ?? [],
        deletionPolicy: es.spec.target?.deletionPolicy ?? 'Retain',
      });
      if (this.#deps.changes && access.vaultUrl)
        learnVersions(this.#deps.changes.versions, access.vaultUrl, fetched.sources, startedMs);
      const rejected = rejectedSources(es, fetched.sources);
      if (rejected.length > 0) return this.#keepRejected(es, rejected, startedMs);
      outcome = await this.#apply(es, existing, fetched, startedMs);
    } catch (error) {
      return this.#syncFailed(es, error, startedMs);
    }
    return this.#done(es, outcome, startedMs);
  }

  /** A due sync whose remote objects are known to be unchanged: no read, no write, status advanced. */
  async #confirmUnchanged(es: ExternalSecret, startedMs: number, reason: string): Promise<ReconcileResult> {
    const nextRefreshMs = this.#nextRefreshMs(es, startedMs);
    const how =
      reason === 'push-healthy' ? 'Event Grid reports no new version' : 'the vault listing shows no change';
    const next = nextRefreshMs === undefined ? '' : `; next sync ${new Date(nextRefreshMs).toISOString()}`;
    this.#event(es, 'Normal', EVENT.Synced, `Key Vault unchanged (${how}; no secret read)${next}`);
    const outcome: DoneOutcome = {
      startedMs,
      syncedResourceVersion: syncedResourceVersion(es.metadata),
      ...(nextRefreshMs !== undefined ? { nextRefreshMs } : {}),
      reason: REASON.SecretSynced,
      message: MESSAGE.synced,
    };
    return this.#done(es, outcome, startedMs);
  }

  /**
   * Key Vault holds a version a failed rollout rejected (the reloader recorded it): keep the
   * Secret as it is, say why, and look again at the next refresh (a newer version, or a person
   * clearing the rejection, lets the sync through).
   */
  async #keepRejected(
    es: ExternalSecret,
    rejected: RejectedVersion[],
    startedMs: number,
  ): Promise<ReconcileResult> {
    const message = rejectionMessage(rejected);
    this.#event(es, 'Warning', EVENT.VersionRejected, message);
    this.#deps.metrics.readyCondition(es.metadata.namespace!, es.metadata.name!, false);
    const nextMs = this.#nextRefreshMs(es, startedMs);
    await this.#writeStatus(es, failedStatus(es.status, message, this.#deps.clock.now(), nextMs));
    return nextMs === undefined
      ? undefined
      : { requeueAfterMs: Math.max(0, nextMs - this.#deps.clock.now()) };
  }

  async #syncFailed(es: ExternalSecret, error: unknown, startedMs: number): Promise<ReconcileResult> {
    // A store that was never validated will be soon; its first Ready enqueues this again.
    if (isKvsyncError(error, 'ERR_STORE_NOT_VALIDATED')) return { requeueAfterMs: STORE_PENDING_RETRY_MS };
    // Someone wrote the Secret between our read and our write: read again, as ESO does, without
    // reporting a failure (the backoff of the queue still applies).
    if (isConflict(error)) throw error;
    return this.#failAndRetry(es, error, startedMs);
  }

  async #done(es: ExternalSecret, outcome: DoneOutcome, startedMs: number): Promise<ReconcileResult> {
    this.#deps.metrics.syncCompleted(
      es.metadata.namespace!,
      es.metadata.name!,
      true,
      this.#deps.clock.now() - startedMs,
    );
    await this.#writeStatus(es, doneStatus(es.status, outcome, this.#deps.clock.now()));
    this.#deps.metrics.readyCondition(es.metadata.namespace!, es.metadata.name!, true);
    return outcome.nextRefreshMs === undefined
      ? undefined
      : { requeueAfterMs: Math.max(0, outcome.nextRefreshMs - this.#deps.clock.now()) };
  }

  /** Applies fetched data to the target according to the creation and deletion policies. */
  async #apply(
    es: ExternalSecret,
    existing: SecretObject | undefined,
    fetched: FetchResult,
    startedMs: number,
  ): Promise<DoneOutcome> {
    const base = {
      startedMs,
      syncedResourceVersion: syncedResourceVersion(es.metadata),
      nextRefreshMs: this.#nextRefreshMs(es, startedMs),
      sources: fetched.sources,
    };
    for (const key of fetched.missing)
      this.#event(es, 'Warning', EVENT.MissingProviderSecret, `remote key '${key}' does not exist; skipped`);
    const policy = es.spec.target?.creationPolicy ?? 'Owner';
    const deletionPolicy = es.spec.target?.deletionPolicy ?? 'Retain';
    if (fetched.data.size === 0 && deletionPolicy === 'Delete') {
      await this.#deleteTarget(es, existing);
      return { ...base, reason: REASON.SecretDeleted, message: MESSAGE.deleted };
    }
    if (fetched.data.size === 0 && deletionPolicy === 'Retain')
      return { ...base, reason: REASON.SecretMissing, message: MESSAGE.retained };
    if (policy === 'None') return { ...base, reason: REASON.SecretSynced, message: MESSAGE.synced };
    if (policy === 'Merge' && !existing)
      return {
        ...base,
        reason: 'SecretMissing',
        message: 'secret will not be created due to CreationPolicy=Merge',
      };
    const result = await this.#targets.write(es, existing, fetched.data);
    if (policy === 'Owner') for (const name of await this.#targets.deleteFormer(es)) this.#deleted(es, name);
    this.#announce(es, result, fetched, base.nextRefreshMs);
    return { ...base, reason: REASON.SecretSynced, message: MESSAGE.synced, bindingName: targetName(es) };
  }

  /** Deletes the target when `es` controls it, with an event. */
  async #deleteTarget(es: ExternalSecret, existing: SecretObject | undefined): Promise<void> {
    if (existing && (await this.#targets.delete(es, existing))) this.#deleted(es, existing.metadata.name);
  }

  #deleted(es: ExternalSecret, name: string): void {
    this.#event(es, 'Normal', EVENT.Deleted, `secret '${name}' deleted due to DeletionPolicy=Delete`);
  }

  #announce(
    es: ExternalSecret,
    result: WriteResult,
    fetched: FetchResult,
    nextRefreshMs: number | undefined,
  ): void {
    const { reason, message } = syncAnnouncement(targetName(es), result, fetched.sources, nextRefreshMs);
    this.#event(es, 'Normal', reason, message);
  }

  #nextRefreshMs(es: ExternalSecret, startedMs: number): number | undefined {
    return nextRefreshAtMs(
      es,
      startedMs,
      (this.#deps.refreshJitter ?? 0) * (this.#deps.random ?? Math.random)(),
    );
  }

  /** Nothing to fetch now: keep `nextRefreshTime` true and come back when the next sync is due. */
  async #schedule(es: ExternalSecret, nowMs: number): Promise<ReconcileResult> {
    this.#deps.metrics.readyCondition(es.metadata.namespace!, es.metadata.name!, readyOf(es));
    const policy = es.spec.refreshPolicy ?? 'Periodic';
    const intervalMs = effectiveRefreshIntervalMs(es);
    if (policy !== 'Periodic' || intervalMs <= 0 || !es.status?.refreshTime) return;
    const dueMs = es.status.nextRefreshTime
      ? Date.parse(es.status.nextRefreshTime)
      : Date.parse(es.status.refreshTime) + intervalMs;
    // At least 1 ms: due exactly now is not yet due by ESO's strict rule, and 0 would spin.
    return { requeueAfterMs: Math.max(1, dueMs - nowMs) };
  }

  async #failAndRetry(es: ExternalSecret, error: unknown, startedMs: number): Promise<ReconcileResult> {
    this.#deps.metrics.syncCompleted(
      es.metadata.namespace!,
      es.metadata.name!,
      false,
      this.#deps.clock.now() - startedMs,
    );
    await this.#fail(es, error);
    const retryAfterMs = isKvsyncError(error, 'ERR_PROVIDER_THROTTLED')
      ? (error as KvsyncError & { retryAfterMs?: number }).retryAfterMs
      : undefined;
    if (retryAfterMs !== undefined) return { requeueAfterMs: retryAfterMs };
    throw error;
  }

  async #fail(es: ExternalSecret, error: unknown): Promise<void> {
    const message = errorMessage(error);
    this.#deps.logger.warn('sync failed', {
      resource: `ExternalSecret ${es.metadata.namespace}/${es.metadata.name}`,
      error,
    });
    this.#event(es, 'Warning', EVENT.UpdateFailed, message);
    this.#deps.metrics.readyCondition(es.metadata.namespace!, es.metadata.name!, false);
    await this.#writeStatus(es, failedStatus(es.status, message, this.#deps.clock.now()));
  }

  async #writeStatus(es: ExternalSecret, status: ExternalSecretStatus): Promise<void> {
    if (!statusChanged(es.status, status)) return;
    const ref = esRef(es);
    try {
      const written = await this.#deps.kube.patchStatus<ExternalSecret>(ref, {
        status: ownStatusFields(status),
      });
      this.#esWrites.remember(`${ref.namespace}/${ref.name}`, written);
    } catch (error) {
      this.#deps.logger.warn('status update failed', {
        resource: `ExternalSecret ${ref.namespace}/${ref.name}`,
        error,
      });
      throw error;
    }
  }

  /** Adds or removes our finalizer as the deletion policy needs; returns the object as it is now. */
  async #ensureFinalizer(es: ExternalSecret): Promise<ExternalSecret> {
    const wanted = es.spec.target?.deletionPolicy === 'Delete';
    const finalizers = es.metadata.finalizers ?? [];
    if (wanted === finalizers.includes(FINALIZER)) return es;
    const next = wanted ? [...finalizers, FINALIZER] : finalizers.filter((f) => f !== FINALIZER);
    const written = await this.#deps.kube.mergePatch<ExternalSecret>(esRef(es), {
      metadata: { finalizers: next, resourceVersion: es.metadata.resourceVersion },
    });
    this.#esWrites.remember(`${es.metadata.namespace}/${es.metadata.name}`, written);
    // The informer's copy is shared: never modify it, use the server's answer instead.
    return { ...es, metadata: written.metadata };
  }

  /** The ExternalSecret is being deleted: delete an owned target under DeletionPolicy=Delete, then let go. */
  async #finalize(es: ExternalSecret): Promise<ReconcileResult> {
    const finalizers = es.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) return;
    if (es.spec.target?.deletionPolicy === 'Delete')
      await this.#deleteTarget(es, await this.#targets.read(es));
    await this.#deps.kube.mergePatch(esRef(es), {
      metadata: {
        finalizers: finalizers.filter((f) => f !== FINALIZER),
        resourceVersion: es.metadata.resourceVersion,
      },
    });
    this.#deps.metrics.readyCondition(es.metadata.namespace!, es.metadata.name!, undefined);
  }

  #event(es: ExternalSecret, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#deps.events.record(esRef(es), type, reason, message);
  }
}

export { fieldManagerFor } from './target-writer.ts';
export type { ChangeTracking } from './refresh-plan.ts';
