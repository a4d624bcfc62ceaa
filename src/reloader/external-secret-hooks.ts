import type { KubeClient } from '../kube/index.ts';
import { stableJson } from '../runtime/index.ts';
import type { SourceObject } from './types.ts';
import type { RemoteVersion } from './workload-state.ts';

/**
 * What the reloader needs from the ExternalSecret side, kept small so that the operator can
 * serve it from its informers: who wrote a Secret (and which Key Vault versions), where to put
 * rejected versions, and where to show stale pods. `createExternalSecretStatusHooks` serves it
 * with plain API calls and writes two status fields (see below); the ExternalSecret controller
 * must honour `status.rejectedVersions` — not write a rejected version again until a newer one
 * appears or the entry is cleared — for a rollback to stick.
 */

export interface ExternalSecretRef {
  apiVersion: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface ExternalSecretWriter {
  ref: ExternalSecretRef;
  /** The versions of its last successful sync (`status.syncedVersions`). */
  versions: RemoteVersion[];
}

/** One rejected Key Vault version, as shown in `status.rejectedVersions`. */
export interface VersionRejection extends RemoteVersion {
  /** The workload whose rollout failed: `Kind/name` (same namespace). */
  workload: string;
  /** RFC 3339. */
  rejectedAt: string;
  /** Why, without values, e.g. `pod web-7d9-x: container app is in CrashLoopBackOff`. */
  reason: string;
}

/** Stale pods of one Secret, as shown in `status.stalePods`: counts and names, never values. */
export interface StalePodsReport {
  /** The Secret's name. */
  secret: string;
  count: number;
  /** `Kind/name` of the workloads owning the stale pods, sorted. */
  workloads: string[];
  /** When kvsync saw the Secret's current data first (RFC 3339). */
  dataChangedAt?: string;
}

export interface ExternalSecretHooks {
  /** The ExternalSecret writing Secret `namespace/secretName`; undefined when none does. */
  writerOf(namespace: string, secretName: string): Promise<ExternalSecretWriter | undefined>;
  /**
   * Makes the rejections recorded by `workload` exactly `rejections` (others' stay). Idempotent:
   * called again with the same list, it writes nothing.
   */
  syncRejections(
    ref: ExternalSecretRef,
    workload: string,
    rejections: readonly VersionRejection[],
  ): Promise<void>;
  /** Publishes the stale pods of the ExternalSecret's target; a count of 0 clears them. Idempotent. */
  reportStalePods(ref: ExternalSecretRef, report: StalePodsReport): Promise<void>;
}

export const EXTERNAL_SECRET_API = 'external-secrets.io/v1';

interface ExternalSecretObject {
  apiVersion?: string;
  metadata: { name: string; namespace: string; uid?: string; resourceVersion?: string };
  spec?: { target?: { name?: string } };
  status?: {
    syncedVersions?: RemoteVersion[];
    rejectedVersions?: VersionRejection[];
    stalePods?: ShownStalePods;
  };
}

type ShownStalePods = Omit<StalePodsReport, 'secret'>;

function sameStalePods(a: ShownStalePods, b: ShownStalePods): boolean {
  return (
    a.count === b.count &&
    a.dataChangedAt === b.dataChangedAt &&
    JSON.stringify(a.workloads ?? []) === JSON.stringify(b.workloads ?? [])
  );
}

function toWriter(es: ExternalSecretObject): ExternalSecretWriter {
  const ref: ExternalSecretRef = {
    apiVersion: EXTERNAL_SECRET_API,
    namespace: es.metadata.namespace,
    name: es.metadata.name,
  };
  if (es.metadata.uid) ref.uid = es.metadata.uid;
  const versions = (es.status?.syncedVersions ?? []).map(({ key, version, secretKey }) =>
    secretKey === undefined ? { key, version } : { key, version, secretKey },
  );
  return { ref, versions };
}

/**
 * Hooks through the API: the writer is the Secret's controlling ExternalSecret (owner
 * reference), else the ExternalSecret of the namespace whose target names the Secret. Writes
 * `status.rejectedVersions` and `status.stalePods` by merge patch guarded by resourceVersion.
 * The ExternalSecret CRD's status schema must allow both fields, or the API server prunes them.
 */
export function createExternalSecretStatusHooks(kube: KubeClient): ExternalSecretHooks {
  const getEs = (ref: ExternalSecretRef) =>
    kube.get<ExternalSecretObject>({
      apiVersion: EXTERNAL_SECRET_API,
      kind: 'ExternalSecret',
      namespace: ref.namespace,
      name: ref.name,
    });
  const patch = (es: ExternalSecretObject, status: Record<string, unknown>) =>
    kube.patchStatus(
      {
        apiVersion: EXTERNAL_SECRET_API,
        kind: 'ExternalSecret',
        namespace: es.metadata.namespace,
        name: es.metadata.name,
      },
      { metadata: { resourceVersion: es.metadata.resourceVersion }, status },
    );
  return {
    async writerOf(namespace, secretName) {
      const secret = await kube.get<SourceObject>({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace,
        name: secretName,
      });
      const owner = secret?.metadata.ownerReferences?.find(
        (o) => o.kind === 'ExternalSecret' && o.controller,
      );
      if (owner) {
        const es = await getEs({ apiVersion: EXTERNAL_SECRET_API, namespace, name: owner.name });
        if (es) return toWriter(es);
      }
      const all = await kube.list<ExternalSecretObject>({
        apiVersion: EXTERNAL_SECRET_API,
        kind: 'ExternalSecret',
        namespace,
      });
      const writer = all.find((es) => (es.spec?.target?.name || es.metadata.name) === secretName);
      return writer ? toWriter(writer) : undefined;
    },
    async syncRejections(ref, workload, rejections) {
      const es = await getEs(ref);
      if (!es) return;
      const current = es.status?.rejectedVersions ?? [];
      const next = [...current.filter((r) => r.workload !== workload), ...rejections];
      if (stableJson(next) === stableJson(current)) return;
      await patch(es, { rejectedVersions: next.length > 0 ? next : null });
    },
    async reportStalePods(ref, report) {
      const es = await getEs(ref);
      if (!es) return;
      const current = es.status?.stalePods;
      const { secret: _secret, ...shown } = report;
      if (current ? sameStalePods(current, shown) : report.count === 0) return;
      await patch(es, { stalePods: report.count > 0 ? shown : null });
    },
  };
}
