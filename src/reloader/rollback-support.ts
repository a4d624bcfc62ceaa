import { KVSYNC } from './annotations.ts';
import { nextRestartAt } from './argo-restart.ts';
import type { ReloaderContext } from './context.ts';
import type { ExternalSecretRef, VersionRejection } from './external-secret-hooks.ts';
import { contentHash, formatHashRecord, type HashRecord } from './hash.ts';
import type { SourceKey } from './references.ts';
import { refsOf, sourceOf, writersOf, type WorkloadView } from './workload-view.ts';
import {
  formatRejections,
  formatRollout,
  withRejections,
  type Rejection,
  type RolloutRecord,
} from './workload-state.ts';
import { patchWorkload, statusValue, type RestartChange } from './workload-writes.ts';
import { RELOAD_REASON } from './annotations.ts';

/**
 * The rollback side of the reloader: keeping last-good copies of the Secrets a workload runs
 * with, restoring them when a rollout after a change fails, and keeping the ExternalSecrets'
 * `rejectedVersions` in step with the workloads' `kvsync.io/rejected` annotations (so removing
 * that annotation clears the rejection in both places).
 */

export interface RollbackResult {
  /** Changed Secrets restored to their last good data (or found restored already). */
  restored: SourceKey[];
  /** Changed sources that could not be restored (no copy, a ConfigMap, gone). */
  unavailable: SourceKey[];
  /** ExternalSecrets whose versions were rejected. */
  externalSecrets: ExternalSecretRef[];
}

export class RollbackSupport {
  readonly #ctx: ReloaderContext;
  /** Per workload key: what was last synced to the ExternalSecrets, and to which. */
  readonly #synced = new Map<string, { digest: string; externalSecrets: Map<string, ExternalSecretRef> }>();

  constructor(ctx: ReloaderContext) {
    this.#ctx = ctx;
  }

