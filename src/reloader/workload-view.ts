import { LABEL_MANAGED, ROLLOUT_STRATEGY, type RolloutStrategy } from './annotations.ts';
import type { ReloaderContext } from './context.ts';
import type { ExternalSecretRef, ExternalSecretWriter } from './external-secret-hooks.ts';
import { contentHash, type HashRecord } from './hash.ts';
import { parseSourceKey, type SourceKey } from './references.ts';
import {
  kvsyncOptions,
  reloadSelection,
  reloadsAnything,
  rolloutStrategyOf,
  type KvsyncOptions,
} from './reload-config.ts';
import { trackedSources } from './tracked-sources.ts';
import type { SourceObject, WorkloadObject } from './types.ts';
import type { WorkloadRef } from './workload-writes.ts';
import { readWorkloadState, type WorkloadState } from './workload-state.ts';

/**
 * One workload as a reconcile sees it: its annotations read, its tracked sources found in the
 * caches and hashed. Built from the caches only (no API calls).
 */

export interface WorkloadView {
  ref: WorkloadRef;
  key: string;
  workload: WorkloadObject;
  state: WorkloadState;
  options: KvsyncOptions & { windowsBlocked: boolean };
  /**
   * How a restart is written: `rollout` through the pod template (every kind), `restart` through
   * an Argo Rollout's `spec.restartAt`; undefined when the Rollout's annotation is invalid.
   */
  strategy: RolloutStrategy | undefined;
  /** Annotation problems (invalid regexes, windows, durations, strategy); no values. */
  problems: string[];
  /** Hash of every tracked source now. */
  current: HashRecord;
  /** Record keys whose source is missing now. */
  missing: Set<SourceKey>;
}

/** The view, or undefined when the workload does not opt in and has no rollout kvsync watches. */
export function viewOf(
  ctx: ReloaderContext,
  ref: WorkloadRef,
  key: string,
  workload: WorkloadObject,
): WorkloadView | undefined {
  const metadata = workload.metadata.annotations ?? {};
  const template = workload.spec?.template?.metadata?.annotations ?? {};
  const selection = reloadSelection(metadata, template);
  const state = readWorkloadState(metadata, template);
  if (!reloadsAnything(selection) && !state.rollout) return undefined;
  const options = kvsyncOptions(metadata);
  const strategy =
    ref.kind === 'Rollout' ? rolloutStrategyOf(metadata, options.problems) : ROLLOUT_STRATEGY.rollout;
  const lookup = {
    get: (kind: 'Secret' | 'ConfigMap', name: string) => ctx.caches.source(kind, ref.namespace, name),
    names: (kind: 'Secret' | 'ConfigMap') => ctx.caches.sourceNames(kind, ref.namespace),
  };
  const current: Record<SourceKey, string> = {};
  for (const sourceKey of trackedSources(selection, workload.spec?.template?.spec, lookup)) {
    const parsed = parseSourceKey(sourceKey)!;
    current[sourceKey] = contentHash(lookup.get(parsed.kind, parsed.name)!);
  }
  const missing = new Set<SourceKey>();
  for (const recorded of Object.keys(state.record ?? {}) as SourceKey[]) {
    const parsed = parseSourceKey(recorded);
    if (parsed && !lookup.get(parsed.kind, parsed.name)) missing.add(recorded);
  }
  return {
    ref,
    key,
    workload,
    state,
    options,
    strategy,
    problems: [...selection.problems, ...options.problems],
    current,
    missing,
  };
}

/** The cached source of `key` in the view's namespace. */
export function sourceOf(ctx: ReloaderContext, view: WorkloadView, key: SourceKey): SourceObject | undefined {
  const parsed = parseSourceKey(key);
  return parsed ? ctx.caches.source(parsed.kind, view.ref.namespace, parsed.name) : undefined;
}

/** "Secret db, ConfigMap app" for messages. */
export function describeSources(keys: readonly string[]): string {
  return keys.map((key) => key.replace('/', ' ')).join(', ');
}

/**
 * The ExternalSecrets writing the managed Secrets among `keys`, by key. A failing hook is logged
 * and skipped: restarts do not depend on the ExternalSecret side.
 */
export async function writersOf(
  ctx: ReloaderContext,
  view: WorkloadView,
  keys: readonly SourceKey[],
): Promise<Map<SourceKey, ExternalSecretWriter>> {
  const writers = new Map<SourceKey, ExternalSecretWriter>();
  if (!ctx.hooks) return writers;
  for (const key of keys) {
    const source = sourceOf(ctx, view, key);
    if (!key.startsWith('Secret/') || source?.metadata.labels?.[LABEL_MANAGED] !== 'true') continue;
    try {
      const writer = await ctx.hooks.writerOf(view.ref.namespace, source.metadata.name ?? '');
      if (writer) writers.set(key, writer);
    } catch (error) {
      ctx.logger.warn('reloader could not find the ExternalSecret of a Secret', {
        namespace: view.ref.namespace,
        secretName: source.metadata.name,
        error,
      });
    }
  }
  return writers;
}

/** The distinct ExternalSecret refs of `writers`. */
export function refsOf(writers: ReadonlyMap<SourceKey, ExternalSecretWriter>): ExternalSecretRef[] {
  const seen = new Map<string, ExternalSecretRef>();
  for (const writer of writers.values()) seen.set(`${writer.ref.namespace}/${writer.ref.name}`, writer.ref);
  return [...seen.values()];
}
