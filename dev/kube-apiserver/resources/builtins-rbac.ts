import { builtin } from './builtin-type.ts';
import type { ResourceType } from './resource-type.ts';
import {
  clusterRoleBindingStrategy,
  clusterRoleStrategy,
  RBAC_API_GROUP,
  roleBindingStrategy,
  roleStrategy,
} from './strategies/rbac.ts';

/**
 * The RBAC kinds (stored and served like any built-in, whether or not RBAC is enforced) and the
 * access-review kinds of `authorization.k8s.io` and `authentication.k8s.io` (create-only, answered
 * by the authorizer, never stored).
 */

export const AUTHORIZATION_API_GROUP = 'authorization.k8s.io';
export const AUTHENTICATION_API_GROUP = 'authentication.k8s.io';

export function rbacResourceTypes(): ResourceType[] {
  const rbac = (resource: string, kind: string, namespaced: boolean, fields: string[]) => ({
    group: RBAC_API_GROUP,
    version: 'v1',
    resource,
    kind,
    namespaced,
    fields,
  });
  return [
    builtin({ ...rbac('roles', 'Role', true, ['rules']), strategy: roleStrategy }),
    builtin({
      ...rbac('clusterroles', 'ClusterRole', false, ['rules', 'aggregationRule']),
      strategy: clusterRoleStrategy,
    }),
    builtin({
      ...rbac('rolebindings', 'RoleBinding', true, ['subjects', 'roleRef']),
      strategy: roleBindingStrategy,
    }),
    builtin({
      ...rbac('clusterrolebindings', 'ClusterRoleBinding', false, ['subjects', 'roleRef']),
      strategy: clusterRoleBindingStrategy,
    }),
  ];
}

export function reviewResourceTypes(): ResourceType[] {
  const review = (group: string, resource: string, kind: string, namespaced = false) =>
    builtin({
      group,
      version: 'v1',
      resource,
      kind,
      namespaced,
      fields: ['spec', 'status'],
      verbs: ['create'],
      ephemeral: true,
    });
  return [
    review(AUTHORIZATION_API_GROUP, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
    review(AUTHORIZATION_API_GROUP, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
    review(AUTHORIZATION_API_GROUP, 'subjectaccessreviews', 'SubjectAccessReview'),
    review(AUTHORIZATION_API_GROUP, 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
    review(AUTHENTICATION_API_GROUP, 'selfsubjectreviews', 'SelfSubjectReview'),
  ];
}
