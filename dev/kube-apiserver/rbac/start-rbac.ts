import type { Cluster } from '../cluster.ts';
import { RbacAuthorizer, type Authorizer } from './authorizer.ts';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from './bootstrap-policy.ts';

const RBAC_RESOURCES = {
  roles: 'rbac.authorization.k8s.io/roles',
  clusterRoles: 'rbac.authorization.k8s.io/clusterroles',
  roleBindings: 'rbac.authorization.k8s.io/rolebindings',
  clusterRoleBindings: 'rbac.authorization.k8s.io/clusterrolebindings',
};

/**
 * Creates the default RBAC policy in `cluster` (it must not exist yet) and returns the authorizer
 * that enforces RBAC on it.
 */
export function startRbac(cluster: Cluster): Authorizer {
  for (const role of bootstrapClusterRoles()) cluster.client.create(RBAC_RESOURCES.clusterRoles, role);
  for (const binding of bootstrapClusterRoleBindings())
    cluster.client.create(RBAC_RESOURCES.clusterRoleBindings, binding);
  const bucket = (resource: string) => cluster.client.target(resource).type.bucket;
  return new RbacAuthorizer(cluster.store, {
    roles: bucket(RBAC_RESOURCES.roles),
    clusterRoles: bucket(RBAC_RESOURCES.clusterRoles),
    roleBindings: bucket(RBAC_RESOURCES.roleBindings),
    clusterRoleBindings: bucket(RBAC_RESOURCES.clusterRoleBindings),
  });
}
