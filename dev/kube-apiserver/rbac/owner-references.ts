import { KubeStatusError } from '../errors.ts';
import type { Target } from '../api/object-api.ts';
import type { ResourceRegistry } from '../resources/registry.ts';
import type { KubeObject, StatusDetails } from '../types.ts';
import type { ResourceAttributes } from './attributes.ts';
import type { Authorizer } from './authorizer.ts';
import type { UserInfo } from './user.ts';

/**
 * The OwnerReferencesPermissionEnforcement admission plugin (upstream's `gc` admission plugin;
 * off by default upstream, on in OpenShift), which decides who may make an object depend on
 * another:
 *
 * - a write that leaves `ownerReferences` as they were is not checked;
 * - an update that changes them needs `delete` on the object itself (a create does not: its
 *   author could have left it out);
 * - each reference that newly has `blockOwnerDeletion: true` needs `update` on the owner's
 *   `finalizers` subresource (by name, in the request's namespace), since it can hold up the
 *   owner's foreground deletion.
 *
 * The authorizations are made with the request's user and go to the same authorizer as the
 * request's own, so the record of decisions shows them. A refusal is a 403 Forbidden.
 */

interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  blockOwnerDeletion?: boolean;
}

export type WriteValidator = (next: KubeObject, current: KubeObject | undefined) => void;

const referencesOf = (object: KubeObject | undefined): OwnerReference[] =>
  ((object?.metadata as { ownerReferences?: OwnerReference[] } | undefined)?.ownerReferences ?? []).filter(
    (reference) => typeof reference === 'object' && reference !== null,
  );

const sameReferences = (a: OwnerReference[], b: OwnerReference[]) => JSON.stringify(a) === JSON.stringify(b);

/** References of `next` that block their owner's deletion and did not in `current` (matched by uid). */
function newlyBlocking(next: KubeObject, current: KubeObject | undefined): OwnerReference[] {
  const blockingBefore = new Set(
    referencesOf(current)
      .filter((reference) => reference.blockOwnerDeletion === true)
      .map((reference) => reference.uid),
  );
  return referencesOf(next).filter(
    (reference) => reference.blockOwnerDeletion === true && !blockingBefore.has(reference.uid),
  );
}

function refused(target: Target, name: string, why: string): KubeStatusError {
  const { group, resource } = target.type;
  const qualified = group ? `${resource}.${group}` : resource;
  const details: StatusDetails = { name, kind: resource, ...(group ? { group } : {}) };
  return new KubeStatusError(403, 'Forbidden', `${qualified} "${name}" is forbidden: ${why}`, details);
}

/** The validator of writes by `user` on `target`, as the plugin checks them. */
export function ownerReferencesPermissionCheck(
  authorizer: Authorizer,
  registry: ResourceRegistry,
  user: UserInfo,
  target: Target,
): WriteValidator {
  const namespace = target.namespace ?? '';
  const allows = (attributes: Omit<ResourceAttributes, 'kind' | 'user'>) =>
    authorizer.authorize({ kind: 'resource', user, ...attributes });
  return (next, current) => {
    if (sameReferences(referencesOf(next), referencesOf(current))) return;
    const name = next.metadata.name ?? '';
    const own = {
      apiGroup: target.type.group,
      resource: target.type.resource,
      subresource: '',
      namespace,
      name,
    };
    if (current && !allows({ ...own, verb: 'delete' }).allowed)
      throw refused(target, name, "cannot set an ownerRef on a resource you can't delete");
    for (const reference of newlyBlocking(next, current)) {
      const group = (reference.apiVersion ?? '').includes('/') ? reference.apiVersion!.split('/')[0]! : '';
      const owner = registry.findByKind(group, reference.kind ?? '');
      if (!owner)
        throw refused(
          target,
          name,
          `cannot set blockOwnerDeletion in this case because cannot find RESTMapping for APIVersion ${reference.apiVersion} Kind ${reference.kind}`,
        );
      const attributes = {
        verb: 'update',
        apiGroup: owner.group,
        resource: owner.resource,
        subresource: 'finalizers',
        namespace,
        name: reference.name ?? '',
      };
      if (!allows(attributes).allowed)
        throw refused(
          target,
          name,
          "cannot set blockOwnerDeletion if an ownerReference refers to a resource you can't set finalizers on",
        );
    }
  };
}
