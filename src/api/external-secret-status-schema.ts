/** The status of ExternalSecret: ESO's fields and kvsync's additions, identical in every version. */
import {
  arraySchema,
  dateTimeSchema,
  integerSchema,
  objectSchema,
  stringSchema,
  type JsonSchema,
} from './json-schema.ts';
import { conditionSchema } from './meta.ts';
import { EXTERNAL_SECRET_CONDITION_TYPES } from './reasons.ts';

/** kvsync's per-key record of what the last successful sync read (see `SyncedVersion`). */
function syncedVersionSchema(): JsonSchema {
  return objectSchema(
    {
      key: stringSchema('The remote key as written in the spec.'),
      secretKey: stringSchema('The Secret key it was written to; absent for dataFrom entries.'),
      updated: dateTimeSchema('When that version was last updated at the provider.'),
      version: stringSchema('The provider version that was read.'),
    },
    undefined,
    { required: ['key', 'version'] },
  );
}

/** kvsync's record of a provider version a failed rollout rejected (see `RejectedVersion`). */
function rejectedVersionSchema(): JsonSchema {
  return objectSchema(
    {
      key: stringSchema('The remote key as written in the spec.'),
      secretKey: stringSchema('The Secret key it was written to.'),
      version: stringSchema('The rejected provider version.'),
      workload: stringSchema('Kind/name of the workload whose rollout failed with it.'),
      rejectedAt: dateTimeSchema('When it was rejected.'),
      reason: stringSchema('Why the rollout failed (never a value).'),
    },
    undefined,
    { required: ['key', 'version'] },
  );
}

/** kvsync's count of pods still running with the Secret's previous data. */
function stalePodsSchema(): JsonSchema {
  return objectSchema({
    count: integerSchema('Running pods that read the Secret at start and started before its data changed.'),
    workloads: arraySchema(stringSchema(), 'Kind/name of the workloads owning those pods.'),
    dataChangedAt: dateTimeSchema('When kvsync first saw the current data.'),
  });
}

/** The status schema, identical in every version. */
export function externalSecretStatusSchema(): JsonSchema {
  return objectSchema({
    binding: objectSchema(
      { name: stringSchema('Name of the target Secret.', { default: '' }) },
      'A servicebinding.io Provisioned Service reference to the target Secret.',
      { 'x-kubernetes-map-type': 'atomic' },
    ),
    conditions: arraySchema(conditionSchema(EXTERNAL_SECRET_CONDITION_TYPES)),
    nextRefreshTime: dateTimeSchema(
      'kvsync: when the next periodic sync is due; absent when none is scheduled.',
    ),
    refreshTime: dateTimeSchema('When the last successful sync started.', { nullable: true }),
    syncedResourceVersion: stringSchema('The generation and metadata hash of the last successful sync.'),
    syncedVersions: arraySchema(
      syncedVersionSchema(),
      'kvsync: per remote key, the provider version written by the last successful sync.',
    ),
    rejectedVersions: arraySchema(
      rejectedVersionSchema(),
      'kvsync: provider versions a failed rollout rejected; not applied again until a newer one appears.',
    ),
    stalePods: stalePodsSchema(),
  });
}
