import { stringify } from 'yaml';

/**
 * Manifests the conformance suite applies: a trimmed ExternalSecret CRD in ESO's shape (v1
 * storage, v1beta1 served, printer columns, short name, category, status subresource, a schema
 * default and required fields), ExternalSecrets for it, and a Deployment with fields that a
 * naive patch would lose.
 */

export const ES_GROUP = 'external-secrets.io';
export const ES_PLURAL = 'externalsecrets';
export const ES_CRD_NAME = `${ES_PLURAL}.${ES_GROUP}`;
export const ES_CATEGORY = 'external-secrets';
export const ES_DEFAULT_REFRESH_INTERVAL = '1h0m0s';

export type EsVersion = 'v1' | 'v1beta1';

const READY_PATH = '.status.conditions[?(@.type=="Ready")]';

const printerColumns = [
  { name: 'StoreType', type: 'string', jsonPath: '.spec.secretStoreRef.kind' },
  { name: 'Store', type: 'string', jsonPath: '.spec.secretStoreRef.name' },
  { name: 'Refresh Interval', type: 'string', jsonPath: '.spec.refreshInterval' },
  { name: 'Status', type: 'string', jsonPath: `${READY_PATH}.reason` },
  { name: 'Ready', type: 'string', jsonPath: `${READY_PATH}.status` },
  { name: 'Last Sync', type: 'date', jsonPath: '.status.refreshTime' },
];

const externalSecretSchema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['secretStoreRef'],
      properties: {
        refreshInterval: { type: 'string', default: ES_DEFAULT_REFRESH_INTERVAL },
        secretStoreRef: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', maxLength: 253 },
            kind: { type: 'string', enum: ['SecretStore', 'ClusterSecretStore'] },
          },
        },
        target: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            creationPolicy: { type: 'string', enum: ['Owner', 'Orphan', 'Merge', 'None'] },
          },
        },
        data: {
          type: 'array',
          items: {
            type: 'object',
            required: ['secretKey', 'remoteRef'],
            properties: {
              secretKey: { type: 'string' },
              remoteRef: {
                type: 'object',
                required: ['key'],
                properties: { key: { type: 'string' }, property: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    status: {
      type: 'object',
      properties: {
        refreshTime: { type: 'string', format: 'date-time', nullable: true },
        syncedResourceVersion: { type: 'string' },
        observedGeneration: { type: 'integer' },
        conditions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'status'],
            properties: {
              type: { type: 'string' },
              status: { type: 'string' },
              reason: { type: 'string' },
              message: { type: 'string' },
              observedGeneration: { type: 'integer' },
              lastTransitionTime: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
  },
};

function crdVersion(name: EsVersion, storage: boolean) {
  return {
    name,
    served: true,
    storage,
    additionalPrinterColumns: printerColumns,
    subresources: { status: {} },
    schema: { openAPIV3Schema: externalSecretSchema },
  };
}

/** The trimmed ExternalSecret CustomResourceDefinition (cluster-scoped, so one per server). */
export function externalSecretCrd() {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: ES_CRD_NAME },
    spec: {
      group: ES_GROUP,
      scope: 'Namespaced',
      names: {
        kind: 'ExternalSecret',
        listKind: 'ExternalSecretList',
        plural: ES_PLURAL,
        singular: 'externalsecret',
        shortNames: ['es'],
        categories: [ES_CATEGORY],
      },
      versions: [crdVersion('v1', true), crdVersion('v1beta1', false)],
    },
  };
}

export interface ExternalSecretOptions {
  name: string;
  namespace?: string;
  version?: EsVersion;
  storeName?: string;
  refreshInterval?: string;
  labels?: Record<string, string>;
  finalizers?: string[];
}

export interface ManifestMetadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface ExternalSecretManifest {
  apiVersion: string;
  kind: 'ExternalSecret';
  metadata: ManifestMetadata;
  spec: Record<string, unknown>;
}

/** An ExternalSecret reading one key from a SecretStore. */
export function externalSecret(options: ExternalSecretOptions): ExternalSecretManifest {
  const metadata: ManifestMetadata = { name: options.name, namespace: options.namespace ?? 'default' };
  if (options.labels) metadata.labels = options.labels;
  if (options.finalizers) metadata.finalizers = options.finalizers;
  const spec: Record<string, unknown> = {
    secretStoreRef: { kind: 'SecretStore', name: options.storeName ?? 'azure-store' },
    target: { name: options.name },
    data: [{ secretKey: 'password', remoteRef: { key: 'db-password' } }],
  };
  if (options.refreshInterval) spec.refreshInterval = options.refreshInterval;
  return {
    apiVersion: `${ES_GROUP}/${options.version ?? 'v1'}`,
    kind: 'ExternalSecret',
    metadata,
    spec,
  };
}

/** Path of ExternalSecrets in a namespace (or one of them), for raw requests. */
export function esPath(
  namespace: string,
  name?: string,
  subresource?: string,
  version: EsVersion = 'v1',
): string {
  let path = `/apis/${ES_GROUP}/${version}/namespaces/${namespace}/${ES_PLURAL}`;
  if (name) path += `/${name}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** A `Ready` condition as ESO writes it. */
export function readyCondition(status: 'True' | 'False', reason: string, observedGeneration?: number) {
  const condition: Record<string, unknown> = {
    type: 'Ready',
    status,
    reason,
    message: reason === 'SecretSynced' ? 'secret synced' : 'could not get secret data from provider',
    lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  if (observedGeneration !== undefined) condition.observedGeneration = observedGeneration;
  return condition;
}

export interface DeploymentOptions {
  name: string;
  namespace?: string;
  image?: string;
  replicas?: number;
}

/**
 * A Deployment whose container carries ports, env and args: the fields a strategic merge patch
 * must keep when only the image changes.
 */
export function deployment(options: DeploymentOptions) {
  const labels = { app: options.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: options.name, namespace: options.namespace ?? 'default', labels },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'web',
              image: options.image ?? 'nginx:1.25',
              args: ['--port=8080'],
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'MODE', value: 'production' },
                { name: 'LOG_LEVEL', value: 'info' },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Renders manifests as a multi-document YAML stream, as `kubectl apply -f -` reads it. */
export function toYaml(...manifests: unknown[]): string {
  return manifests.map((manifest) => stringify(manifest)).join('---\n');
}
