/**
 * `apiextensions.k8s.io/v1` `JSONSchemaProps`: the `openAPIV3Schema` of a CRD version. Every
 * field is optional, as on the wire; the emulator reads the structural subset and carries the
 * rest (descriptions, CEL rules) untouched.
 */
export interface JSONSchemaProps {
  id?: string;
  $schema?: string;
  $ref?: string;
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | string;
  format?: string;
  title?: string;
  default?: unknown;
  example?: unknown;
  nullable?: boolean;

  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  multipleOf?: number;

  maxLength?: number;
  minLength?: number;
  pattern?: string;

  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  items?: JSONSchemaProps | JSONSchemaProps[];
  additionalItems?: JSONSchemaProps | boolean;

  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  patternProperties?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaProps | string[]>;
  definitions?: Record<string, JSONSchemaProps>;

  enum?: unknown[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  externalDocs?: { description?: string; url?: string };

  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map' | string;
  'x-kubernetes-map-type'?: 'granular' | 'atomic' | string;
  /** CEL rules: accepted and stored, never evaluated by the emulator. */
  'x-kubernetes-validations'?: {
    rule: string;
    message?: string;
    messageExpression?: string;
    reason?: string;
    fieldPath?: string;
    optionalOldSelf?: boolean;
  }[];
}

/** Keys every resource root (and every embedded resource) keeps whatever its schema says. */
export const RESOURCE_META_KEYS: readonly string[] = ['apiVersion', 'kind', 'metadata'];
