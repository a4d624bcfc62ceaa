import { isKvsyncError } from '../errors.ts';
import { parseGoDuration } from './duration.ts';
import { externalSecretSchema } from './external-secret-schema.ts';
import type { JsonSchema } from './json-schema.ts';
import type { ExternalSecretDataFrom, ExternalSecretSpec } from './external-secret-types.ts';
import { API_VERSION_V1BETA1, type ServedVersion } from './resource-names.ts';
import { validateAgainstSchema, type ValidationProblem } from './schema-validation.ts';

/**
 * Everything kvsync checks on an ExternalSecret before it syncs it: the CRD schema (which the
 * API server enforced already, unless the object came from elsewhere) and the rules of ESO's
 * admission webhook (§2.4), which a CRD cannot express and which kvsync, having no webhook,
 * reports in status instead.
 */

/** Secret types ESO refuses as targets, and the annotation that makes a token Secret refused. */
const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
const BOOTSTRAP_TOKEN_TYPE = 'bootstrap.kubernetes.io/token';

/** ESO's webhook messages. */
const MESSAGES = {
  noData: 'either data or dataFrom should be specified',
  deleteNotOwned:
    "deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner",
  mergeWithNone:
    'deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with',
  manySources: 'extract, find, or generatorRef cannot be set at the same time',
  noSource: 'one of extract, find or sourceRef.generatorRef must be set',
  emptySourceRef: 'generatorRef or storeRef must be set when using sourceRef in dataFrom',
  bootstrapToken: `secret type ${BOOTSTRAP_TOKEN_TYPE} is not allowed as a target`,
  serviceAccountToken: `secret type ${SERVICE_ACCOUNT_TOKEN_TYPE} with annotation ${SERVICE_ACCOUNT_NAME_ANNOTATION} is not allowed as a target`,
} as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function versionOf(object: Record<string, unknown>): ServedVersion {
  return object['apiVersion'] === API_VERSION_V1BETA1 ? 'v1beta1' : 'v1';
}

/** The schemas are built once: every reconcile validates. */
const schemas = new Map<ServedVersion, JsonSchema>();

function schemaOf(version: ServedVersion): JsonSchema {
  let schema = schemas.get(version);
  if (!schema) schemas.set(version, (schema = externalSecretSchema(version)));
  return schema;
}

/**
 * Validates an ExternalSecret (any JSON value) and returns its problems, empty when it may be
 * synced. The schema is the one of its `apiVersion` (v1 when absent). `status` is not checked:
 * it is the operator's output, not input. The ESO rules run only when the spec passed the
 * schema, so that each problem is reported once. Never throws.
 */
export function validateExternalSecret(object: unknown): ValidationProblem[] {
  if (!isRecord(object)) return [{ path: '', message: 'must be an object' }];
  const withoutStatus = { ...object, status: undefined };
  const problems = validateAgainstSchema(withoutStatus, schemaOf(versionOf(object)));
  if (problems.some((p) => p.path === 'spec' || p.path.startsWith('spec.'))) return problems;
  const spec = (isRecord(object['spec']) ? object['spec'] : {}) as ExternalSecretSpec;
  return [
    ...problems,
    ...checkDataPresent(spec),
    ...checkPolicies(spec),
    ...checkRefreshInterval(spec),
    ...(spec.dataFrom ?? []).flatMap((entry, i) => checkDataFrom(entry, `spec.dataFrom[${i}]`)),
    ...checkDuplicateKeys(spec),
    ...checkTargetType(spec),
  ];
}

function checkDataPresent(spec: ExternalSecretSpec): ValidationProblem[] {
  const empty = (spec.data?.length ?? 0) === 0 && (spec.dataFrom?.length ?? 0) === 0;
  return empty ? [{ path: 'spec', message: MESSAGES.noData }] : [];
}

function checkPolicies(spec: ExternalSecretSpec): ValidationProblem[] {
  const creation = spec.target?.creationPolicy || 'Owner';
  const deletion = spec.target?.deletionPolicy || 'Retain';
  const path = 'spec.target.deletionPolicy';
  if (deletion === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(creation))
    return [{ path, message: MESSAGES.deleteNotOwned }];
  if (deletion === 'Merge' && creation === 'None') return [{ path, message: MESSAGES.mergeWithNone }];
  return [];
}

function checkRefreshInterval(spec: ExternalSecretSpec): ValidationProblem[] {
  if (spec.refreshInterval === undefined) return [];
  try {
    parseGoDuration(spec.refreshInterval);
    return [];
  } catch (error) {
    if (!isKvsyncError(error, 'ERR_INVALID_DURATION')) throw error;
    return [{ path: 'spec.refreshInterval', message: error.message }];
  }
}

/** Exactly one of extract, find and sourceRef.generatorRef; a sourceRef must name something. */
function checkDataFrom(entry: ExternalSecretDataFrom, path: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const sources = [entry.extract, entry.find, entry.sourceRef?.generatorRef].filter((s) => s !== undefined);
  if (sources.length > 1) problems.push({ path, message: MESSAGES.manySources });
  if (sources.length === 0) problems.push({ path, message: MESSAGES.noSource });
  if (entry.sourceRef && !entry.sourceRef.generatorRef && !entry.sourceRef.storeRef)
    problems.push({ path: `${path}.sourceRef`, message: MESSAGES.emptySourceRef });
  return problems;
}

/** Duplicate `secretKey`s, checked (as ESO does) only with deletionPolicy Retain. */
function checkDuplicateKeys(spec: ExternalSecretSpec): ValidationProblem[] {
  if ((spec.target?.deletionPolicy || 'Retain') !== 'Retain') return [];
  const seen = new Set<string>();
  const problems: ValidationProblem[] = [];
  (spec.data ?? []).forEach((entry, i) => {
    if (seen.has(entry.secretKey))
      problems.push({
        path: `spec.data[${i}].secretKey`,
        message: `duplicate secretKey found: ${entry.secretKey}`,
      });
    seen.add(entry.secretKey);
  });
  return problems;
}

function checkTargetType(spec: ExternalSecretSpec): ValidationProblem[] {
  const template = spec.target?.template;
  const path = 'spec.target.template.type';
  if (template?.type === BOOTSTRAP_TOKEN_TYPE) return [{ path, message: MESSAGES.bootstrapToken }];
  const named = template?.metadata?.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] !== undefined;
  if (template?.type === SERVICE_ACCOUNT_TOKEN_TYPE && named)
    return [{ path, message: MESSAGES.serviceAccountToken }];
  return [];
}
