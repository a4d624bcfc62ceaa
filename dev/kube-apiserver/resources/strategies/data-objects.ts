import { badRequest, cause } from '../../errors.ts';
import type { KubeObject, StatusCause } from '../../types.ts';
import type { ResourceStrategy } from '../resource-type.ts';

/** Secrets and ConfigMaps: key syntax, size limits, `immutable`, and Secret's stringData folding. */

const KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;
const MAX_TOTAL_BYTES = 1024 * 1024;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const REQUIRED_SECRET_KEYS: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

function asStringMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw badRequest(`${field} must be a map of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw badRequest(`${field}.${k}: expected a string, got ${JSON.stringify(v)}`);
  }
  return value as Record<string, string>;
}

/** Folds `stringData` into base64 `data` (stringData wins), as the apiserver does before storing. */
function foldStringData(secret: KubeObject): void {
  const data = { ...asStringMap(secret['data'], 'data') };
  for (const [k, v] of Object.entries(data)) {
    if (!BASE64_PATTERN.test(v)) throw badRequest(`illegal base64 data in Secret data key "${k}"`);
  }
  const stringData = asStringMap(secret['stringData'], 'stringData');
  for (const [k, v] of Object.entries(stringData ?? {})) data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete secret['stringData'];
  if (Object.keys(data).length > 0 || secret['data'] !== undefined) secret['data'] = data;
  secret['type'] ??= 'Opaque';
}

function validateKeys(map: Record<string, string> | undefined, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  let bytes = 0;
  for (const [k, v] of Object.entries(map ?? {})) {
    bytes += k.length + v.length;
    if (!KEY_PATTERN.test(k)) {
      causes.push(
        cause.invalid(
          `${field}[${k}]`,
          k,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
        ),
      );
    }
  }
  if (bytes > MAX_TOTAL_BYTES) {
    causes.push({
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${MAX_TOTAL_BYTES} bytes`,
      field,
    });
  }
  return causes;
}

function immutabilityCauses(
  object: KubeObject,
  previous: KubeObject | undefined,
  fields: string[],
): StatusCause[] {
  if (previous?.['immutable'] !== true) return [];
  const causes: StatusCause[] = [];
  for (const field of fields) {
    if (JSON.stringify(object[field] ?? null) !== JSON.stringify(previous[field] ?? null)) {
      causes.push(cause.forbidden(field, 'field is immutable when `immutable` is set'));
    }
  }
  if (object['immutable'] !== true)
    causes.push(cause.forbidden('immutable', 'field is immutable when `immutable` is set'));
  return causes;
}

export const secretStrategy: ResourceStrategy = {
  prepareForCreate: foldStringData,
  prepareForUpdate: foldStringData,
  validate(secret, previous) {
    const data = secret['data'] as Record<string, string> | undefined;
    const causes = validateKeys(data, 'data');
    const type = String(secret['type']);
    for (const key of REQUIRED_SECRET_KEYS[type] ?? []) {
      if (data?.[key] === undefined) causes.push(cause.required(`data[${key}]`));
    }
    if (previous && previous['type'] !== secret['type']) {
      causes.push(cause.invalid('type', secret['type'], 'field is immutable'));
    }
    return [...causes, ...immutabilityCauses(secret, previous, ['data'])];
  },
};

export const configMapStrategy: ResourceStrategy = {
  validate(configMap, previous) {
    const data = asStringMap(configMap['data'], 'data');
    const binaryData = asStringMap(configMap['binaryData'], 'binaryData');
    const causes = [...validateKeys(data, 'data'), ...validateKeys(binaryData, 'binaryData')];
    for (const key of Object.keys(data ?? {})) {
      if (binaryData?.[key] !== undefined)
        causes.push(cause.invalid(`data[${key}]`, key, 'duplicate of key present in binaryData'));
    }
    return [...causes, ...immutabilityCauses(configMap, previous, ['data', 'binaryData'])];
  },
};
