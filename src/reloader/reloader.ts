import type { EventRecorder, KubeClient } from '../kube/index.ts';
import { isConflict } from '../kube/index.ts';
import { Controller, type Clock, type ReconcileOutcome } from '../runtime/index.ts';
import { KVSYNC, LABEL_MANAGED, STAKATER } from './annotations.ts';
import {
  RolloutSlots,
  type ReloaderCaches,
  type ReloaderContext,
  type ReloaderLogger,
  type ReloaderMetrics,
  type ReloaderSettings,
} from './context.ts';
import type { ExternalSecretHooks } from './external-secret-hooks.ts';
import { contentHash } from './hash.ts';
import {
  BY_NAMESPACE,
  BY_SECRET_READ_AT_START,
  cachesOf,
  createInformers,
  secretsReadAtStart,
  type ReloaderInformers,
} from './informers.ts';
import { LastGoodStore } from './last-good.ts';
import { SettleTracker } from './settle.ts';
import { StaleReconciler } from './stale-reconciler.ts';
import { ReloaderStateStore, type ReloaderState } from './state.ts';
import type { PodObject, SourceObject, WorkloadObject } from './types.ts';
import { podWorkload, type WorkloadKind } from './workload-kinds.ts';
import { WorkloadReconciler } from './workload-reconciler.ts';
import { workloadKey } from './workload-writes.ts';

/**
 * Starts the reloader: informers for Secrets, ConfigMaps, pods and workloads; a workload
 * controller (restarts, windows, rollouts, rollback) and a stale-pod controller keyed by managed
 * Secret. Run it on the leader only: it writes workloads and Secrets.
 */

export interface ReloaderDeps {
  kube: KubeClient;
  clock: Clock;
  events: EventRecorder;
  logger: ReloaderLogger;
  metrics?: ReloaderMetrics;
  /** `namespaces` is required; the rest default as documented on `ReloaderSettings`. */
  settings: Partial<ReloaderSettings> & { namespaces: readonly string[] };
  /** The ExternalSecret side (rejections, stale pods, versions); without it those parts are skipped. */
  externalSecrets?: ExternalSecretHooks;
}

export interface Reloader {
  /** Stops the controllers (waiting for in-flight reconciles) and the informers. Idempotent. */
  stop(): Promise<void>;
  /** What the reloader knows now: workloads, pending restarts, rollouts, stale pods. */
  state(): ReloaderState;
  /** Queues a workload (`Kind/namespace/name`) for reconcile now. */
  enqueue(key: string): void;
}

export const DEFAULT_RELOADER_SETTINGS: Omit<ReloaderSettings, 'namespaces'> = Object.freeze({
  settlePeriodMs: 5000,
  maxConcurrentRollouts: 2,
  rolloutTimeoutMs: 600_000,
  healthPollMs: 2000,
  workers: 2,
  argoRollouts: 'auto',
  fieldManager: 'kvsync-reloader',
});

const CORE_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** True when the Argo Rollouts CRD is served (and readable); the reloader then restarts Rollouts too. */
async function argoRolloutsServed(kube: KubeClient): Promise<boolean> {
  try {
    const ref = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'rollouts.argoproj.io',
    };
    return (await kube.get(ref)) !== undefined;
  } catch {
    return false;
  }
}

function createContext(
  deps: ReloaderDeps,
  settings: ReloaderSettings,
  caches: ReloaderCaches,
  enqueue: (key: string) => void,
): ReloaderContext {
  return {
    kube: deps.kube,
    clock: deps.clock,
    events: deps.events,
    logger: deps.logger,
    metrics: deps.metrics,
    settings,
    hooks: deps.externalSecrets,
    caches,
    lastGood: new LastGoodStore({
      kube: deps.kube,
      cachedSecret: (namespace, name) => caches.source('Secret', namespace, name),
      fieldManager: settings.fieldManager,
    }),
    settle: new SettleTracker(),
    slots: new RolloutSlots(settings.maxConcurrentRollouts),
    state: new ReloaderStateStore(),
    replacedVersions: new Map(),
    enqueue,
  };
}

/** Queues every workload and managed Secret in scope; rollouts found running take their slots. */
function queueEverything(
  informers: ReloaderInformers,
  kinds: readonly WorkloadKind[],
  inScope: (namespace: string | undefined) => boolean,
  ctx: ReloaderContext,
  queues: Queues,
): void {
  for (const kind of kinds)
    for (const workload of informers.workloads[kind]?.list() ?? []) {
      const namespace = workload.metadata.namespace ?? '';
      if (!inScope(namespace)) continue;
      const key = workloadKey({ kind, namespace, name: workload.metadata.name ?? '' });
      if (workload.metadata.annotations?.[KVSYNC.rollout]) ctx.slots.hold(key);
      queues.workloads.add(key);
    }
  for (const secret of informers.secrets.list())
    if (inScope(secret.metadata.namespace) && secret.metadata.labels?.[LABEL_MANAGED] === 'true')
      queues.stale.add(`${secret.metadata.namespace}/${secret.metadata.name}`);
}

