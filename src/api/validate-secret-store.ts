import { isKvsyncError } from '../errors.ts';
import { parseStoreRefreshInterval } from './duration.ts';
import type { StoreKind } from './external-secret-types.ts';
import { LABEL_SELECTOR_OPERATORS, type SecretKeySelector, type ServiceAccountSelector } from './meta.ts';
import { validateAgainstSchema, type ValidationProblem } from './schema-validation.ts';
import { secretStoreSchema } from './secret-store-schema.ts';
import type { AzureKVProvider, SecretStoreSpec } from './secret-store-types.ts';

/**
 * Everything kvsync checks on a SecretStore or ClusterSecretStore before it builds a client:
 * the CRD schema and the rules of ESO's store webhook (`secretstore_validator.go` and the Azure
 * provider's `ValidateStore`), which kvsync reports in status. Configuration that only fails
 * when a client is built (a ServicePrincipal without tenantId, a missing credential Secret) is
 * the provider's to report, as in ESO.
 */

const MESSAGES = {
  namespaceNotAllowed:
    'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore',
  customCloudNeedsSdk:
    'CustomCloudConfig requires UseAzureSDK to be set to true - the legacy SDK does not support custom clouds',
  customCloudNeedsEndpoint: 'activeDirectoryEndpoint is required in CustomCloudConfig',
  azureStackNeedsCustomCloud: 'CustomCloudConfig is required when EnvironmentType is AzureStackCloud',
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a store (any JSON value) of `kind` (default: its own `kind` field, else
 * SecretStore) and returns its problems, empty when valid. The referent rule: a Secret or
 * ServiceAccount selector may name a namespace in a ClusterSecretStore, and in a SecretStore
 * only its own namespace. `status` is not checked. The ESO rules run only when the spec passed
 * the schema. Never throws.
 */
export function validateSecretStore(object: unknown, kind?: StoreKind): ValidationProblem[] {
  if (!isRecord(object)) return [{ path: '', message: 'must be an object' }];
  const storeKind = kind ?? (object['kind'] === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore');
  const withoutStatus = { ...object, status: undefined };
  const problems = validateAgainstSchema(withoutStatus, secretStoreSchema(storeKind));
  if (problems.some((p) => p.path === 'spec' || p.path.startsWith('spec.'))) return problems;
  const spec = object['spec'] as SecretStoreSpec;
  const metadata = isRecord(object['metadata']) ? object['metadata'] : {};
  const ownNamespace = storeKind === 'SecretStore' ? String(metadata['namespace'] ?? '') : undefined;
  const azure = spec.provider.azurekv;
  return [
    ...problems,
    ...checkRefreshInterval(spec),
    ...checkConditions(spec),
    ...(azure ? checkAzure(azure, ownNamespace) : []),
  ];
}

function checkRefreshInterval(spec: SecretStoreSpec): ValidationProblem[] {
  try {
    parseStoreRefreshInterval(spec.refreshInterval);
    return [];
  } catch (error) {
    if (!isKvsyncError(error, 'ERR_INVALID_DURATION')) throw error;
    return [{ path: 'spec.refreshInterval', message: error.message }];
  }
}

/**
 * Each `namespaceRegexes` entry must compile (as a JavaScript regular expression), and each
 * `namespaceSelector` operator must be one Kubernetes knows.
 */
function checkConditions(spec: SecretStoreSpec): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  (spec.conditions ?? []).forEach((condition, ci) => {
    (condition.namespaceSelector?.matchExpressions ?? []).forEach((requirement, ri) => {
      if (!LABEL_SELECTOR_OPERATORS.includes(requirement.operator))
        problems.push({
          path: `spec.conditions[${ci}].namespaceSelector.matchExpressions[${ri}].operator`,
          message: `unsupported operator ${JSON.stringify(requirement.operator)}: must be one of ${LABEL_SELECTOR_OPERATORS.join(', ')}`,
        });
    });
    (condition.namespaceRegexes ?? []).forEach((regex, ri) => {
      try {
        new RegExp(regex);
      } catch (error) {
        const path = `spec.conditions[${ci}].namespaceRegexes[${ri}]`;
        problems.push({ path, message: `does not compile: ${(error as Error).message}` });
      }
    });
  });
  return problems;
}

/**
 * `ownNamespace` is the SecretStore's namespace, or undefined for a ClusterSecretStore, where
 * any namespace (or none: the ExternalSecret's, "referent authentication") is allowed.
 */
function checkAzure(azure: AzureKVProvider, ownNamespace: string | undefined): ValidationProblem[] {
  const base = 'spec.provider.azurekv';
  const selectors: [string, SecretKeySelector | ServiceAccountSelector | undefined][] = [
    ...Object.entries(azure.authSecretRef ?? {}).map(
      ([name, ref]) => [`${base}.authSecretRef.${name}.namespace`, ref] as [string, SecretKeySelector],
    ),
    [`${base}.serviceAccountRef.namespace`, azure.serviceAccountRef],
  ];
  const problems: ValidationProblem[] = selectors
    .filter(
      ([, ref]) =>
        ownNamespace !== undefined && ref?.namespace !== undefined && ref.namespace !== ownNamespace,
    )
    .map(([path]) => ({ path, message: MESSAGES.namespaceNotAllowed }));
  if (azure.customCloudConfig && azure.useAzureSDK !== true)
    problems.push({ path: `${base}.useAzureSDK`, message: MESSAGES.customCloudNeedsSdk });
  if (azure.customCloudConfig && azure.customCloudConfig.activeDirectoryEndpoint === '')
    problems.push({
      path: `${base}.customCloudConfig.activeDirectoryEndpoint`,
      message: MESSAGES.customCloudNeedsEndpoint,
    });
  if (azure.environmentType === 'AzureStackCloud' && !azure.customCloudConfig)
    problems.push({ path: `${base}.customCloudConfig`, message: MESSAGES.azureStackNeedsCustomCloud });
  return problems;
}
