import type { StatusCause, KubeObject } from '../types.ts';
import type { TableConvertor } from '../table/index.ts';
import type { JSONSchemaProps } from '../schema/index.ts';

/**
 * What the emulator knows about one resource (a group + plural), built in or from a CRD: its
 * names for discovery, how it is stored, and the strategy hooks that give each kind its rules.
 */

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export const ALL_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/** When `metadata.generation` moves (see the reference §7.3). */
export type GenerationRule =
  /** Kinds without generation: Secret, ConfigMap, Pod (1.32), Lease, Event, Namespace. */
  | 'none'
  /** Any change outside metadata and status: CRs, StatefulSet, DaemonSet, ReplicaSet. */
  | 'spec'
  /** Spec or annotation changes: Deployment. */
  | 'spec-or-annotations';

export interface ServedVersion {
  name: string;
  served: boolean;
  storage: boolean;
  /** Custom resources: the schema objects are validated, pruned and defaulted against. */
  schema?: JSONSchemaProps;
  table: TableConvertor;
}

export interface ResourceStrategy {
  /** Fills defaults and derived fields on create (e.g. Secret stringData → data). May mutate `object`. */
  prepareForCreate?(object: KubeObject): void;
  /** Same on update; `previous` is the stored object. May mutate `object`. */
  prepareForUpdate?(object: KubeObject, previous: KubeObject): void;
  /** Kind-specific validation; causes make a 422. */
  validate?(object: KubeObject, previous: KubeObject | undefined): StatusCause[];
}

export interface ResourceType {
  group: string;
  /** Plural, lower case: `deployments`. */
  resource: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Served versions in preference order; exactly one is the storage version. */
  versions: ServedVersion[];
  verbs: Verb[];
  /** True when `/status` is a subresource: main-resource writes keep the stored status. */
  statusSubresource: boolean;
  /** Other subresources advertised in discovery (e.g. `scale`, `token`), handled by name. */
  extraSubresources: SubresourceInfo[];
  generation: GenerationRule;
  /** PUT without metadata.resourceVersion is accepted (built-ins) or rejected with 422 (CRs). */
  allowUnconditionalUpdate: boolean;
  /** DELETE answers with the object (pods, service accounts) rather than a Status. */
  returnDeletedObject: boolean;
  /** Strategic merge patch is understood (built-ins); CRs answer 415. */
  strategicMergePatch: boolean;
  /**
   * Create-only kinds that are answered, never stored (SelfSubjectAccessReview and the like): the
   * HTTP layer computes the reply; no other verb is served.
   */
  ephemeral?: boolean;
  /** True for custom resources (served from a CRD). */
  custom: boolean;
  /** Where objects are kept; resources that share storage (core and events.k8s.io Events) share it. */
  bucket: string;
  /** Converts a served object to the shape in storage, and back; identity when absent. */
  toStorage?(object: KubeObject): KubeObject;
  fromStorage?(object: KubeObject): KubeObject;
  strategy: ResourceStrategy;
  /**
   * Built-ins: the top-level fields the kind has (besides apiVersion, kind, metadata). Others are
   * dropped as Go decoding drops them, and reported under `fieldValidation=Strict|Warn`.
   */
  topLevelFields?: string[];
}

export interface SubresourceInfo {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function storageVersion(type: ResourceType): ServedVersion {
  return type.versions.find((v) => v.storage) ?? type.versions[0]!;
}

export function servedVersion(type: ResourceType, version: string): ServedVersion | undefined {
  return type.versions.find((v) => v.name === version && v.served);
}
