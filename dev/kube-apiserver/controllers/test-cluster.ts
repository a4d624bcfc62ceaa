import { createCluster, type Cluster } from '../cluster.ts';
import type { LocalClient } from '../api/local-client.ts';
import type { KubeObject } from '../types.ts';
import { ManualClock } from './clock.ts';
import { startControllers } from './index.ts';

/**
 * A cluster for controller tests: the real store, registry and API, the controllers on a
 * `ManualClock`, and every unexpected controller error collected for the test to assert on.
 */

export interface TestCluster {
  cluster: Cluster;
  client: LocalClient;
  clock: ManualClock;
  /** Errors controllers reported (409 conflicts are retried silently and never land here). */
  errors: { controller: string; key: string; error: unknown }[];
  /** Waits for the controllers to settle, then lets `ms` of clock time pass in `stepMs` steps, settling after each. */
  run(ms?: number, stepMs?: number): Promise<void>;
  close(): void;
}

/** Pod start delay used by the tests' kubelet. */
export const TEST_POD_START_DELAY_MS = 10;

export function startTestCluster(): TestCluster {
  const clock = new ManualClock();
  const cluster = createCluster({ clock, controllers: false });
  const errors: TestCluster['errors'] = [];
  const controllers = startControllers(cluster.client, {
    clock,
    podStartDelayMs: TEST_POD_START_DELAY_MS,
    onError: (controller, key, error) => errors.push({ controller, key, error }),
  });
  const run = async (ms = 0, stepMs = TEST_POD_START_DELAY_MS): Promise<void> => {
    await controllers.idle();
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      clock.advance(Math.min(stepMs, ms - elapsed));
      await controllers.idle();
    }
  };
  return {
    cluster,
    client: cluster.client,
    clock,
    errors,
    run,
    close() {
      controllers.stop();
      cluster.close();
    },
  };
}

/** A Deployment manifest with one container; `annotations` go on the pod template. */
export function deploymentManifest(options: {
  name: string;
  namespace?: string;
  replicas?: number;
  image?: string;
  templateAnnotations?: Record<string, string>;
  spec?: Record<string, unknown>;
}): KubeObject {
  const labels = { app: options.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: options.name, namespace: options.namespace ?? 'default', labels },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels,
          ...(options.templateAnnotations ? { annotations: options.templateAnnotations } : {}),
        },
        spec: { containers: [{ name: 'web', image: options.image ?? 'nginx:1.25' }] },
      },
      ...options.spec,
    },
  };
}

/** A workload manifest (StatefulSet or DaemonSet) with one container. */
export function workloadManifest(
  kind: 'StatefulSet' | 'DaemonSet',
  name: string,
  spec: Record<string, unknown> = {},
  image = 'nginx:1.25',
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'main', image }] } },
      ...(kind === 'StatefulSet' ? { serviceName: name, replicas: 3 } : {}),
      ...spec,
    },
  };
}

/** The pods of `namespace` whose `app` label is `app`, sorted by name. */
export function podsOf(client: LocalClient, app: string, namespace = 'default'): KubeObject[] {
  return client
    .list('pods', namespace, `app=${app}`)
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

/** `status` of an object as a plain record. */
export function statusOf(object: KubeObject | undefined): Record<string, unknown> {
  return (object?.['status'] ?? {}) as Record<string, unknown>;
}

/** The condition of `type`, if any. */
export function conditionOf(
  object: KubeObject | undefined,
  type: string,
): Record<string, unknown> | undefined {
  return ((statusOf(object)['conditions'] ?? []) as Record<string, unknown>[]).find(
    (c) => c['type'] === type,
  );
}
