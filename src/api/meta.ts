import {
  arraySchema,
  dateTimeSchema,
  enumSchema,
  namespaceNameSchema,
  objectSchema,
  resourceNameSchema,
  secretKeySchema,
  stringMapSchema,
  stringSchema,
  type JsonSchema,
} from './json-schema.ts';

/**
 * Kubernetes types shared by every kvsync resource: object metadata as it arrives in JSON
 * (timestamps stay RFC 3339 strings), conditions, and the Secret, ServiceAccount and label
 * selectors of ESO's `apis/meta/v1`. Each type sits next to its schema.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The parts of `metav1.ObjectMeta` kvsync reads or writes. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
}

export const CONDITION_STATUSES = ['True', 'False', 'Unknown'] as const;
export type ConditionStatus = (typeof CONDITION_STATUSES)[number];

/** A status condition as ESO writes it (`lastTransitionTime` changes only when `status` flips). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  /** RFC 3339, seconds precision. */
  lastTransitionTime?: string;
}

/** Schema of one condition; `types` restricts `type` when given (ESO's ExternalSecret does). */
export function conditionSchema(types?: readonly string[]): JsonSchema {
  return objectSchema(
    {
      lastTransitionTime: dateTimeSchema(),
      message: stringSchema(),
      reason: stringSchema(),
      status: stringSchema(),
      type: types ? enumSchema(types) : stringSchema(),
    },
    undefined,
    { required: ['status', 'type'] },
  );
}

/**
 * A key of a Secret (`esmeta.SecretKeySelector`). Every field is optional in the schema: a
 * provider may default `key`. `namespace` is allowed only in a ClusterSecretStore, or in a
 * SecretStore when it names the store's own namespace (checked by `validateSecretStore`).
 */
export interface SecretKeySelector {
  name?: string;
  key?: string;
  namespace?: string;
}

export const secretKeySelectorSchema: JsonSchema = objectSchema(
  {
    key: secretKeySchema('A key in the referenced Secret.'),
    name: resourceNameSchema('The name of the Secret resource being referred to.'),
    namespace: namespaceNameSchema(
      'The namespace of the Secret resource being referred to. Ignored if referent is not cluster-scoped, otherwise defaults to the namespace of the referent.',
    ),
  },
  'A reference to a specific key within a Secret resource.',
);

/** A ServiceAccount (`esmeta.ServiceAccountSelector`), for workload identity. */
export interface ServiceAccountSelector {
  name: string;
  namespace?: string;
  /** Extra `aud` claims for the requested token. */
  audiences?: string[];
}

export const serviceAccountSelectorSchema: JsonSchema = objectSchema(
  {
    audiences: arraySchema(
      stringSchema(),
      'Audiences for the service account token, in addition to the default.',
    ),
    name: resourceNameSchema('The name of the ServiceAccount resource being referred to.'),
    namespace: namespaceNameSchema(
      'Namespace of the resource being referred to. Ignored if referent is not cluster-scoped, otherwise defaults to the namespace of the referent.',
    ),
  },
  'A reference to a ServiceAccount.',
  { required: ['name'] },
);

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type LabelSelectorOperator = (typeof LABEL_SELECTOR_OPERATORS)[number];

/**
 * One requirement of a label selector. The schema (as ESO's) takes any string as `operator`;
 * `validateSecretStore` reports other values, so validated objects fit this type.
 */
export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
}

/** `metav1.LabelSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export const labelSelectorSchema: JsonSchema = objectSchema(
  {
    matchExpressions: arraySchema(
      objectSchema(
        {
          key: stringSchema(),
          operator: stringSchema('One of In, NotIn, Exists and DoesNotExist.'),
          values: arraySchema(stringSchema(), undefined, { 'x-kubernetes-list-type': 'atomic' }),
        },
        undefined,
        { required: ['key', 'operator'] },
      ),
      undefined,
      { 'x-kubernetes-list-type': 'atomic' },
    ),
    matchLabels: stringMapSchema(),
  },
  'A label query over a set of resources.',
  { 'x-kubernetes-map-type': 'atomic' },
);
