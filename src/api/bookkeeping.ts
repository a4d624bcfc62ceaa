/**
 * Labels, annotations, finalizers and field-manager names ESO puts on the objects it manages.
 * kvsync writes the same ones, so that a cluster moved from ESO (or back) keeps working.
 */

/** On every Secret an ExternalSecret manages; value `LABEL_MANAGED_VALUE`. */
export const LABEL_MANAGED = 'reconcile.external-secrets.io/managed';
export const LABEL_MANAGED_VALUE = 'true';

/**
 * With `creationPolicy: Owner`, the Secret carries this label with a hash of the ExternalSecret's
 * `namespace/name` (see `createdByLabelValue` in the controller's hash.ts); it finds the old
 * Secret when `target.name` changes.
 */
export const LABEL_CREATED_BY = 'reconcile.external-secrets.io/created-by';

/** On every managed Secret: the hash of its `data` (see `dataHash` in the controller's hash.ts). */
export const ANNOTATION_DATA_HASH = 'reconcile.external-secrets.io/data-hash';

/**
 * ESO's conventional force-sync annotation. Any label or annotation change forces a sync; this
 * key is only a convention (ClusterExternalSecret copies it onto its children).
 */
export const ANNOTATION_FORCE_SYNC = 'external-secrets.io/force-sync';

/** On a store: suppresses the StoreUnmaintained/StoreDeprecated events. */
export const ANNOTATION_IGNORE_MAINTENANCE_CHECKS = 'external-secrets.io/ignore-maintenance-checks';

/** On an ExternalSecret while it may still have to delete its target (deletionPolicy=Delete). */
export const FINALIZER_EXTERNAL_SECRET_CLEANUP = 'externalsecrets.external-secrets.io/externalsecret-cleanup';

/**
 * Writes to a target Secret use the field manager `FIELD_MANAGER_PREFIX + <ExternalSecret name>`
 * (ESO uses a SHA3 form when that exceeds 63 characters).
 */
export const FIELD_MANAGER_PREFIX = 'externalsecrets.external-secrets.io/';

/** Label ESO puts on its CRDs; kept so that tooling selecting ESO's CRDs finds ours. */
export const CRD_COMPONENT_LABEL = { 'external-secrets.io/component': 'controller' } as const;
