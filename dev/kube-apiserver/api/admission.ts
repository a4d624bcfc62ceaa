import { badRequest, cause, invalid } from '../errors.ts';
import { validateAnnotations, validateLabels, validateObjectName } from '../names.ts';
import { applyDefaults, pruneUnknownFields, unknownFieldError, validateObject } from '../schema/index.ts';
import { servedVersion, groupVersion, type ResourceType } from '../resources/resource-type.ts';
import type { KubeObject, StatusCause } from '../types.ts';
import { isObject } from './objects.ts';

/**
 * What every write passes through before it is stored: shape checks on the body, metadata
 * validation, and for custom resources the CRD schema (prune unknown fields, default, validate).
 */

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** A body must be a JSON object whose apiVersion and kind, when given, match the URL. */
export function checkBody(type: ResourceType, version: string, body: unknown): KubeObject {
  if (!isObject(body)) throw badRequest('the body of the request must be a JSON object');
  const expected = groupVersion(type.group, version);
  if (body['apiVersion'] !== undefined && body['apiVersion'] !== expected) {
    throw badRequest(
      `the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${expected})`,
    );
  }
  if (body['kind'] !== undefined && body['kind'] !== type.kind) {
    throw badRequest(
      `the kind in the data (${String(body['kind'])}) does not match the expected kind (${type.kind})`,
    );
  }
  if (body['metadata'] !== undefined && !isObject(body['metadata']))
    throw badRequest('metadata must be an object');
  const object = body as KubeObject;
  object.metadata ??= {};
  return object;
}

function nameRule(type: ResourceType): 'dns1123-subdomain' | 'dns1123-label' | 'path-segment' {
  if (type.group === '' && type.resource === 'namespaces') return 'dns1123-label';
  // RBAC names may hold colons (`system:discovery`): upstream's ValidateRBACName.
  if (type.group === 'rbac.authorization.k8s.io') return 'path-segment';
  return 'dns1123-subdomain';
}

export function metadataCauses(type: ResourceType, object: KubeObject): StatusCause[] {
  const { name } = object.metadata;
  const causes: StatusCause[] = [];
  if (!name)
    causes.push({
      ...cause.required('metadata.name'),
      message: 'Required value: name or generateName is required',
    });
  else
    for (const message of validateObjectName(name, nameRule(type)))
      causes.push(cause.invalid('metadata.name', name, message));
  causes.push(...validateLabels(object.metadata.labels), ...validateAnnotations(object.metadata.annotations));
  if (object.metadata.finalizers !== undefined && !Array.isArray(object.metadata.finalizers)) {
    causes.push(
      cause.typeInvalid('metadata.finalizers', object.metadata.finalizers, 'must be a list of strings'),
    );
  }
  return causes;
}

export interface AdmissionResult {
  object: KubeObject;
  warnings: string[];
}

/** Schema admission of either kind of resource: CRD schemas for custom ones, field sets for built-ins. */
export function admit(
  type: ResourceType,
  version: string,
  object: KubeObject,
  fieldValidation: FieldValidation,
): AdmissionResult {
  return type.custom
    ? admitCustomResource(type, version, object, fieldValidation)
    : admitBuiltin(type, object, fieldValidation);
}

/** Prunes, defaults and validates a custom resource against its version's schema. */
export function admitCustomResource(
  type: ResourceType,
  version: string,
  object: KubeObject,
  fieldValidation: FieldValidation,
): AdmissionResult {
  const schema = servedVersion(type, version)?.schema;
  if (!schema) return { object, warnings: [] };
  const { pruned, removedPaths } = pruneUnknownFields(object, schema);
  if (removedPaths.length > 0 && fieldValidation === 'Strict') throw unknownFieldError(removedPaths);
  const warnings = fieldValidation === 'Warn' ? removedPaths.map((p) => `unknown field "${p}"`) : [];
  const defaulted = applyDefaults(pruned, schema) as KubeObject;
  const causes = validateObject(defaulted, schema);
  if (causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? '', causes);
  return { object: defaulted, warnings };
}

/** Drops top-level fields a built-in kind does not have, as decoding into Go types does. */
export function admitBuiltin(
  type: ResourceType,
  object: KubeObject,
  fieldValidation: FieldValidation,
): AdmissionResult {
  if (!type.topLevelFields) return { object, warnings: [] };
  const known = new Set(['apiVersion', 'kind', 'metadata', ...type.topLevelFields]);
  const unknown = Object.keys(object).filter((key) => !known.has(key));
  if (unknown.length === 0) return { object, warnings: [] };
  if (fieldValidation === 'Strict') throw unknownFieldError(unknown);
  for (const key of unknown) delete object[key];
  return { object, warnings: fieldValidation === 'Warn' ? unknown.map((p) => `unknown field "${p}"`) : [] };
}

/** Runs the strategy's validation and the metadata checks; throws a 422 on any cause. */
export function validateOrThrow(
  type: ResourceType,
  object: KubeObject,
  previous: KubeObject | undefined,
): void {
  const causes = [...metadataCauses(type, object), ...(type.strategy.validate?.(object, previous) ?? [])];
  if (causes.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? '', causes);
}
