/**
 * How strategic merge patch treats each field of the built-in kinds, transcribed from the
 * `patchStrategy` / `patchMergeKey` struct tags of `k8s.io/api` (and `apimachinery` ObjectMeta,
 * metav1.Condition). Only fields that matter are listed: a struct needs an entry only when some
 * field below it merges lists. Anything absent is a plain map (merged key by key) or a list that
 * is replaced wholesale, which is what upstream does for untagged fields.
 *
 * Deliberately left replaced (atomic upstream): tolerations, envFrom, command, args, readinessGates,
 * resizePolicy, taints, volumeClaimTemplates, Service externalIPs, container statuses.
 */

/** The strategy of one field. */
export interface FieldSchema {
  /**
   * `merge`: a list merged element by element — by `mergeKey` when its elements are objects, as a
   * set when they are primitives. Absent: lists are replaced.
   */
  readonly strategy?: 'merge';
  /** The key that identifies an element of a merged list of objects, e.g. `name`. */
  readonly mergeKey?: string;
  /** The schema of the nested object, or of each element of the list. */
  readonly fields?: StructSchema;
}

/** Field name → strategy for one struct type. */
export interface StructSchema {
  readonly [field: string]: FieldSchema;
}

/** The schema of an object with no merged lists: every list replaced, every map merged. */
export const EMPTY_SCHEMA: StructSchema = Object.freeze({});

const mergeBy = (mergeKey: string, fields?: StructSchema): FieldSchema =>
  fields === undefined ? { strategy: 'merge', mergeKey } : { strategy: 'merge', mergeKey, fields };
const mergeAsSet: FieldSchema = { strategy: 'merge' };
const nested = (fields: StructSchema): FieldSchema => ({ fields });

/** metav1.ObjectMeta. */
const objectMeta: StructSchema = {
  finalizers: mergeAsSet,
  ownerReferences: mergeBy('uid'),
};

/** Status conditions: core (`PodCondition`, `NodeCondition`, …) and metav1.Condition all merge by type. */
const conditionsStatus: StructSchema = { conditions: mergeBy('type') };

/** core/v1 Container and EphemeralContainerCommon. */
const container: StructSchema = {
  ports: mergeBy('containerPort'),
  env: mergeBy('name'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

/** core/v1 PodSpec. `volumes` and `resourceClaims` also carry `retainKeys`, driven by the patch. */
const podSpec: StructSchema = {
  volumes: mergeBy('name'),
  initContainers: mergeBy('name', container),
  containers: mergeBy('name', container),
  ephemeralContainers: mergeBy('name', container),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name'),
};

const podStatus: StructSchema = {
  conditions: mergeBy('type'),
  podIPs: mergeBy('ip'),
  hostIPs: mergeBy('ip'),
  resourceClaimStatuses: mergeBy('name'),
};

/** core/v1 PodTemplateSpec: the shape under every workload's `spec.template`. */
const podTemplateSpec: StructSchema = {
  metadata: nested(objectMeta),
  spec: nested(podSpec),
};

/** Spec with a pod template; `selector` and the rest are plain maps. */
const templatedSpec: StructSchema = { template: nested(podTemplateSpec) };

const workload = (status: StructSchema = conditionsStatus): StructSchema => ({
  metadata: nested(objectMeta),
  spec: nested(templatedSpec),
  status: nested(status),
});

const withStatus = (status: StructSchema): StructSchema => ({
  metadata: nested(objectMeta),
  status: nested(status),
});

const jobSpec: StructSchema = templatedSpec;

const cronJob: StructSchema = {
  metadata: nested(objectMeta),
  spec: nested({ jobTemplate: nested({ metadata: nested(objectMeta), spec: nested(jobSpec) }) }),
};

const node: StructSchema = {
  metadata: nested(objectMeta),
  spec: nested({ podCIDRs: mergeAsSet }),
  status: nested({ conditions: mergeBy('type'), addresses: mergeBy('type') }),
};

const service: StructSchema = {
  metadata: nested(objectMeta),
  spec: nested({ ports: mergeBy('port') }),
  status: nested(conditionsStatus),
};

/** Root schemas of the built-in kinds, by `kind`. */
const KIND_SCHEMAS: Readonly<Record<string, StructSchema>> = {
  Pod: { metadata: nested(objectMeta), spec: nested(podSpec), status: nested(podStatus) },
  PodTemplate: { metadata: nested(objectMeta), template: nested(podTemplateSpec) },
  ReplicationController: workload(),
  Deployment: workload(),
  ReplicaSet: workload(),
  StatefulSet: workload(),
  DaemonSet: workload(),
  Job: workload(),
  CronJob: cronJob,
  Node: node,
  Service: service,
  ServiceAccount: { metadata: nested(objectMeta), secrets: mergeBy('name') },
  Namespace: withStatus(conditionsStatus),
  PersistentVolumeClaim: withStatus(conditionsStatus),
  PodDisruptionBudget: withStatus(conditionsStatus),
  HorizontalPodAutoscaler: withStatus(conditionsStatus),
};

/** Kinds not in the table still merge their metadata lists. */
const FALLBACK_SCHEMA: StructSchema = { metadata: nested(objectMeta) };

/**
 * The root schema for objects of `kind`. Unknown kinds (custom resources) get a schema where only
 * `metadata.finalizers` and `metadata.ownerReferences` merge and every other list is replaced.
 */
export function strategicSchemaFor(kind: string): StructSchema {
  return Object.hasOwn(KIND_SCHEMAS, kind) ? (KIND_SCHEMAS[kind] as StructSchema) : FALLBACK_SCHEMA;
}

/** The schema of field `key` inside `schema`; an unlisted field is a plain value. */
export function fieldSchema(schema: StructSchema, key: string): FieldSchema {
  return Object.hasOwn(schema, key) ? (schema[key] as FieldSchema) : {};
}
