/**
 * The resource types of kvsync (ESO's `external-secrets.io` kinds), their schemas, validation,
 * defaults, durations, CRDs and the strings users see. No I/O.
 */
export * from './bookkeeping.ts';
export * from './crds.ts';
export * from './defaults.ts';
export * from './duration.ts';
export * from './external-secret-schema.ts';
export * from './external-secret-types.ts';
export * from './json-schema.ts';
export * from './meta.ts';
export * from './reasons.ts';
export * from './resource-names.ts';
export * from './schema-validation.ts';
export * from './secret-store-schema.ts';
export * from './secret-store-types.ts';
export * from './validate-external-secret.ts';
export * from './validate-secret-store.ts';
export * from './unsupported.ts';
