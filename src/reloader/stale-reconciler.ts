import type { ReconcileResult, Reconciler } from '../runtime/index.ts';
import { KVSYNC, LABEL_MANAGED } from './annotations.ts';
import type { ReloaderContext } from './context.ts';
import { contentHash } from './hash.ts';
import { formatDataHistory, nextDataHistory, parseDataHistory, stalePods } from './stale-pods.ts';
import type { PodObject } from './types.ts';

/**
 * Reconciles one managed Secret (`namespace/name`): keeps its data history annotation current,
 * lists the pods running with old data, and publishes them (state, metric, and the
 * ExternalSecret's status through the hook, only when the list changed). Secret and pod events
 * queue it; nothing polls.
 */

export interface StaleReconcilerOptions {
  ctx: ReloaderContext;
  /** Pods of the namespace that read Secret `name` at start (an index of the pod cache). */
  podsReading(namespace: string, name: string): PodObject[];
}

export class StaleReconciler implements Reconciler {
  readonly #ctx: ReloaderContext;
  readonly #podsReading: StaleReconcilerOptions['podsReading'];
  /** Per Secret, the report last published to its ExternalSecret. */
  readonly #published = new Map<string, string>();

  constructor(options: StaleReconcilerOptions) {
    this.#ctx = options.ctx;
    this.#podsReading = options.podsReading;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const secret = this.#ctx.caches.source('Secret', namespace, name);
    if (!secret || secret.metadata.labels?.[LABEL_MANAGED] !== 'true')
      return this.#clear(key, namespace, name);
    const hash = contentHash(secret);
    const history = parseDataHistory(secret.metadata.annotations?.[KVSYNC.dataObserved]);
    const next = nextDataHistory(history, hash, this.#ctx.clock.now(), secret.metadata.creationTimestamp);
    if (next) {
      // The Secret's update event queues this key again, with the history in the cache.
      await this.#ctx.kube.mergePatch(
        { apiVersion: 'v1', kind: 'Secret', namespace, name },
        {
          metadata: {
            resourceVersion: secret.metadata.resourceVersion,
            annotations: { [KVSYNC.dataObserved]: formatDataHistory(next) },
          },
        },
        { fieldManager: this.#ctx.settings.fieldManager },
      );
      return;
    }
    const pods = stalePods(name, hash, history, this.#podsReading(namespace, name));
    const dataChangedAt = history[0]?.at;
    this.#ctx.state.setStale(key, {
      namespace,
      secret: name,
      ...(dataChangedAt ? { dataChangedAt } : {}),
      pods,
    });
    this.#ctx.metrics?.stalePods(namespace, name, pods.length);
    const workloads = [...new Set(pods.flatMap((p) => (p.workload ? [p.workload] : [])))].sort();
    await this.#publish(key, namespace, name, {
      count: pods.length,
      workloads,
      ...(dataChangedAt ? { dataChangedAt } : {}),
    });
  }

  async #clear(key: string, namespace: string, name: string): Promise<void> {
    this.#ctx.state.setStale(key, undefined);
    if (this.#published.has(key)) this.#ctx.metrics?.stalePods(namespace, name, 0);
    this.#published.delete(key);
  }

  async #publish(
    key: string,
    namespace: string,
    name: string,
    report: { count: number; workloads: string[]; dataChangedAt?: string },
  ): Promise<void> {
    const digest = JSON.stringify(report);
    if (this.#published.get(key) === digest) return;
    const hooks = this.#ctx.hooks;
    const writer = hooks ? await hooks.writerOf(namespace, name) : undefined;
    if (hooks && writer) await hooks.reportStalePods(writer.ref, { secret: name, ...report });
    this.#published.set(key, digest);
  }
}
