import { badRequest, KubeStatusError } from '../errors.ts';

/**
 * The two failures every patch flavour reports, shaped like the real apiserver's answers
 * (`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go`):
 * - a body that cannot be a patch of this type → 400 BadRequest;
 * - a well-formed patch that does not apply to the object → 422 Invalid with the generic
 *   "rejected" message. The real server drops the detail there; we keep it as a cause so that
 *   failures can be told apart.
 */

/** The message the apiserver uses for a 422 without a field error. */
export const REJECTED_MESSAGE = 'the server rejected our request due to an error in our request';

/** 400 BadRequest for a patch body that is malformed for its content type. */
export function malformedPatch(detail: string): KubeStatusError {
  return badRequest(`error decoding patch: ${detail}`);
}

/** 422 Invalid for a patch that is well formed but does not apply (failed `test`, missing path). */
export function patchNotApplicable(detail: string, field?: string): KubeStatusError {
  const cause = { reason: 'FieldValueInvalid', message: detail, ...(field === undefined ? {} : { field }) };
  return new KubeStatusError(422, 'Invalid', REJECTED_MESSAGE, { causes: [cause] });
}
