/**
 * CRD structural schemas: validation, pruning and defaulting of custom resources, and the
 * checks a CustomResourceDefinition must pass. Pure functions, no I/O. The apiserver's order on
 * a write is: prune → default → validate.
 */
export type { JSONSchemaProps } from './types.ts';
export { validateObject } from './validate.ts';
export { pruneUnknownFields, unknownFieldError, unknownFieldWarnings, type PruneResult } from './prune.ts';
export { applyDefaults } from './defaults.ts';
export { validateCustomResourceDefinition } from './crd-validation.ts';
