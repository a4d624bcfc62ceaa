import { ES_GROUP, ES_PLURAL } from './fixtures.ts';

/**
 * RBAC fixtures shared by the RBAC conformance tests: a ServiceAccount `kvsync/kvsync` that may
 * read ExternalSecrets everywhere and write their status (ClusterRole + ClusterRoleBinding), read
 * exactly one Secret and create Secrets in `apps` (Role + RoleBinding), read ConfigMaps in `apps`
 * through the default `view` ClusterRole (RoleBinding to a ClusterRole), and request tokens for
 * ServiceAccounts of its own namespace.
 */

export const SA_NAMESPACE = 'kvsync';
export const SA_NAME = 'kvsync';
export const SA_USER = `system:serviceaccount:${SA_NAMESPACE}:${SA_NAME}`;
export const APPS = 'apps';
export const READABLE_SECRET = 'db';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const saSubject = { kind: 'ServiceAccount', name: SA_NAME, namespace: SA_NAMESPACE };

export function rbacManifests(): object[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SA_NAMESPACE } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: APPS } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA_NAME, namespace: SA_NAMESPACE } },
    {
      apiVersion: RBAC_V1,
      kind: 'ClusterRole',
      metadata: { name: 'kvsync-externalsecrets' },
      rules: [
        { apiGroups: [ES_GROUP], resources: [ES_PLURAL], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [ES_GROUP], resources: [`${ES_PLURAL}/status`], verbs: ['update', 'patch'] },
      ],
    },
    {
      apiVersion: RBAC_V1,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kvsync-externalsecrets' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kvsync-externalsecrets' },
      subjects: [saSubject],
    },
    {
      apiVersion: RBAC_V1,
      kind: 'Role',
      metadata: { name: 'kvsync-secrets', namespace: APPS },
      rules: [
        {
          apiGroups: [''],
          resources: ['secrets'],
          resourceNames: [READABLE_SECRET],
          verbs: ['get', 'update'],
        },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: { name: 'kvsync-secrets', namespace: APPS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kvsync-secrets' },
      subjects: [saSubject],
    },
    {
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: { name: 'kvsync-view', namespace: APPS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [saSubject],
    },
    {
      apiVersion: RBAC_V1,
      kind: 'Role',
      metadata: { name: 'kvsync-tokens', namespace: SA_NAMESPACE },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
    },
    {
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: { name: 'kvsync-tokens', namespace: SA_NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kvsync-tokens' },
      subjects: [{ kind: 'ServiceAccount', name: SA_NAME }],
    },
  ];
}
