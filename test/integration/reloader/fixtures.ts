import type { KubeClient } from '../../../src/kube/index.ts';

/** Manifests and reads the reloader's integration tests share. Values are test data, never logged. */

export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string }>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
  [field: string]: unknown;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function secretManifest(namespace: string, name: string, password: string, managed = true): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace,
      ...(managed ? { labels: { 'reconcile.external-secrets.io/managed': 'true' } } : {}),
    },
    data: { password: b64(password) },
  };
}

export async function createSecret(
  kube: KubeClient,
  namespace: string,
  name: string,
  password: string,
  managed = true,
) {
  return kube.create(secretManifest(namespace, name, password, managed));
}

/** Replaces the Secret's data, as the ExternalSecret controller does on a rotation. */
export async function rotate(
  kube: KubeClient,
  namespace: string,
  name: string,
  password: string,
): Promise<void> {
  const secret = (await kube.get<Obj>({ apiVersion: 'v1', kind: 'Secret', namespace, name }))!;
  await kube.replace({ ...secret, data: { password: b64(password) } });
}

export async function passwordOf(kube: KubeClient, namespace: string, name: string): Promise<string> {
  const secret = await kube.get<Obj>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  return Buffer.from(secret?.data?.['password'] ?? '', 'base64').toString();
}

export type Use = 'env' | 'envFrom' | 'volume' | 'subPath' | 'none';

export function podSpec(secretName: string, use: Use): Record<string, unknown> {
  const container: Record<string, unknown> = { name: 'app', image: 'registry.example/app:1' };
  const volumes = [{ name: 'creds', secret: { secretName } }];
  if (use === 'env')
    container['env'] = [
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: secretName, key: 'password' } } },
    ];
  if (use === 'envFrom') container['envFrom'] = [{ secretRef: { name: secretName } }];
  if (use === 'volume') container['volumeMounts'] = [{ name: 'creds', mountPath: '/creds' }];
  if (use === 'subPath')
    container['volumeMounts'] = [{ name: 'creds', mountPath: '/etc/app/password', subPath: 'password' }];
  return { containers: [container], ...(use === 'volume' || use === 'subPath' ? { volumes } : {}) };
}

export interface WorkloadOptions {
  kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  secretName: string;
  use?: Use;
  annotations?: Record<string, string>;
  templateAnnotations?: Record<string, string>;
  replicas?: number;
  progressDeadlineSeconds?: number;
}

export function workloadManifest(namespace: string, name: string, options: WorkloadOptions): Obj {
  const kind = options.kind ?? 'Deployment';
  const labels = { app: name };
  const spec: Record<string, unknown> = {
    selector: { matchLabels: labels },
    template: {
      metadata: {
        labels,
        ...(options.templateAnnotations ? { annotations: options.templateAnnotations } : {}),
      },
      spec: podSpec(options.secretName, options.use ?? 'env'),
    },
  };
  if (kind !== 'DaemonSet') spec['replicas'] = options.replicas ?? 2;
  if (kind === 'StatefulSet') spec['serviceName'] = name;
  if (options.progressDeadlineSeconds) spec['progressDeadlineSeconds'] = options.progressDeadlineSeconds;
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace, ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec,
  };
}

export async function createWorkload(
  kube: KubeClient,
  namespace: string,
  name: string,
  options: WorkloadOptions,
) {
  return kube.create(workloadManifest(namespace, name, options));
}

export async function getWorkload(kube: KubeClient, namespace: string, name: string, kind = 'Deployment') {
  return (await kube.get<Obj>({ apiVersion: 'apps/v1', kind, namespace, name }))!;
}

/** ReplicaSets of Deployment `name`: one per rolled-out template. */
export async function replicaSetsOf(kube: KubeClient, namespace: string, name: string): Promise<Obj[]> {
  const all = await kube.list<Obj>({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace });
  return all.filter((rs) =>
    rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name),
  );
}

export async function podsOf(kube: KubeClient, namespace: string, app: string): Promise<Obj[]> {
  const pods = await kube.list<Obj>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace,
    labelSelector: `app=${app}`,
  });
  return pods.filter((pod) => !pod.metadata.deletionTimestamp);
}

/** True when every pod of `app` is Ready and there are `count` of them. */
export async function allReady(
  kube: KubeClient,
  namespace: string,
  app: string,
  count: number,
): Promise<boolean> {
  const pods = await podsOf(kube, namespace, app);
  const ready = (pod: Obj) =>
    ((pod.status?.['conditions'] ?? []) as Array<{ type: string; status: string }>).some(
      (c) => c.type === 'Ready' && c.status === 'True',
    );
  return pods.length === count && pods.every(ready);
}

export interface EventObj {
  involvedObject: { kind: string; name: string };
  type: string;
  reason: string;
  message: string;
  count: number;
}

export async function eventsOf(
  kube: KubeClient,
  namespace: string,
  kind: string,
  name: string,
): Promise<EventObj[]> {
  return kube.list<EventObj>({
    apiVersion: 'v1',
    kind: 'Event',
    namespace,
    fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
  });
}

export function reloadStatusOf(
  workload: Obj,
): { status: string; reason: string; message: string; until?: string } | undefined {
  const text = workload.metadata.annotations?.['kvsync.io/reload-status'];
  return text ? JSON.parse(text) : undefined;
}
