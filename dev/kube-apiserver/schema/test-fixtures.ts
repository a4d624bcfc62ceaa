import type { JSONSchemaProps } from './types.ts';

/** Test-only schemas modelled on External Secrets Operator's ExternalSecret v1. */

const secretStoreRef: JSONSchemaProps = {
  type: 'object',
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    },
    kind: { type: 'string', enum: ['SecretStore', 'ClusterSecretStore'], default: 'SecretStore' },
  },
};

const remoteRef: JSONSchemaProps = {
  type: 'object',
  required: ['key'],
  properties: {
    key: { type: 'string', minLength: 1 },
    property: { type: 'string' },
    version: { type: 'string' },
    conversionStrategy: { type: 'string', enum: ['Default', 'Unicode'], default: 'Default' },
    decodingStrategy: { type: 'string', enum: ['Auto', 'Base64', 'Base64URL', 'None'], default: 'None' },
  },
};

const target: JSONSchemaProps = {
  type: 'object',
  default: { creationPolicy: 'Owner', deletionPolicy: 'Retain' },
  properties: {
    name: { type: 'string' },
    creationPolicy: { type: 'string', enum: ['Owner', 'Orphan', 'Merge', 'None'], default: 'Owner' },
    deletionPolicy: { type: 'string', enum: ['Delete', 'Merge', 'Retain'], default: 'Retain' },
    immutable: { type: 'boolean' },
    template: {
      type: 'object',
      properties: {
        type: { type: 'string' },
        engineVersion: { type: 'string', default: 'v2' },
        data: { type: 'object', additionalProperties: { type: 'string' } },
        metadata: {
          type: 'object',
          properties: {
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            annotations: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
    },
  },
};

export const externalSecretSchema: JSONSchemaProps = {
  type: 'object',
  description: 'ExternalSecret is the Schema for the external-secrets API.',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        refreshInterval: { type: 'string', default: '1h' },
        refreshPolicy: { type: 'string', enum: ['CreatedOnce', 'Periodic', 'OnChange'] },
        secretStoreRef: secretStoreRef,
        target,
        data: {
          type: 'array',
          items: {
            type: 'object',
            required: ['remoteRef', 'secretKey'],
            properties: { secretKey: { type: 'string' }, remoteRef },
          },
        },
        dataFrom: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              extract: remoteRef,
              find: {
                type: 'object',
                properties: {
                  name: { type: 'object', properties: { regexp: { type: 'string' } } },
                  tags: { type: 'object', additionalProperties: { type: 'string' } },
                },
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
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: {
            type: 'object',
            required: ['status', 'type'],
            properties: {
              type: { type: 'string' },
              status: { type: 'string' },
              reason: { type: 'string' },
              message: { type: 'string' },
              lastTransitionTime: { type: 'string', format: 'date-time' },
            },
          },
        },
        binding: {
          type: 'object',
          'x-kubernetes-map-type': 'atomic',
          properties: { name: { type: 'string' } },
        },
      },
    },
  },
};

/** A minimal valid ExternalSecret (after defaulting it gains refreshInterval, target, …). */
export function externalSecret(spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'es1', namespace: 'default' },
    spec,
  };
}

export const minimalSpec = {
  secretStoreRef: { name: 'vault' },
  data: [{ secretKey: 'password', remoteRef: { key: 'db-password' } }],
};
