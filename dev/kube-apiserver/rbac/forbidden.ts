import { KubeStatusError } from '../errors.ts';
import type { StatusDetails } from '../types.ts';
import type { RequestAttributes } from './attributes.ts';

/**
 * The 403 Status of a denied request, worded exactly as apiserver's `responsewriters.Forbidden`
 * and `apierrors.NewForbidden` word it, e.g. `secrets "x" is forbidden: User "…" cannot get
 * resource "secrets" in API group "" in the namespace "default"`, with `: <reason>` appended when
 * the authorizer gave one (a binding to a missing role).
 */

function deniedAction(attributes: RequestAttributes): string {
  const user = JSON.stringify(attributes.user.username);
  if (attributes.kind === 'non-resource')
    return `User ${user} cannot ${attributes.verb} path ${JSON.stringify(attributes.path)}`;
  const resource = attributes.subresource
    ? `${attributes.resource}/${attributes.subresource}`
    : attributes.resource;
  const scope = attributes.namespace
    ? `in the namespace ${JSON.stringify(attributes.namespace)}`
    : 'at the cluster scope';
  return `User ${user} cannot ${attributes.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attributes.apiGroup)} ${scope}`;
}

export function forbidden(attributes: RequestAttributes, reason: string): KubeStatusError {
  const cause = reason ? `${deniedAction(attributes)}: ${reason}` : deniedAction(attributes);
  if (attributes.kind === 'non-resource')
    return new KubeStatusError(403, 'Forbidden', `forbidden: ${cause}`, {});
  const { apiGroup, resource, name } = attributes;
  const qualified = apiGroup ? `${resource}.${apiGroup}` : resource;
  const subject = name ? `${qualified} ${JSON.stringify(name)}` : qualified;
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (apiGroup) details.group = apiGroup;
  details.kind = resource;
  return new KubeStatusError(403, 'Forbidden', `${subject} is forbidden: ${cause}`, details);
}
