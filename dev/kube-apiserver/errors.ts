import type { Status, StatusCause, StatusDetails } from './types.ts';

/**
 * An error that the emulator answers with a Kubernetes Status body. Builders below reproduce the
 * shapes of apimachinery's `errors.go`: the reasons and codes are what clients branch on.
 */
export class KubeStatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubeStatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const status: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) status.details = this.details;
    return status;
  }
}

/** Names a resource the way error messages do: `secrets` for core, `deployments.apps` for groups. */
export interface ResourceRef {
  group: string;
  /** Plural resource name, e.g. `externalsecrets`. */
  resource: string;
}

export function qualifiedResource({ group, resource }: ResourceRef): string {
  return group ? `${resource}.${group}` : resource;
}

function nameDetails(ref: ResourceRef, name: string): StatusDetails {
  const details: StatusDetails = { name, kind: ref.resource };
  if (ref.group) details.group = ref.group;
  return details;
}

export function notFound(ref: ResourceRef, name: string): KubeStatusError {
  return new KubeStatusError(
    404,
    'NotFound',
    `${qualifiedResource(ref)} "${name}" not found`,
    nameDetails(ref, name),
  );
}

export function pathNotFound(): KubeStatusError {
  return new KubeStatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(ref: ResourceRef, name: string): KubeStatusError {
  return new KubeStatusError(
    409,
    'AlreadyExists',
    `${qualifiedResource(ref)} "${name}" already exists`,
    nameDetails(ref, name),
  );
}

export function conflict(ref: ResourceRef, name: string, why?: string): KubeStatusError {
  const reason =
    why ?? 'the object has been modified; please apply your changes to the latest version and try again';
  return new KubeStatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${reason}`,
    nameDetails(ref, name),
  );
}

/** 422: `<Kind>.<group> "name" is invalid: <field>: <message>; …`. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeStatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
  const details: StatusDetails = { name, kind, causes };
  if (group) details.group = group;
  const list = causes.length > 1 ? `[${summary}]` : summary;
  return new KubeStatusError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${list}`, details);
}

export function badRequest(message: string): KubeStatusError {
  return new KubeStatusError(400, 'BadRequest', message);
}

export function unsupportedMediaType(accepted: string[]): KubeStatusError {
  return new KubeStatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function methodNotAllowed(verb: string, ref: ResourceRef): KubeStatusError {
  return new KubeStatusError(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualifiedResource(ref)}"`,
    { group: ref.group, kind: ref.resource },
  );
}

export function unauthorized(): KubeStatusError {
  return new KubeStatusError(401, 'Unauthorized', 'Unauthorized');
}

export function expired(requested: string, current: string): KubeStatusError {
  return new KubeStatusError(410, 'Expired', `too old resource version: ${requested} (${current})`);
}

export function internalError(message: string): KubeStatusError {
  return new KubeStatusError(500, 'InternalError', `Internal error occurred: ${message}`);
}

/** Field-level cause builders for 422s. */
export const cause = {
  required: (field: string): StatusCause => ({
    reason: 'FieldValueRequired',
    message: 'Required value',
    field,
  }),
  invalid: (field: string, value: unknown, detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  }),
  unsupported: (field: string, value: unknown, allowed: string[]): StatusCause => ({
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`,
    field,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): StatusCause => ({
    reason: 'FieldValueTypeInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  }),
  forbidden: (field: string, detail: string): StatusCause => ({
    reason: 'FieldValueForbidden',
    message: `Forbidden: ${detail}`,
    field,
  }),
  unknownField: (field: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `unknown field "${field}"`,
    field,
  }),
};
