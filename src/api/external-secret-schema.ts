import {
  CONVERSION_STRATEGIES,
  CREATION_POLICIES,
  DECODING_STRATEGIES,
  DEFAULT_GENERATOR_API_VERSION,
  DELETION_POLICIES,
  GENERATOR_KINDS,
  GENERATOR_KINDS_V1BETA1,
  MERGE_CONFLICT_POLICIES,
  MERGE_PRIORITY_POLICIES,
  MERGE_STRATEGIES,
  METADATA_POLICIES,
  NULL_BYTE_POLICIES,
  REFRESH_POLICIES,
  STORE_KINDS,
  TEMPLATE_ENGINE_VERSIONS,
  TEMPLATE_MERGE_POLICIES,
  TEMPLATE_SCOPES,
  TEMPLATE_TARGETS,
} from './external-secret-types.ts';
import {
  arraySchema,
  booleanSchema,
  enumSchema,
  objectSchema,
  resourceNameSchema,
  resourceSchema,
  secretKeySchema,
  stringMapSchema,
  stringSchema,
  type JsonSchema,
} from './json-schema.ts';
import { externalSecretStatusSchema } from './external-secret-status-schema.ts';
import type { ServedVersion } from './resource-names.ts';

/**
 * The `openAPIV3Schema` of ExternalSecret for each served version, shaped as ESO's CRD
 * (v2.9.0): `v1` is the full spec; `v1beta1` is its subset (no CreateOrMerge, nullBytePolicy,
 * syncWindows, target.manifest, template.metadata.finalizers, rewrite[].merge, newer generator
 * kinds) and keeps ESO's v1beta1 defaults for the three strategy fields, which ESO's v1 dropped.
 * The status schema is the same in both versions and adds kvsync's `nextRefreshTime` and
 * `syncedVersions`. No field preserves unknown fields, as in ESO's CRD.
 */

/** Removes `v1Only` members from a list when building v1beta1. */
function only<T>(version: ServedVersion, values: readonly T[], v1Only: readonly T[]): T[] {
  return version === 'v1' ? [...values] : values.filter((value) => !v1Only.includes(value));
}

/** Adds properties that exist in v1 only. */
function withV1(
  version: ServedVersion,
  common: Record<string, JsonSchema>,
  v1Only: Record<string, JsonSchema>,
): Record<string, JsonSchema> {
  return version === 'v1' ? { ...common, ...v1Only } : common;
}

/** A strategy enum; v1beta1 carries ESO's CRD default, v1 leaves the empty value to the controller. */
function strategy(version: ServedVersion, values: readonly string[], fallback: string, description: string) {
  return enumSchema(values, description, version === 'v1beta1' ? { default: fallback } : {});
}

function storeRefSchema(): JsonSchema {
  return objectSchema(
    {
      kind: enumSchema(
        STORE_KINDS,
        'Kind of the store (SecretStore or ClusterSecretStore); empty means SecretStore.',
      ),
      name: resourceNameSchema('Name of the store.'),
    },
    'Which store to fetch the data from.',
  );
}

function generatorRefSchema(version: ServedVersion): JsonSchema {
  const kinds = version === 'v1' ? GENERATOR_KINDS : GENERATOR_KINDS_V1BETA1;
  return objectSchema(
    {
      apiVersion: stringSchema('The apiVersion of the generator resource.', {
        default: DEFAULT_GENERATOR_API_VERSION,
      }),
      kind: enumSchema(kinds, 'The kind of the generator resource.'),
      name: resourceNameSchema('The name of the generator resource.'),
    },
    'A generator custom resource (not supported by kvsync yet).',
    { required: ['kind', 'name'] },
  );
}

function sourceRefSchema(version: ServedVersion, description: string): JsonSchema {
  return objectSchema(
    { generatorRef: generatorRefSchema(version), storeRef: storeRefSchema() },
    description,
    { minProperties: 1, maxProperties: 1 },
  );
}

