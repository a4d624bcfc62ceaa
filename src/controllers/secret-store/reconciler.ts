import type { ClusterSecretStore, Condition, SecretStore } from '../../api/index.ts';
import { parseGoDuration, validateSecretStore } from '../../api/index.ts';
import { errorMessage } from '../../errors.ts';
import type { EventRecorder, KubeClient } from '../../kube/index.ts';
import type { Clock, Informer, ReconcileResult } from '../../runtime/index.ts';
import { formatTime, statusChanged } from '../external-secret/status.ts';
import { isOurs, type AnyStore, type ProviderSource, type StoreKind } from './resolve.ts';

/**
 * Validates SecretStores and ClusterSecretStores and keeps their `Ready` condition true to
 * what kvsync can do with them, re-checking every store refresh interval. Keys are
 * `SecretStore:<namespace>/<name>` and `ClusterSecretStore:<name>`.
 */

export type StoreReason =
  'Valid' | 'InvalidProviderConfig' | 'InvalidStoreConfiguration' | 'ValidationUnknown';

export interface StoreMetrics {
  storeCondition(
    kind: StoreKind,
    namespace: string | undefined,
    name: string,
    ready: boolean | undefined,
  ): void;
}

export interface StoreReconcilerDeps {
  clock: Clock;
  kube: KubeClient;
  secretStores: Informer<SecretStore>;
  clusterSecretStores: Informer<ClusterSecretStore>;
  providers: ProviderSource;
  events: EventRecorder;
  metrics: StoreMetrics;
  controllerClass: string;
  /** Re-validation period when the store sets none (ESO's --store-requeue-interval). */
  defaultRequeueMs: number;
  /** Called when a store becomes Ready, so that its ExternalSecrets can sync at once. */
  onBecameReady?(kind: StoreKind, store: AnyStore): void;
}

export function storeKey(kind: StoreKind, store: AnyStore): string {
  return kind === 'SecretStore'
    ? `SecretStore:${store.metadata.namespace}/${store.metadata.name}`
    : `ClusterSecretStore:${store.metadata.name}`;
}

/** A store's `spec.refreshInterval`: seconds as a number, or a Go duration; 0 or unset → default. */
export function storeRequeueMs(store: AnyStore, defaultMs: number): number {
  const interval = store.spec.refreshInterval;
  if (interval === undefined || interval === 0 || interval === '') return defaultMs;
  const ms =
    typeof interval === 'number'
      ? interval * 1000
      : /^\d+$/.test(interval)
        ? Number(interval) * 1000
        : parseGoDuration(interval);
  return ms > 0 ? ms : defaultMs;
}

/** True when a ClusterSecretStore's credentials resolve per consumer namespace (ESO: referent auth). */
function isReferent(kind: StoreKind, store: AnyStore): boolean {
  if (kind !== 'ClusterSecretStore') return false;
  const azure = store.spec.provider?.azurekv;
  if (!azure) return false;
  const refs = Object.values(azure.authSecretRef ?? {}).filter(Boolean) as { namespace?: string }[];
  if (azure.serviceAccountRef) refs.push(azure.serviceAccountRef);
  return refs.some((ref) => !ref.namespace);
}

export class StoreReconciler {
  readonly #deps: StoreReconcilerDeps;

  constructor(deps: StoreReconcilerDeps) {
    this.#deps = deps;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [kind, rest] = key.split(':', 2) as [StoreKind, string];
    const store =
      kind === 'SecretStore' ? this.#deps.secretStores.get(rest) : this.#deps.clusterSecretStores.get(rest);
    if (!store) {
      const [namespace, name] = kind === 'SecretStore' ? rest.split('/') : [undefined, rest];
      this.#deps.metrics.storeCondition(kind, namespace, name!, undefined);
      return;
    }
    if (!isOurs(store, this.#deps.controllerClass)) return;
    const { reason, message } = await this.#validate(kind, store);
    const ready = reason === 'Valid' || reason === 'ValidationUnknown';
    await this.#writeStatus(kind, store, ready, reason, message);
    this.#deps.metrics.storeCondition(kind, store.metadata.namespace, store.metadata.name!, ready);
    return { requeueAfterMs: storeRequeueMs(store, this.#deps.defaultRequeueMs) };
  }

  async #validate(kind: StoreKind, store: AnyStore): Promise<{ reason: StoreReason; message: string }> {
    const problems = validateSecretStore(store, kind);
    if (problems.length > 0)
      return {
        reason: 'InvalidStoreConfiguration',
        message: `invalid store: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      };
    if (!store.spec.provider?.azurekv) {
      const names = Object.keys(store.spec.provider ?? {}).join(', ') || 'none';
      return {
        reason: 'InvalidProviderConfig',
        message: `provider ${names} is not supported by kvsync: only azurekv (Azure Key Vault) is`,
      };
    }
    if (isReferent(kind, store))
      return {
        reason: 'ValidationUnknown',
        message: 'store validated per namespace when used (referent authentication)',
      };
    try {
      const provider = await this.#deps.providers.providerFor(kind, store, store.metadata.namespace ?? '');
      await provider.validate();
      return { reason: 'Valid', message: 'store validated' };
    } catch (error) {
      return { reason: 'InvalidProviderConfig', message: errorMessage(error) };
    }
  }

  async #writeStatus(
    kind: StoreKind,
    store: AnyStore,
    ready: boolean,
    reason: StoreReason,
    message: string,
  ): Promise<void> {
    const nowMs = this.#deps.clock.now();
    const previous = store.status?.conditions?.find((c) => c.type === 'Ready');
    const status = ready ? 'True' : 'False';
    const condition: Condition = {
      type: 'Ready',
      status,
      reason,
      message,
      lastTransitionTime:
        previous?.status === status && previous.lastTransitionTime
          ? previous.lastTransitionTime
          : formatTime(nowMs),
    };
    const next = { ...store.status, conditions: [condition], capabilities: 'ReadWrite' };
    if (!statusChanged(store.status as Record<string, unknown> | undefined, next)) return;
    await this.#deps.kube.patchStatus(
      {
        apiVersion: 'external-secrets.io/v1',
        kind,
        ...(store.metadata.namespace ? { namespace: store.metadata.namespace } : {}),
        name: store.metadata.name!,
      },
      { status: next },
    );
    const ref = {
      apiVersion: 'external-secrets.io/v1',
      kind,
      namespace: store.metadata.namespace,
      name: store.metadata.name!,
      uid: store.metadata.uid,
    };
    if (previous?.status !== status || previous.reason !== reason || previous.message !== message)
      this.#deps.events.record(ref, ready ? 'Normal' : 'Warning', reason, message);
    if (ready && previous?.status !== 'True') this.#deps.onBecameReady?.(kind, store);
  }
}
