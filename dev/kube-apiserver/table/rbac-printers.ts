import type { KubeObject } from '../types.ts';
import { objectsAt, stringAt } from './fields.ts';
import { ageColumn, ageOf, column, nameColumn, type Printer } from './printer.ts';

/**
 * Printers of RoleBinding and ClusterRoleBinding (Name, Role as `Kind/name`, Age, and the wide
 * Users, Groups, ServiceAccounts columns, as `printRoleBinding` prints them). Role and ClusterRole
 * print Name and Created At, which is the default printer.
 */

const ROLE_REF =
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.';

/** `rbac.SubjectsStrings`: ServiceAccounts as `namespace/name` when the subject names a namespace. */
function subjectsStrings(binding: KubeObject): {
  users: string[];
  groups: string[];
  serviceAccounts: string[];
} {
  const strings = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const subject of objectsAt(binding, 'subjects')) {
    const name = stringAt(subject, 'name');
    const namespace = stringAt(subject, 'namespace');
    const kind = stringAt(subject, 'kind');
    if (kind === 'User') strings.users.push(name);
    else if (kind === 'Group') strings.groups.push(name);
    else if (kind === 'ServiceAccount')
      strings.serviceAccounts.push(namespace ? `${namespace}/${name}` : name);
  }
  return strings;
}

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      nameColumn(),
      column('Role', ROLE_REF),
      ageColumn(),
      column('Users', `Users in the ${what}`, { priority: 1 }),
      column('Groups', `Groups in the ${what}`, { priority: 1 }),
      column('ServiceAccounts', `ServiceAccounts in the ${what}`, { priority: 1 }),
    ],
    row: (binding, now) => {
      const { users, groups, serviceAccounts } = subjectsStrings(binding);
      const roleRef = `${stringAt(binding, 'roleRef', 'kind')}/${stringAt(binding, 'roleRef', 'name')}`;
      return {
        cells: [
          binding.metadata.name ?? '',
          roleRef,
          ageOf(binding, now),
          users.join(', '),
          groups.join(', '),
          serviceAccounts.join(', '),
        ],
      };
    },
  };
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');
