import { startKubeApiServer, type KubeApiServer } from '../../../dev/kube-apiserver/index.ts';
import { POD_BEHAVIOR_ANNOTATION } from '../../../dev/kube-apiserver/controllers/index.ts';
import {
  createEventRecorder,
  createKubeClient,
  type FlushableEventRecorder,
  type KubeClient,
} from '../../../src/kube/index.ts';
import { FakeClock } from '../../../src/runtime/index.ts';
import {
  startReloader,
  type ExternalSecretHooks,
  type ExternalSecretRef,
  type Reloader,
  type ReloaderMetrics,
  type ReloaderSettings,
  type StalePodsReport,
  type VersionRejection,
} from '../../../src/reloader/index.ts';

/**
 * The reloader against the Kubernetes API emulator, its simulated workload controllers and one
 * fake clock shared by both (the emulator's controllers and kubelet, the reloader's queues,
 * informers and windows), so that settle periods, deadlines and windows pass in milliseconds.
 * Effects travel over real HTTPS watches, so `drive` moves fake time in small steps and yields
 * to the event loop between them until a condition holds.
 *
 * Bad values: the emulator makes a pod misbehave through its `emulator.kvsync.io/behavior`
 * annotation. `crashOnBadValues()` stands in for an application that crashes on a wrong
 * password: when a pod is created whose containers read (env/envFrom) a Secret holding a value
 * that starts with `bad`, the pod gets `behavior: crash-loop` at once, so it reads the value the
 * Secret held when the pod was created, exactly as env vars do. `recoverOnContainerRestart()`
 * (opt-in) adds the other half of env vars' behaviour: a container restart reads them again.
 */

