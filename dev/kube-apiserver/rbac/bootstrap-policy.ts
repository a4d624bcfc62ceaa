import type { KubeObject } from '../types.ts';
import { RBAC_GROUP } from './authorizer.ts';
import type { PolicyRule } from './rules.ts';
import {
  SYSTEM_AUTHENTICATED,
  SYSTEM_MASTERS,
  SYSTEM_SERVICE_ACCOUNTS,
  SYSTEM_UNAUTHENTICATED,
} from './user.ts';

/**
 * The default ClusterRoles and ClusterRoleBindings a real apiserver creates at start (upstream's
 * `bootstrappolicy`), reduced to what the emulator serves: cluster-admin for `system:masters`,
 * discovery and public info for everyone, self reviews for the authenticated, the service-account
 * issuer documents for ServiceAccounts, and the aggregated admin, edit and view roles (their
 * `system:aggregate-to-*` rules abridged to the core, apps, batch, policy and networking groups).
 */

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const AGGREGATE_LABEL = `${RBAC_GROUP}/aggregate-to-`;

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

function clusterRole(
  name: string,
  rules: PolicyRule[],
  extra: Partial<KubeObject> = {},
  labels = {},
): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    rules,
    ...extra,
  };
}

function aggregated(name: string, labels: Record<string, string> = {}): KubeObject {
  const aggregationRule = {
    clusterRoleSelectors: [{ matchLabels: { [`${AGGREGATE_LABEL}${name}`]: 'true' } }],
  };
  return clusterRole(name, [], { aggregationRule }, labels);
}

const AGGREGATE_TO_VIEW: PolicyRule[] = [
  rule(
    READ,
    [''],
    ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods'],
  ),
  rule(READ, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services']),
  rule(READ, [''], ['services/status', 'bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log']),
  rule(
    READ,
    [''],
    ['pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status'],
  ),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments']),
  rule(READ, ['apps'], ['deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale']),
  rule(READ, ['apps'], ['replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
  rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

const AGGREGATE_TO_EDIT: PolicyRule[] = [
  rule(
    READ,
    [''],
    ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'],
  ),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers']),
  rule(
    WRITE,
    [''],
    ['replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy'],
  ),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale']),
  rule(WRITE, ['apps'], ['replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
  rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
];

const AGGREGATE_TO_ADMIN: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule([...READ, ...WRITE], [RBAC_GROUP], ['rolebindings', 'roles']),
];

/** The default ClusterRoles, aggregated ones with empty rules (the aggregation controller fills them). */
export function bootstrapClusterRoles(): KubeObject[] {
  const aggregateTo = (role: string) => ({ [`${AGGREGATE_LABEL}${role}`]: 'true' });
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('system:discovery', [
      urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*']),
      urls(['get'], ['/readyz', '/version', '/version/']),
    ]),
    clusterRole('system:public-info-viewer', [
      urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/']),
    ]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:service-account-issuer-discovery', [
      urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/']),
      urls(['get'], ['/openid/v1/jwks', '/openid/v1/jwks/']),
    ]),
    aggregated('admin'),
    aggregated('edit', aggregateTo('admin')),
    aggregated('view', aggregateTo('edit')),
    clusterRole('system:aggregate-to-admin', AGGREGATE_TO_ADMIN, {}, aggregateTo('admin')),
    clusterRole('system:aggregate-to-edit', AGGREGATE_TO_EDIT, {}, aggregateTo('edit')),
    clusterRole('system:aggregate-to-view', AGGREGATE_TO_VIEW, {}, aggregateTo('view')),
  ];
}

function clusterRoleBinding(name: string, groups: string[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
    subjects: groups.map((group) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name: group })),
  };
}

/** The default ClusterRoleBindings, each named after its ClusterRole. */
export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', [SYSTEM_MASTERS]),
    clusterRoleBinding('system:discovery', [SYSTEM_AUTHENTICATED]),
    clusterRoleBinding('system:public-info-viewer', [SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED]),
    clusterRoleBinding('system:basic-user', [SYSTEM_AUTHENTICATED]),
    clusterRoleBinding('system:service-account-issuer-discovery', [SYSTEM_SERVICE_ACCOUNTS]),
  ];
}
