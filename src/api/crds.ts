import { CRD_COMPONENT_LABEL } from './bookkeeping.ts';
import { externalSecretSchema } from './external-secret-schema.ts';
import type { JsonSchema } from './json-schema.ts';
import {
  CATEGORY,
  CLUSTER_SECRET_STORE,
  EXTERNAL_SECRET,
  GROUP,
  SECRET_STORE,
  SERVED_VERSIONS,
  VERSION_V1,
  crdName,
  type ResourceNames,
  type ServedVersion,
} from './resource-names.ts';
import { secretStoreSchema } from './secret-store-schema.ts';

/**
 * The CustomResourceDefinitions of ExternalSecret, SecretStore and ClusterSecretStore, as plain
 * objects built from this folder's schemas. `dev/generate-crds.ts` writes them as YAML into
 * `deploy/crds/`; a test fails when those files are stale. Printer columns, short names and
 * the category are ESO's. Both versions are served (ESO serves only v1 since v0.17); v1 is
 * stored and v1beta1 is marked deprecated, so kubectl warns on it. Conversion is `None`: the
 * versions have the same shape for every field both have.
 */

export interface PrinterColumn {
  name: string;
  type: 'string' | 'date' | 'integer' | 'number' | 'boolean';
  jsonPath: string;
}

export interface CrdVersion {
  name: ServedVersion;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  additionalPrinterColumns: PrinterColumn[];
  selectableFields?: { jsonPath: string }[];
  schema: { openAPIV3Schema: JsonSchema };
  subresources: { status: Record<string, never> };
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames: string[];
      categories: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
  };
}

const READY_REASON = '.status.conditions[?(@.type=="Ready")].reason';
const READY_STATUS = '.status.conditions[?(@.type=="Ready")].status';

/** `kubectl get es` columns (ESO §2.7). */
export const EXTERNAL_SECRET_COLUMNS: PrinterColumn[] = [
  { name: 'StoreType', type: 'string', jsonPath: '.spec.secretStoreRef.kind' },
  { name: 'Store', type: 'string', jsonPath: '.spec.secretStoreRef.name' },
  { name: 'Refresh Interval', type: 'string', jsonPath: '.spec.refreshInterval' },
  { name: 'Status', type: 'string', jsonPath: READY_REASON },
  { name: 'Ready', type: 'string', jsonPath: READY_STATUS },
  { name: 'Last Sync', type: 'date', jsonPath: '.status.refreshTime' },
];

/** `kubectl get ss` / `css` columns (ESO §4.2). */
export const SECRET_STORE_COLUMNS: PrinterColumn[] = [
  { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Status', type: 'string', jsonPath: READY_REASON },
  { name: 'Capabilities', type: 'string', jsonPath: '.status.capabilities' },
  { name: 'Ready', type: 'string', jsonPath: READY_STATUS },
];

/** Fields `kubectl get es --field-selector` accepts (v1, as ESO). */
export const EXTERNAL_SECRET_SELECTABLE_FIELDS = [
  '.spec.secretStoreRef.name',
  '.spec.secretStoreRef.kind',
  '.spec.target.name',
  '.spec.refreshInterval',
];

interface CrdParts {
  names: ResourceNames;
  columns: PrinterColumn[];
  schema: (version: ServedVersion) => JsonSchema;
  selectableFields?: string[];
}

function crdVersion(parts: CrdParts, version: ServedVersion): CrdVersion {
  const storage = version === VERSION_V1;
  const result: CrdVersion = {
    name: version,
    served: true,
    storage,
    additionalPrinterColumns: parts.columns.map((column) => ({ ...column })),
    schema: { openAPIV3Schema: parts.schema(version) },
    subresources: { status: {} },
  };
  if (!storage) result.deprecated = true;
  if (storage && parts.selectableFields)
    result.selectableFields = parts.selectableFields.map((jsonPath) => ({ jsonPath }));
  return result;
}

function crd(parts: CrdParts): CustomResourceDefinition {
  const { names } = parts;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName(names), labels: { ...CRD_COMPONENT_LABEL } },
    spec: {
      group: GROUP,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [names.shortName],
        categories: [CATEGORY],
      },
      scope: names.scope,
      versions: SERVED_VERSIONS.map((version) => crdVersion(parts, version)),
    },
  };
}

export function externalSecretCrd(): CustomResourceDefinition {
  return crd({
    names: EXTERNAL_SECRET,
    columns: EXTERNAL_SECRET_COLUMNS,
    schema: externalSecretSchema,
    selectableFields: EXTERNAL_SECRET_SELECTABLE_FIELDS,
  });
}

export function secretStoreCrd(): CustomResourceDefinition {
  return crd({
    names: SECRET_STORE,
    columns: SECRET_STORE_COLUMNS,
    schema: () => secretStoreSchema('SecretStore'),
  });
}

export function clusterSecretStoreCrd(): CustomResourceDefinition {
  return crd({
    names: CLUSTER_SECRET_STORE,
    columns: SECRET_STORE_COLUMNS,
    schema: () => secretStoreSchema('ClusterSecretStore'),
  });
}

/** Every CRD kvsync serves, each a fresh object the caller may change. */
export function customResourceDefinitions(): CustomResourceDefinition[] {
  return [externalSecretCrd(), secretStoreCrd(), clusterSecretStoreCrd()];
}

/** The file name ESO (controller-gen) gives a CRD: `<group>_<plural>.yaml`. */
export function crdFileName(definition: CustomResourceDefinition): string {
  return `${definition.spec.group}_${definition.spec.names.plural}.yaml`;
}
