/**
 * The structural OpenAPI v3 subset that CRDs accept (`apiextensions.k8s.io/v1` JSONSchemaProps),
 * and small builders for it. The schemas in this folder are written with these builders and are
 * the one source for the CRD YAML, runtime validation and (by tests) the TypeScript types.
 */

export type JsonSchemaType = 'object' | 'array' | 'string' | 'integer' | 'boolean';

export interface JsonSchema {
  type?: JsonSchemaType;
  description?: string;
  format?: 'date-time' | 'int32';
  default?: unknown;
  nullable?: boolean;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  minItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
}

/** Options shared by the builders: every keyword except the ones the builder sets itself. */
type Extra = Omit<JsonSchema, 'type' | 'properties' | 'items' | 'enum'>;

/** A string; `extra` adds keywords such as `default`, `pattern` or `minLength`. */
export function stringSchema(description?: string, extra: Extra = {}): JsonSchema {
  return withDescription({ type: 'string', ...extra }, description);
}

/** A boolean. */
export function booleanSchema(description?: string, extra: Extra = {}): JsonSchema {
  return withDescription({ type: 'boolean', ...extra }, description);
}

/** An integer. */
export function integerSchema(description?: string, extra: Extra = {}): JsonSchema {
  return withDescription({ type: 'integer', ...extra }, description);
}

/** A string restricted to `values`. */
export function enumSchema(values: readonly string[], description?: string, extra: Extra = {}): JsonSchema {
  return withDescription({ type: 'string', enum: [...values], ...extra }, description);
}

/** An RFC 3339 timestamp (`metav1.Time`). */
export function dateTimeSchema(description?: string, extra: Extra = {}): JsonSchema {
  return withDescription({ type: 'string', format: 'date-time', ...extra }, description);
}

/** An object with the given properties; `extra` adds `required`, property counts, a `default`. */
export function objectSchema(
  properties: Record<string, JsonSchema>,
  description?: string,
  extra: Extra = {},
): JsonSchema {
  return withDescription({ type: 'object', properties, ...extra }, description);
}

/** A list of `items`. */
export function arraySchema(items: JsonSchema, description?: string, extra: Extra = {}): JsonSchema {
  return withDescription({ type: 'array', items, ...extra }, description);
}

/** `map[string]string`. */
export function stringMapSchema(description?: string): JsonSchema {
  return withDescription({ type: 'object', additionalProperties: { type: 'string' } }, description);
}

/** `intstr.IntOrString`. */
export function intOrStringSchema(description?: string): JsonSchema {
  return withDescription({ 'x-kubernetes-int-or-string': true }, description);
}

function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description === undefined ? schema : { description, ...schema };
}

/** Name rules shared by several schemas (Kubernetes' DNS-1123 subdomain and label, Secret keys). */
export const DNS_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
export const SECRET_KEY_PATTERN = '^[-._a-zA-Z0-9]+$';

/** A resource name: DNS-1123 subdomain, 1–253 characters. */
export function resourceNameSchema(description?: string): JsonSchema {
  return stringSchema(description, { minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN_PATTERN });
}

/** A namespace name: DNS-1123 label, 1–63 characters. */
export function namespaceNameSchema(description?: string): JsonSchema {
  return stringSchema(description, { minLength: 1, maxLength: 63, pattern: DNS_LABEL_PATTERN });
}

/** A key of a Secret or ConfigMap: `[-._a-zA-Z0-9]+`, 1–253 characters. */
export function secretKeySchema(description?: string): JsonSchema {
  return stringSchema(description, { minLength: 1, maxLength: 253, pattern: SECRET_KEY_PATTERN });
}

/** The root of a resource's schema: apiVersion, kind, metadata, spec and status. */
export function resourceSchema(description: string, spec: JsonSchema, status: JsonSchema): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    apiVersion: stringSchema('APIVersion defines the versioned schema of this representation of an object.'),
    kind: stringSchema('Kind is a string value representing the REST resource this object represents.'),
    metadata: { type: 'object' },
    spec,
    status,
  };
  return objectSchema(properties, description);
}