export interface Harness {
  server: KubeApiServer;
  kube: KubeClient;
  clock: FakeClock;
  events: FlushableEventRecorder;
  hooks: RecordingHooks;
  metrics: RecordingMetrics;
  /** Starts a reloader on `namespace` (stopped by `close()` or explicitly). */
  start(namespace: string, settings?: Partial<ReloaderSettings>): Promise<Reloader>;
  /** A fresh namespace for one test. */
  namespace(): Promise<string>;
  /** Advances fake time in `stepMs` steps until `condition` holds; throws after `maxFakeMs`. */
  drive(
    condition: () => boolean | Promise<boolean>,
    options?: { stepMs?: number; maxFakeMs?: number },
  ): Promise<void>;
  /** Advances fake time by `ms` in steps, letting everything react. */
  pass(ms: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

export class RecordingMetrics implements ReloaderMetrics {
  restarts: string[] = [];
  finished: string[] = [];
  stale = new Map<string, number>();
  restarted(kind: string, namespace: string, trigger: string): void {
    this.restarts.push(`${kind}/${namespace}:${trigger}`);
  }
  rolloutFinished(kind: string, namespace: string, result: string): void {
    this.finished.push(`${kind}/${namespace}:${result}`);
  }
  pendingRestarts(): void {}
  rolloutsInProgress(): void {}
  stalePods(namespace: string, secret: string, count: number): void {
    this.stale.set(`${namespace}/${secret}`, count);
  }
}

/** ExternalSecret hooks kept in memory: each managed Secret `s` is written by ExternalSecret `s`. */
export class RecordingHooks implements ExternalSecretHooks {
  /** Key Vault version per Secret name, as the ExternalSecret last synced it. */
  versions = new Map<string, string>();
  rejections = new Map<string, VersionRejection[]>();
  staleReports: Array<{ es: string } & StalePodsReport> = [];

  async writerOf(namespace: string, secretName: string) {
    const version = this.versions.get(`${namespace}/${secretName}`);
    if (version === undefined) return undefined;
    const ref: ExternalSecretRef = { apiVersion: 'external-secrets.io/v1', namespace, name: secretName };
    return { ref, versions: [{ key: `kv-${secretName}`, version, secretKey: 'password' }] };
  }

  async syncRejections(ref: ExternalSecretRef, workload: string, rejections: readonly VersionRejection[]) {
    const key = `${ref.namespace}/${ref.name}`;
    const others = (this.rejections.get(key) ?? []).filter((r) => r.workload !== workload);
    this.rejections.set(key, [...others, ...rejections]);
  }

  async reportStalePods(ref: ExternalSecretRef, report: StalePodsReport) {
    this.staleReports.push({ es: `${ref.namespace}/${ref.name}`, ...report });
  }
}

function readsBadValue(
  server: KubeApiServer,
  pod: { metadata: { namespace?: string }; spec?: unknown },
): boolean {
  const spec = (pod.spec ?? {}) as {
    containers?: Array<{
      env?: Array<{ valueFrom?: { secretKeyRef?: { name?: string } } }>;
      envFrom?: Array<{ secretRef?: { name?: string } }>;
    }>;
  };
  const names = (spec.containers ?? []).flatMap((c) => [
    ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name),
    ...(c.envFrom ?? []).map((e) => e.secretRef?.name),
  ]);
  return names.some((name) => {
    if (!name) return false;
    const secret = server.cluster.client.get('secrets', pod.metadata.namespace, name) as
      { data?: Record<string, string> } | undefined;
    return Object.values(secret?.data ?? {}).some((v) =>
      Buffer.from(v, 'base64').toString().startsWith('bad'),
    );
  });
}

/** See the file comment: pods created while a Secret they read holds `bad…` crash-loop. */
function crashOnBadValues(server: KubeApiServer): () => void {
  const client = server.cluster.client;
  return client.onChange('pods', (event) => {
    if (event.type !== 'ADDED') return;
    const pod = client.served('pods', event) as {
      metadata: { namespace?: string; name?: string };
      spec?: unknown;
    };
    if (!readsBadValue(server, pod)) return;
    setImmediate(() => {
      try {
        client.mergePatch('pods', pod.metadata.namespace, pod.metadata.name!, {
          metadata: { annotations: { [POD_BEHAVIOR_ANNOTATION]: 'crash-loop' } },
        });
      } catch {
        // the pod is gone already
      }
    });
  });
}

const restartsOf = (pod: { [field: string]: unknown } | undefined): number =>
  (
    (pod?.['status'] as { containerStatuses?: Array<{ restartCount?: number }> } | undefined)
      ?.containerStatuses ?? []
  )
    .map((c) => c.restartCount ?? 0)
    .reduce((a, b) => a + b, 0);

/**
 * Opt-in, with `crashOnBadValues`: a crash-looping container that restarts reads its env again
 * (the kubelet resolves `secretKeyRef`/`secretRef` at every container start), so once its Secret
 * no longer holds a bad value, the pod's next container restart (the emulator's crash-loop
 * schedule: 10 s, then doubling) makes it run, and it loses `behavior: crash-loop`. Returns the
 * unsubscribe function.
 */
export function recoverOnContainerRestart(server: KubeApiServer): () => void {
  const client = server.cluster.client;
  return client.onChange('pods', (event) => {
    if (event.type !== 'MODIFIED') return;
    const pod = client.served('pods', event) as {
      metadata: { namespace?: string; name?: string; annotations?: Record<string, string> };
      spec?: unknown;
      status?: unknown;
    };
    if (pod.metadata.annotations?.[POD_BEHAVIOR_ANNOTATION] !== 'crash-loop') return;
    if (restartsOf(pod) <= restartsOf(event.previous) || readsBadValue(server, pod)) return;
    setImmediate(() => {
      try {
        client.mergePatch('pods', pod.metadata.namespace, pod.metadata.name!, {
          metadata: { annotations: { [POD_BEHAVIOR_ANNOTATION]: null } },
        });
      } catch {
        // the pod is gone already
      }
    });
  });
}

export async function startHarness(startMs = Date.UTC(2026, 0, 5, 0, 0, 0)): Promise<Harness> {
  const clock = new FakeClock(startMs);
  const server = await startKubeApiServer({
    clock: { now: () => new Date(clock.now()), setTimeout: (fn, ms) => clock.setTimer(ms, fn) },
  });
  const stopCrashing = crashOnBadValues(server);
  const kube = createKubeClient({ kubeconfigPath: server.kubeconfig });
  const events = createEventRecorder(kube, { component: 'kvsync', clock });
  const hooks = new RecordingHooks();
  const metrics = new RecordingMetrics();
  const reloaders: Reloader[] = [];
  let namespaces = 0;
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const pass = async (ms: number, stepMs = 100) => {
    for (let passed = 0; passed < ms; passed += stepMs) {
      await clock.advance(Math.min(stepMs, ms - passed));
      await tick();
    }
  };
  return {
    server,
    kube,
    clock,
    events,
    hooks,
    metrics,
    async start(namespace, settings = {}) {
      const reloader = await startReloader({
        kube,
        clock,
        events,
        logger: silent,
        metrics,
        externalSecrets: hooks,
        settings: { namespaces: [namespace], settlePeriodMs: 5000, healthPollMs: 500, ...settings },
      });
      reloaders.push(reloader);
      return reloader;
    },
    async namespace() {
      namespaces += 1;
      const name = `reload-${namespaces}`;
      await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    async drive(condition, options = {}) {
      const stepMs = options.stepMs ?? 100;
      const maxFakeMs = options.maxFakeMs ?? 60_000;
      for (let passed = 0; ; passed += stepMs) {
        if (await condition()) return;
        if (passed >= maxFakeMs) throw new Error(`condition not met within ${maxFakeMs} ms of fake time`);
        await clock.advance(stepMs);
        await tick();
      }
    },
    pass,
    async close() {
      await Promise.all(reloaders.map((reloader) => reloader.stop()));
      await events.flush();
      stopCrashing();
      await server.close();
    },
  };
}