  /** Keeps a last-good copy of every Secret of `record` whose data still has the recorded hash. */
  async rememberAll(view: WorkloadView, record: HashRecord): Promise<void> {
    for (const [key, hash] of Object.entries(record) as Array<[SourceKey, string]>) {
      if (!key.startsWith('Secret/')) continue;
      const source = sourceOf(this.#ctx, view, key);
      if (!source || contentHash(source) !== hash) continue;
      const kept = await this.#ctx.lastGood.remember(source, hash, this.#ctx.clock.now());
      if (!kept)
        this.#ctx.logger.warn('reloader cannot keep a last-good copy: a key is too long', {
          ...view.ref,
          source: key,
        });
    }
  }

  /**
   * Makes each ExternalSecret's rejections by this workload match its `kvsync.io/rejected`
   * annotation. Calls the hooks only when the annotation changed since the last sync (and once
   * after start, also for the ExternalSecrets of its tracked Secrets, to clear what a person
   * removed while kvsync was down).
   */
  async syncRejections(view: WorkloadView): Promise<void> {
    if (!this.#ctx.hooks) return;
    const digest = formatRejections(view.state.rejected) ?? '';
    const previous = this.#synced.get(view.key);
    if (previous?.digest === digest) return;
    const targets = new Map(previous?.externalSecrets ?? []);
    if (!previous)
      for (const ref of refsOf(await writersOf(this.#ctx, view, Object.keys(view.current) as SourceKey[])))
        targets.set(`${ref.namespace}/${ref.name}`, ref);
    const byEs = new Map<string, VersionRejection[]>();
    const workload = `${view.ref.kind}/${view.ref.name}`;
    for (const [, rejections] of Object.entries(view.state.rejected))
      for (const rejection of rejections as Rejection[]) {
        if (!rejection.externalSecret) continue;
        const list = byEs.get(rejection.externalSecret) ?? [];
        for (const v of rejection.versions ?? [])
          list.push({
            ...v,
            workload,
            rejectedAt: rejection.rejectedAt,
            reason: 'the rollout after this version failed',
          });
        byEs.set(rejection.externalSecret, list);
        const esKey = `${view.ref.namespace}/${rejection.externalSecret}`;
        if (!targets.has(esKey))
          targets.set(esKey, {
            apiVersion: 'external-secrets.io/v1',
            namespace: view.ref.namespace,
            name: rejection.externalSecret,
          });
      }
    for (const [esKey, ref] of targets) {
      await this.#ctx.hooks.syncRejections(ref, workload, byEs.get(ref.name) ?? []);
      if (!byEs.has(ref.name)) targets.delete(esKey);
    }
    this.#synced.set(view.key, { digest, externalSecrets: targets });
  }

  /**
   * Rolls the changed Secrets of a failed `rollout` back to their last good data and starts the
   * rollback rollout: rejections first (so the ExternalSecret controller does not write the bad
   * version again), then the Secrets, then one guarded patch of the workload.
   */
  async rollBack(view: WorkloadView, rollout: RolloutRecord, cause: string): Promise<RollbackResult> {
    const { restorable, unavailable } = await this.#restorable(view, rollout);
    if (restorable.length === 0) return { restored: [], unavailable, externalSecrets: [] };
    const nowText = new Date(this.#ctx.clock.now()).toISOString();
    const added = restorable.map((key) => {
      const written = rollout.written?.[key];
      const rejection: Rejection = { hash: rollout.to[key]!, rejectedAt: nowText };
      if (written)
        Object.assign(rejection, { externalSecret: written.externalSecret, versions: written.versions });
      return { key, rejection };
    });
    const rejected = withRejections(view.state.rejected, added);
    await this.syncRejections({ ...view, state: { ...view.state, rejected } });
    for (const key of restorable) {
      const source = sourceOf(this.#ctx, view, key)!;
      if (contentHash(source) !== rollout.from[key])
        await this.#ctx.lastGood.restore(source, rollout.from[key]!);
    }
    await this.#patchRollback(view, rollout, { restorable, rejected: formatRejections(rejected), cause });
    const writers = await writersOf(this.#ctx, view, restorable);
    return { restored: restorable, unavailable, externalSecrets: refsOf(writers) };
  }

  async #restorable(view: WorkloadView, rollout: RolloutRecord) {
    const restorable: SourceKey[] = [];
    const unavailable: SourceKey[] = [];
    for (const key of rollout.changed) {
      const source = sourceOf(this.#ctx, view, key);
      const from = rollout.from[key];
      if (!key.startsWith('Secret/') || !source || from === undefined) {
        unavailable.push(key);
        continue;
      }
      const hash = contentHash(source);
      if (hash === from) restorable.push(key);
      else if (hash !== rollout.to[key])
        continue; // newer data arrived meanwhile: leave it to the next change
      else if (await this.#ctx.lastGood.recall(view.ref.namespace, source.metadata.name ?? '', from))
        restorable.push(key);
      else unavailable.push(key);
    }
    return { restorable, unavailable };
  }

  async #patchRollback(
    view: WorkloadView,
    rollout: RolloutRecord,
    change: { restorable: SourceKey[]; rejected: string | null; cause: string },
  ): Promise<void> {
    const record: Record<SourceKey, string> = { ...rollout.to };
    for (const key of change.restorable) record[key] = rollout.from[key]!;
    const allRestored = rollout.changed.every((key) => change.restorable.includes(key));
    const nowMs = this.#ctx.clock.now();
    // A restart through spec.restartAt rolls back the same way: the template never changed, and
    // the restored data reaches the pods only through another restart.
    const restart: RestartChange = rollout.restartAt
      ? { restartAt: nextRestartAt(nowMs, view.workload.spec?.restartAt ?? rollout.restartAt) }
      : {
          template: {
            [KVSYNC.hashes]: allRestored ? rollout.previousTemplateValue : formatHashRecord(record),
          },
        };
    const next: RolloutRecord = {
      phase: 'rollback',
      startedAt: new Date(nowMs).toISOString(),
      to: record,
      from: rollout.to,
      templateValue:
        'template' in restart ? (restart.template[KVSYNC.hashes] ?? null) : rollout.templateValue,
      previousTemplateValue: rollout.templateValue,
      changed: change.restorable,
      cause: change.cause,
      ...('restartAt' in restart ? { restartAt: restart.restartAt } : {}),
    };
    const message = `rolling back: ${change.cause}`;
    const status = statusValue(
      view.state.status,
      { status: 'Unknown', reason: RELOAD_REASON.rollingBack, message },
      nowMs,
    );
    await patchWorkload(
      this.#ctx,
      view.ref,
      view.workload,
      {
        [KVSYNC.hashes]: formatHashRecord(record),
        [KVSYNC.rollout]: formatRollout(next),
        [KVSYNC.rejected]: change.rejected,
        ...(status ? { [KVSYNC.status]: status } : {}),
      },
      restart,
    );
  }
}