function remoteRefSchema(version: ServedVersion, description: string): JsonSchema {
  return objectSchema(
    withV1(
      version,
      {
        conversionStrategy: strategy(
          version,
          CONVERSION_STRATEGIES,
          'Default',
          'How invalid key characters are replaced (dataFrom): Default (`_`) or Unicode (`_UXXXX_`).',
        ),
        decodingStrategy: strategy(
          version,
          DECODING_STRATEGIES,
          'None',
          'How the value is decoded: None (the default), Base64, Base64URL or Auto.',
        ),
        key: stringSchema(
          'The key at the provider; for Azure `name` or `secret/name`, `key/name`, `cert/name`.',
        ),
        metadataPolicy: strategy(
          version,
          METADATA_POLICIES,
          'None',
          'Fetch returns the tags instead of the value; None (the default) the value.',
        ),
        property: stringSchema('A property of a JSON value (a gjson path for Azure).'),
        version: stringSchema('The provider version to read; empty reads the latest.'),
      },
      {
        nullBytePolicy: enumSchema(
          NULL_BYTE_POLICIES,
          'Fail rejects values containing NUL bytes; Ignore (the default) keeps them.',
        ),
      },
    ),
    description,
    { required: ['key'] },
  );
}

function dataSchema(version: ServedVersion): JsonSchema {
  return objectSchema(
    {
      remoteRef: remoteRefSchema(version, 'Which remote value (key, version, property) to fetch.'),
      secretKey: secretKeySchema('The key in the Kubernetes Secret to store the value.'),
      sourceRef: sourceRefSchema(version, 'Overrides the store this value is read from.'),
    },
    'One Secret key and the provider value it holds.',
    { required: ['remoteRef', 'secretKey'] },
  );
}

function findSchema(version: ServedVersion): JsonSchema {
  return objectSchema(
    withV1(
      version,
      {
        conversionStrategy: strategy(
          version,
          CONVERSION_STRATEGIES,
          'Default',
          'How invalid key characters are replaced.',
        ),
        decodingStrategy: strategy(version, DECODING_STRATEGIES, 'None', 'How the values are decoded.'),
        name: objectSchema({ regexp: stringSchema('A regular expression the secret names must match.') }),
        path: stringSchema('A root path to start the find operations (ignored by Azure).'),
        tags: stringMapSchema('Tags every found secret must carry.'),
      },
      { nullBytePolicy: enumSchema(NULL_BYTE_POLICIES) },
    ),
    'Finds secrets by name or tags (not supported by kvsync yet).',
  );
}

function rewriteSchema(version: ServedVersion): JsonSchema {
  const merge = objectSchema(
    {
      conflictPolicy: enumSchema(MERGE_CONFLICT_POLICIES, undefined, { default: 'Error' }),
      into: stringSchema('The target key; required when strategy is JSON.', { default: '' }),
      priority: arraySchema(stringSchema()),
      priorityPolicy: enumSchema(MERGE_PRIORITY_POLICIES, undefined, { default: 'Strict' }),
      strategy: enumSchema(MERGE_STRATEGIES, undefined, { default: 'Extract' }),
    },
    'Merges JSON values into one Secret.',
  );
  const common = {
    regexp: objectSchema(
      { source: stringSchema('A regular expression.'), target: stringSchema('The replacement.') },
      'Rewrites keys with regexp.ReplaceAll.',
      { required: ['source', 'target'] },
    ),
    transform: objectSchema(
      { template: stringSchema('A template applied to the key, available as `.value`.') },
      'Rewrites keys with a template.',
      { required: ['template'] },
    ),
  };
  return objectSchema(withV1(version, common, { merge }), undefined, { minProperties: 1, maxProperties: 1 });
}

function dataFromSchema(version: ServedVersion): JsonSchema {
  return objectSchema({
    extract: remoteRefSchema(version, 'Expands one JSON object secret into many keys.'),
    find: findSchema(version),
    rewrite: arraySchema(
      rewriteSchema(version),
      'Key rewrites, applied in order (not supported by kvsync yet).',
    ),
    sourceRef: sourceRefSchema(version, 'A store or generator to read from instead of spec.secretStoreRef.'),
  });
}

function templateRefSchema(): JsonSchema {
  const item = objectSchema(
    {
      key: secretKeySchema('A key in the ConfigMap or Secret.'),
      templateAs: enumSchema(TEMPLATE_SCOPES, undefined, { default: 'Values' }),
    },
    undefined,
    { required: ['key'] },
  );
  return objectSchema(
    {
      items: arraySchema(item, 'Keys of the ConfigMap or Secret to use as templates.'),
      name: resourceNameSchema('The name of the ConfigMap or Secret.'),
    },
    undefined,
    { required: ['items', 'name'] },
  );
}