/** Starts everything; resolves once the caches have synced and the controllers run. */
export async function startReloader(deps: ReloaderDeps): Promise<Reloader> {
  const settings: ReloaderSettings = { ...DEFAULT_RELOADER_SETTINGS, ...deps.settings };
  const argo = settings.argoRollouts === 'auto' && (await argoRolloutsServed(deps.kube));
  const kinds = argo ? [...CORE_KINDS, 'Rollout' as const] : CORE_KINDS;
  const onError = (error: unknown) => deps.logger.warn('reloader watch failed; retrying', { error });
  const informers = createInformers(deps.kube, deps.clock, settings.namespaces, kinds, onError);
  const inScope = (namespace: string | undefined) =>
    settings.namespaces.length === 0 || settings.namespaces.includes(namespace ?? '');
  const ctx = createContext(deps, settings, cachesOf(informers), (key) => workloadController.queue.add(key));
  const onOutcome = (outcome: ReconcileOutcome) => reportOutcome(deps.logger, outcome);
  const workloadController = new Controller({
    name: 'reloader',
    reconciler: new WorkloadReconciler(ctx),
    workers: settings.workers,
    clock: deps.clock,
    onOutcome,
  });
  const podsReading = (namespace: string, name: string) =>
    informers.pods.byIndex(BY_SECRET_READ_AT_START, `${namespace}/${name}`);
  const staleController = new Controller({
    name: 'reloader-stale-pods',
    reconciler: new StaleReconciler({ ctx, podsReading }),
    clock: deps.clock,
    onOutcome,
  });
  const queues = { workloads: workloadController.queue, stale: staleController.queue };
  wireHandlers(informers, kinds, inScope, queues, (key) => ctx.slots.holds(key));
  await Promise.all(informers.all().map((informer) => informer.start()));
  queueEverything(informers, kinds, inScope, ctx, queues);
  workloadController.start();
  staleController.start();
  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all([workloadController.stop(), staleController.stop()]);
        for (const informer of informers.all()) informer.stop();
      })()),
    state: () => ctx.state.snapshot(ctx.slots.inProgress),
    enqueue: (key) => queues.workloads.add(key),
  };
}

function reportOutcome(logger: ReloaderLogger, outcome: ReconcileOutcome): void {
  if (outcome.result !== 'error' && outcome.result !== 'terminal') return;
  const fields = { controller: outcome.controller, key: outcome.key, error: outcome.error };
  if (isConflict(outcome.error)) logger.debug('reloader reconcile conflicted; retrying', fields);
  else logger.warn('reloader reconcile failed; retrying', fields);
}

/** Whether an update of a Secret or ConfigMap can change a reload decision. */
function sourceChanged(now: SourceObject, old: SourceObject): boolean {
  const a = now.metadata.annotations ?? {};
  const b = old.metadata.annotations ?? {};
  return (
    contentHash(now) !== contentHash(old) ||
    a[STAKATER.ignore] !== b[STAKATER.ignore] ||
    a[STAKATER.match] !== b[STAKATER.match] ||
    now.metadata.labels?.[LABEL_MANAGED] !== old.metadata.labels?.[LABEL_MANAGED]
  );
}

interface Queues {
  workloads: { add(key: string): void };
  stale: { add(key: string): void };
}

function wireHandlers(
  informers: ReloaderInformers,
  kinds: readonly WorkloadKind[],
  inScope: (namespace: string | undefined) => boolean,
  queues: Queues,
  inRollout: (workloadKey: string) => boolean,
): void {
  const workloadsIn = (namespace: string) => {
    for (const kind of kinds)
      for (const workload of informers.workloads[kind]?.byIndex(BY_NAMESPACE, namespace) ?? [])
        queues.workloads.add(workloadKey({ kind, namespace, name: workload.metadata.name ?? '' }));
  };
  const onSource = (isSecret: boolean) => (object: SourceObject) => {
    const namespace = object.metadata.namespace ?? '';
    if (!inScope(namespace)) return;
    workloadsIn(namespace);
    if (isSecret) queues.stale.add(`${namespace}/${object.metadata.name}`);
  };
  for (const [informer, isSecret] of [
    [informers.secrets, true],
    [informers.configMaps, false],
  ] as const) {
    informer.onAdd(onSource(isSecret));
    informer.onDelete(onSource(isSecret));
    informer.onUpdate((now, old) => {
      if (sourceChanged(now, old)) onSource(isSecret)(now);
      else if (
        isSecret &&
        now.metadata.annotations?.[KVSYNC.dataObserved] !== old.metadata.annotations?.[KVSYNC.dataObserved]
      )
        queues.stale.add(`${now.metadata.namespace}/${now.metadata.name}`);
    });
  }
  for (const kind of kinds) {
    const informer = informers.workloads[kind]!;
    const onWorkload = (workload: WorkloadObject) => {
      if (inScope(workload.metadata.namespace))
        queues.workloads.add(
          workloadKey({
            kind,
            namespace: workload.metadata.namespace ?? '',
            name: workload.metadata.name ?? '',
          }),
        );
    };
    informer.onAdd(onWorkload);
    informer.onUpdate(onWorkload);
    informer.onDelete(onWorkload);
  }
  const onPod = (pod: PodObject) => {
    if (!inScope(pod.metadata.namespace)) return;
    for (const key of secretsReadAtStart(pod)) queues.stale.add(key);
    const owner = podWorkload(pod);
    const key = owner && `${owner.kind}/${pod.metadata.namespace}/${owner.name}`;
    if (key && inRollout(key)) queues.workloads.add(key);
  };
  informers.pods.onAdd(onPod);
  informers.pods.onDelete(onPod);
  informers.pods.onUpdate((now, old) => {
    onPod(now);
    if (secretsReadAtStart(old).join() !== secretsReadAtStart(now).join()) onPod(old);
  });
}
