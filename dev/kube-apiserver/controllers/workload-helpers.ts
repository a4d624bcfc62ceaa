import type { LocalClient } from '../api/local-client.ts';
import { jsonEqual } from '../api/objects.ts';
import { labelSelectorFromSpec, matchesLabels, type LabelSelectorSpec } from '../selectors.ts';
import type { KubeObject, OwnerReference } from '../types.ts';

/**
 * Small pieces shared by the workload controllers: owner references, pod readiness and
 * availability, template hashes, conditions and the spec fields they read.
 */

export type Json = Record<string, unknown>;

export const RESOURCE = {
  namespaces: 'namespaces',
  pods: 'pods',
  serviceAccounts: 'serviceaccounts',
  deployments: 'apps/deployments',
  replicaSets: 'apps/replicasets',
  statefulSets: 'apps/statefulsets',
  daemonSets: 'apps/daemonsets',
} as const;

/** The one simulated node pods are scheduled on. */
export const NODE_NAME = 'kvsync-node';

export function specOf(object: KubeObject): Json {
  return (object['spec'] ?? {}) as Json;
}

export function statusOf(object: KubeObject): Json {
  return (object['status'] ?? {}) as Json;
}

/** The pod template of a workload (`spec.template`). */
export function templateOf(object: KubeObject): {
  metadata?: Json & { labels?: Record<string, string> };
  spec?: Json;
} {
  return (specOf(object)['template'] ?? {}) as { metadata?: Json; spec?: Json };
}

/** `spec.replicas`, defaulting to 1 as the API does. */
export function desiredReplicas(object: KubeObject): number {
  const replicas = specOf(object)['replicas'];
  return typeof replicas === 'number' ? replicas : 1;
}

export function minReadySecondsOf(object: KubeObject): number {
  const value = specOf(object)['minReadySeconds'];
  return typeof value === 'number' ? value : 0;
}

/** The owner reference with `controller: true`, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** True when `object` is controlled by the object with `ownerUid`. */
export function isControlledBy(object: KubeObject, ownerUid: string | undefined): boolean {
  return ownerUid !== undefined && controllerOf(object)?.uid === ownerUid;
}

/** A controller reference to `owner`, blocking its foreground deletion as workload controllers do. */
export function controllerReference(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when the workload's selector matches `labels`; a missing or invalid selector matches nothing. */
export function selectorMatches(workload: KubeObject, labels: Record<string, string> | undefined): boolean {
  const selector = specOf(workload)['selector'] as LabelSelectorSpec | undefined;
  if (!selector) return false;
  try {
    return matchesLabels(labelSelectorFromSpec(selector), labels);
  } catch {
    return false;
  }
}

// ---- Pods ----

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: null;
}

export function conditionsOf(object: KubeObject): Condition[] {
  return (statusOf(object)['conditions'] ?? []) as Condition[];
}

export function findCondition(object: KubeObject, type: string): Condition | undefined {
  return conditionsOf(object).find((c) => c.type === type);
}

/** Not deleting and not terminated (Succeeded or Failed): what controllers count as running. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = statusOf(pod)['phase'];
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isPodFailed(pod: KubeObject): boolean {
  return statusOf(pod)['phase'] === 'Failed';
}

export function isPodReady(pod: KubeObject): boolean {
  return findCondition(pod, 'Ready')?.status === 'True';
}

/**
 * Ready for at least `minReadySeconds`. When ready but not yet available, `availableInMs` says
 * when it will be, so the caller can come back then.
 */
export function podAvailability(
  pod: KubeObject,
  minReadySeconds: number,
  now: Date,
): { available: boolean; availableInMs?: number } {
  const ready = findCondition(pod, 'Ready');
  if (ready?.status !== 'True') return { available: false };
  if (minReadySeconds <= 0 || !ready.lastTransitionTime) return { available: true };
  const availableAtMs = Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000;
  const remainingMs = availableAtMs - now.getTime();
  return remainingMs <= 0 ? { available: true } : { available: false, availableInMs: remainingMs };
}

/** The earliest of several optional delays, or undefined when there is none. */
export function earliest(delaysMs: (number | undefined)[]): number | undefined {
  const defined = delaysMs.filter((d): d is number => d !== undefined);
  return defined.length > 0 ? Math.min(...defined) : undefined;
}