function templateSchema(version: ServedVersion): JsonSchema {
  const metadata = objectSchema(
    withV1(
      version,
      { annotations: stringMapSchema(), labels: stringMapSchema() },
      { finalizers: arraySchema(stringSchema()) },
    ),
    'Labels and annotations for the target Secret.',
  );
  const templateFrom = objectSchema({
    configMap: templateRefSchema(),
    literal: stringSchema(),
    secret: templateRefSchema(),
    target: enumSchema(TEMPLATE_TARGETS, undefined, { default: 'Data' }),
  });
  return objectSchema(
    {
      data: stringMapSchema('Go templates, one per Secret key.'),
      engineVersion: enumSchema(TEMPLATE_ENGINE_VERSIONS, 'The template engine version.', { default: 'v2' }),
      mergePolicy: enumSchema(TEMPLATE_MERGE_POLICIES, undefined, { default: 'Replace' }),
      metadata,
      templateFrom: arraySchema(templateFrom),
      type: stringSchema('The Secret type; unset keeps the existing type.'),
    },
    'A blueprint for the target Secret (stored; rendering is not supported by kvsync yet).',
  );
}

function targetSchema(version: ServedVersion): JsonSchema {
  const creationPolicies = only(version, CREATION_POLICIES, ['CreateOrMerge']);
  return objectSchema(
    withV1(
      version,
      {
        creationPolicy: enumSchema(creationPolicies, 'How the target Secret is created; default Owner.', {
          default: 'Owner',
        }),
        deletionPolicy: enumSchema(
          DELETION_POLICIES,
          'What happens when the provider has no data; default Retain.',
          {
            default: 'Retain',
          },
        ),
        immutable: booleanSchema('Makes the target Secret immutable.'),
        name: resourceNameSchema('The target Secret; defaults to the ExternalSecret name.'),
        template: templateSchema(version),
      },
      {
        manifest: objectSchema(
          { apiVersion: stringSchema(), kind: stringSchema() },
          'A generic target resource instead of a Secret (not supported by kvsync).',
          { required: ['apiVersion', 'kind'] },
        ),
      },
    ),
    'The Kubernetes Secret to write.',
    { default: { creationPolicy: 'Owner', deletionPolicy: 'Retain' } },
  );
}

function syncWindowsSchema(): JsonSchema {
  const window = objectSchema({
    duration: stringSchema('How long the window lasts (a Go duration).'),
    schedule: stringSchema('When the window opens: a 5-field cron expression in UTC, or a descriptor.'),
  });
  return objectSchema(
    { kind: stringSchema('allow or deny.'), windows: arraySchema(window) },
    'Windows that allow or deny periodic refreshes (not supported by kvsync yet).',
  );
}

function specSchema(version: ServedVersion): JsonSchema {
  return objectSchema(
    withV1(
      version,
      {
        data: arraySchema(dataSchema(version), 'Secret keys and the provider values they hold.'),
        dataFrom: arraySchema(
          dataFromSchema(version),
          'Provider secrets expanded into many keys, merged in order.',
        ),
        refreshInterval: stringSchema(
          'How often the values are read again, as a Go duration ("1h", "2h30m", "10s"). 0 fetches once.',
          { default: '1h0m0s' },
        ),
        refreshPolicy: enumSchema(REFRESH_POLICIES, 'CreatedOnce, Periodic (the default) or OnChange.'),
        secretStoreRef: storeRefSchema(),
        target: targetSchema(version),
      },
      { syncWindows: syncWindowsSchema() },
    ),
    'The desired state of an ExternalSecret.',
  );
}

/** The whole `openAPIV3Schema` of ExternalSecret in `version`. */
export function externalSecretSchema(version: ServedVersion): JsonSchema {
  return resourceSchema(
    'ExternalSecret keeps a Kubernetes Secret in step with values from a SecretStore provider.',
    specSchema(version),
    externalSecretStatusSchema(),
  );
}
