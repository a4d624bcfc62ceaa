import {
  ANNOTATION_DATA_HASH,
  EXTERNAL_SECRET_MESSAGES,
  LABEL_CREATED_BY,
  LABEL_MANAGED,
  LABEL_MANAGED_VALUE,
} from '../../api/index.ts';
import { KvsyncError } from '../../errors.ts';
import { SECRET_KEY_PATTERN } from './decoding.ts';
import { createdByLabelValue } from './hash.ts';

/**
 * Builds the target Secret an ExternalSecret asks for, from the Secret that exists now and the
 * data just fetched, with ESO's bookkeeping (managed label, data-hash annotation, owner
 * reference) so that the on-cluster format matches ESO's. Pure: writing is the caller's job.
 */

/** Annotations of the ExternalSecret that are never copied to its Secret. */
const NOT_COPIED = new Set(['kubectl.kubernetes.io/last-applied-configuration']);

/** The largest Secret the API server stores (etcd's request limit): 1 MiB of data. */
export const MAX_SECRET_DATA_BYTES = 1024 * 1024;

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    finalizers?: string[];
    deletionTimestamp?: string;
    creationTimestamp?: string;
  };
  type?: string;
  immutable?: boolean;
  data?: Record<string, string>;
}

export interface TargetSpec {
  /** The owning ExternalSecret. */
  owner: { apiVersion: string; name: string; namespace: string; uid: string };
  secretName: string;
  creationPolicy: 'Owner' | 'Orphan' | 'Merge' | 'None' | 'CreateOrMerge';
  immutable: boolean;
  type?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Labels and annotations to copy: the template's when it has metadata, else the ExternalSecret's own. */
export function copiedMetadata(
  esMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> },
  templateMetadata: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  if (templateMetadata)
    return { labels: { ...templateMetadata.labels }, annotations: { ...templateMetadata.annotations } };
  const annotations = Object.fromEntries(
    Object.entries(esMetadata.annotations ?? {}).filter(([key]) => !NOT_COPIED.has(key)),
  );
  return { labels: { ...esMetadata.labels }, annotations };
}

/** The controller owner reference of `secret`, if any. */
export function controllerOf(secret: SecretObject | undefined): OwnerReference | undefined {
  return secret?.metadata.ownerReferences?.find((reference) => reference.controller);
}

function checkData(data: Map<string, Buffer>, secretName: string): void {
  let bytes = 0;
  for (const [key, value] of data) {
    if (!SECRET_KEY_PATTERN.test(key) || key.length > 253)
      throw new KvsyncError(
        'ERR_TARGET_INVALID_KEY',
        `secret '${secretName}': '${key}' is not a valid Secret key (letters, digits, '-', '_', '.'; at most 253)`,
      );
    bytes += value.length;
  }
  if (bytes > MAX_SECRET_DATA_BYTES)
    throw new KvsyncError(
      'ERR_TARGET_TOO_LARGE',
      `secret '${secretName}': ${bytes} bytes of data exceed the 1 MiB a Secret can hold`,
    );
}