/** A pod for a workload: the template's metadata and spec, the given name or generateName, the owner. */
export function podFromTemplate(
  workload: KubeObject,
  naming: { name: string } | { generateName: string },
  owner: OwnerReference,
  extraLabels: Record<string, string> = {},
): KubeObject {
  const template = structuredClone(templateOf(workload));
  const metadata = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...naming,
      namespace: workload.metadata.namespace,
      labels: { ...(metadata.labels ?? {}), ...extraLabels },
      ...(metadata['annotations'] ? { annotations: metadata['annotations'] as Record<string, string> } : {}),
      ownerReferences: [owner],
    },
    spec: template.spec ?? {},
  };
}

// ---- Hashes ----

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so equal values hash equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * A hash of a value in the shape Kubernetes gives pod-template hashes (FNV-32a, then the decimal
 * digits mapped onto `rand.SafeEncodeString`'s alphabet): `7d4b9c8f6`. Stable across key order.
 */
export function templateHash(value: unknown): string {
  return [...String(fnv1a32(canonicalJson(value)))]
    .map((c) => SAFE_ALPHABET[c.charCodeAt(0) % SAFE_ALPHABET.length])
    .join('');
}

/** Removes zero and undefined entries: the counts real controllers omit (`omitempty`). */
export function withoutZeros<T extends Json>(status: T, keep: string[] = []): T {
  const result: Json = {};
  for (const [key, value] of Object.entries(status)) {
    if (value === undefined) continue;
    if (value === 0 && !keep.includes(key)) continue;
    result[key] = value;
  }
  return result as T;
}

// ---- Reading owned objects ----

/** Objects of `resource` in `namespace` controlled by `ownerUid`, straight from storage (frozen: do not mutate). */
export function listControlled(
  client: LocalClient,
  resource: string,
  namespace: string | undefined,
  ownerUid: string | undefined,
): KubeObject[] {
  const bucket = client.target(resource).type.bucket;
  return client.api.store.list(bucket, namespace).filter((object) => isControlledBy(object, ownerUid));
}

/** The `namespace/name` key of the controller of `object` when it is a `kind`; for event mapping. */
export function controllerKey(object: KubeObject, kind: string): string | undefined {
  const ref = controllerOf(object);
  return ref?.kind === kind ? `${object.metadata.namespace ?? ''}/${ref.name}` : undefined;
}

/** Writes `status` through the status subresource unless it is what the object already has. */
export function writeStatus(client: LocalClient, resource: string, object: KubeObject, status: Json): void {
  if (jsonEqual(status, object['status'] ?? {})) return;
  client.updateStatus(resource, { ...object, status });
}

// ---- Failed pods ----

/** Failed pods a workload keeps around for inspection; older ones are deleted. */
export const FAILED_PODS_KEPT = 5;
const FAILED_POD_BASE_BACKOFF_MS = 1_000;

/**
 * How long to wait before replacing failed pods: 1 s after the latest failure, doubling with each
 * failed pod kept (so a pod that always fails is retried at most every 16 s). 0 when there is none.
 */
export function failedPodBackoffMs(failed: KubeObject[], now: Date): number {
  if (failed.length === 0) return 0;
  const latestMs = Math.max(...failed.map(failureTimeMs));
  const delay = FAILED_POD_BASE_BACKOFF_MS * 2 ** (Math.min(failed.length, FAILED_PODS_KEPT) - 1);
  return Math.max(0, latestMs + delay - now.getTime());
}

function failureTimeMs(pod: KubeObject): number {
  const ready = findCondition(pod, 'Ready');
  return Date.parse(ready?.lastTransitionTime ?? pod.metadata.creationTimestamp ?? '') || 0;
}

/** Failed pods beyond `FAILED_PODS_KEPT`, oldest first: the ones to delete. */
export function excessFailedPods(failed: KubeObject[]): KubeObject[] {
  const oldestFirst = [...failed].sort((a, b) => failureTimeMs(a) - failureTimeMs(b));
  return oldestFirst.slice(0, Math.max(0, failed.length - FAILED_PODS_KEPT));
}