function ownerReference(spec: TargetSpec): OwnerReference {
  const { owner } = spec;
  return {
    apiVersion: owner.apiVersion,
    kind: 'ExternalSecret',
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The group of an `apiVersion` (`external-secrets.io/v1` → `external-secrets.io`; `v1` → ''). */
function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/**
 * True when `reference` names the owning ExternalSecret: by group, kind and name as ESO compares
 * (not uid), so that an ExternalSecret deleted and re-created under the same name adopts its Secret.
 */
function refersToOwner(reference: OwnerReference, spec: TargetSpec): boolean {
  return (
    reference.uid === spec.owner.uid ||
    (reference.kind === 'ExternalSecret' &&
      reference.name === spec.owner.name &&
      groupOf(reference.apiVersion) === groupOf(spec.owner.apiVersion))
  );
}

function ownerReferences(spec: TargetSpec, existing: SecretObject | undefined): OwnerReference[] | undefined {
  const others = (existing?.metadata.ownerReferences ?? []).filter(
    (reference) => !refersToOwner(reference, spec),
  );
  const references = spec.creationPolicy === 'Owner' ? [...others, ownerReference(spec)] : others;
  return references.length > 0 ? references : undefined;
}

/**
 * The Secret to write: `existing` (when there is one) with the fetched data, labels,
 * annotations, bookkeeping and owner reference applied. `Merge` keeps the existing keys and
 * overwrites the fetched ones; the other policies replace the data. Throws
 * ERR_TARGET_INVALID_KEY, ERR_TARGET_TOO_LARGE or ERR_TARGET_CONFLICT (another ExternalSecret
 * controls the Secret); `dataHash` hashes the final data.
 */
export function desiredSecret(
  spec: TargetSpec,
  existing: SecretObject | undefined,
  fetched: Map<string, Buffer>,
  dataHash: (data: Record<string, Buffer>) => string,
): SecretObject {
  const controller = controllerOf(existing);
  if (controller && controller.kind === 'ExternalSecret' && !refersToOwner(controller, spec))
    throw new KvsyncError(
      'ERR_TARGET_CONFLICT',
      `secret '${spec.secretName}': ${EXTERNAL_SECRET_MESSAGES.ownedByAnother} ('${controller.name}')`,
    );
  const merged = new Map<string, Buffer>();
  if (spec.creationPolicy === 'Merge' || spec.creationPolicy === 'CreateOrMerge')
    for (const [key, value] of Object.entries(existing?.data ?? {}))
      merged.set(key, Buffer.from(value, 'base64'));
  for (const [key, value] of fetched) merged.set(key, value);
  checkData(merged, spec.secretName);
  const sorted = [...merged.keys()].sort();
  const data = Object.fromEntries(sorted.map((key) => [key, merged.get(key)!.toString('base64')]));
  const labels: Record<string, string> = {
    ...existing?.metadata.labels,
    ...spec.labels,
    [LABEL_MANAGED]: LABEL_MANAGED_VALUE,
  };
  // ESO sets created-by only for Owner and removes it under any other policy.
  if (spec.creationPolicy === 'Owner')
    labels[LABEL_CREATED_BY] = createdByLabelValue(spec.owner.namespace, spec.owner.name);
  else delete labels[LABEL_CREATED_BY];
  const annotations = {
    ...existing?.metadata.annotations,
    ...spec.annotations,
    [ANNOTATION_DATA_HASH]: dataHash(Object.fromEntries(merged)),
  };
  const references = ownerReferences(spec, existing);
  const immutable = spec.immutable || existing?.immutable;
  // The write is a replace: whatever it leaves out is removed, so other controllers' finalizers go along.
  const finalizers = existing?.metadata.finalizers;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: spec.secretName,
      namespace: spec.owner.namespace,
      ...(existing?.metadata.uid ? { uid: existing.metadata.uid } : {}),
      ...(existing?.metadata.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
      labels,
      annotations,
      ...(references ? { ownerReferences: references } : {}),
      ...(finalizers?.length ? { finalizers: [...finalizers] } : {}),
    },
    type: spec.type ?? existing?.type ?? 'Opaque',
    ...(immutable ? { immutable: true } : {}),
    data,
  };
}

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const left = Object.entries(a ?? {});
  return left.length === Object.keys(b ?? {}).length && left.every(([key, value]) => b?.[key] === value);
}

function sameOwners(a: OwnerReference[] | undefined, b: OwnerReference[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** True when writing `desired` over `existing` would change nothing that matters. */
export function secretUnchanged(existing: SecretObject, desired: SecretObject): boolean {
  return (
    sameRecord(existing.data, desired.data) &&
    sameRecord(existing.metadata.labels, desired.metadata.labels) &&
    sameRecord(existing.metadata.annotations, desired.metadata.annotations) &&
    sameOwners(existing.metadata.ownerReferences, desired.metadata.ownerReferences) &&
    (existing.type ?? 'Opaque') === desired.type &&
    Boolean(existing.immutable) === Boolean(desired.immutable)
  );
}

/** Throws ERR_TARGET_IMMUTABLE when `existing` is immutable and `desired` changes its data. */
export function checkImmutable(existing: SecretObject | undefined, desired: SecretObject): void {
  if (existing?.immutable && !sameRecord(existing.data, desired.data))
    throw new KvsyncError(
      'ERR_TARGET_IMMUTABLE',
      `secret '${desired.metadata.name}': ${EXTERNAL_SECRET_MESSAGES.targetImmutable}`,
    );
}
