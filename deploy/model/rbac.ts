import {
  ITEM,
  RELEASE_NAME,
  RELEASE_NAMESPACE,
  and,
  concat,
  each,
  not,
  truthy,
  when,
  type Cond,
  type Node,
  type NodeMap,
} from './ir.ts';
import { commonLabels } from './labels.ts';

/**
 * What kvsync may do in the cluster, derived from the calls in src/ (see ADR 0006 for the
 * call behind each verb). Namespaced resources go into a ClusterRole bound cluster-wide, or,
 * with `rbac.namespaced`, into a Role in each watched namespace; cluster-scoped ones always
 * need a ClusterRole; Leases live in the operator's own namespace. test/e2e/rbac-excess.test.ts
 * fails when a verb granted here is used by no request of the operator.
 */

interface Rule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

const rule = (apiGroup: string, resources: string[], verbs: string[]): Rule => ({
  apiGroups: [apiGroup],
  resources,
  verbs,
});

/** core/v1 Events: a new series is created, a repeated one patched (count, lastTimestamp). */
const EVENT_RULE = rule('', ['events'], ['create', 'patch']);

/** ExternalSecrets, SecretStores, Secrets, ServiceAccounts and Events in the watched namespaces. */
export const CONTROLLER_RULES: readonly Rule[] = [
  // Informer (list, watch); finalizer and force-sync annotation (merge patch).
  rule('external-secrets.io', ['externalsecrets'], ['list', 'watch', 'patch']),
  rule('external-secrets.io', ['externalsecrets/status', 'secretstores/status'], ['patch']),
  // Target Secrets carry an owner reference with blockOwnerDeletion: clusters with the
  // OwnerReferencesPermissionEnforcement admission plugin (OpenShift) demand this.
  rule('external-secrets.io', ['externalsecrets/finalizers'], ['update']),
  rule('external-secrets.io', ['secretstores'], ['list', 'watch']),
  // Managed Secrets (informer, label-selected: RBAC cannot narrow by label), unmanaged targets
  // and credential Secrets (get), writes of targets (create, update = replace) and deletion.
  rule('', ['secrets'], ['get', 'list', 'watch', 'create', 'update', 'delete']),
  // Workload identity with serviceAccountRef: the annotations, then a TokenRequest.
  rule('', ['serviceaccounts'], ['get']),
  rule('', ['serviceaccounts/token'], ['create']),
  EVENT_RULE,
];

/** ClusterSecretStores and Namespaces (a ClusterSecretStore's namespaceSelector) are cluster-scoped. */
export const CLUSTER_RULES: readonly Rule[] = [
  rule('external-secrets.io', ['clustersecretstores'], ['list', 'watch']),
  rule('external-secrets.io', ['clustersecretstores/status'], ['patch']),
  rule('', ['namespaces'], ['get']),
];

/** The reloader's informers (pods, ConfigMaps, workloads), restarts (patch) and last-good copies. */
export const RELOADER_RULES: readonly Rule[] = [
  rule('', ['pods', 'configmaps'], ['list', 'watch']),
  rule('', ['secrets'], ['patch']),
  rule('apps', ['deployments', 'statefulsets', 'daemonsets'], ['list', 'watch', 'patch']),
  rule('argoproj.io', ['rollouts'], ['list', 'watch', 'patch']),
  rule('external-secrets.io', ['externalsecrets'], ['get']),
];

/** With `argoRollouts: auto` the reloader reads the Argo Rollouts CRD (403 or 404: no Rollouts). */
export const RELOADER_CLUSTER_RULES: readonly Rule[] = [
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions'],
    resourceNames: ['rollouts.argoproj.io'],
    verbs: ['get'],
  },
];

/** Events of ClusterSecretStores go to `default` (client-go's rule for cluster-scoped objects). */
export const CLUSTER_STORE_EVENTS_NAMESPACE = 'default';

const metadata = (name: Node, namespace?: Node): NodeMap => ({
  name,
  ...(namespace === undefined ? {} : { namespace }),
  labels: commonLabels(),
});

const roleName = (suffix: string) => concat(RELEASE_NAME, suffix);

const serviceAccountSubject = (): NodeMap => ({
  kind: 'ServiceAccount',
  name: RELEASE_NAME,
  namespace: RELEASE_NAMESPACE,
});

function clusterRole(suffix: string, rules: Node): NodeMap[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata(roleName(suffix)),
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata(roleName(suffix)),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName(suffix) },
      subjects: [serviceAccountSubject()],
    },
  ];
}

function role(suffix: string, namespace: Node, rules: Node): NodeMap[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(roleName(suffix), namespace),
      rules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(roleName(suffix), namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName(suffix) },
      subjects: [serviceAccountSubject()],
    },
  ];
}

/** Cluster-wide, or one Role per watched namespace; all of it only when `enabled` holds. */
function namespacedRules(suffix: string, rules: readonly Rule[], enabled?: Cond): Node[] {
  const onlyIf = (cond: Cond) => (enabled ? and(enabled, cond) : cond);
  return [
    ...clusterRole(suffix, asNode(rules)).map((doc) => when(onlyIf(not(truthy('rbac.namespaced'))), doc)),
    ...role(suffix, ITEM, asNode(rules)).map((doc) =>
      when(onlyIf(truthy('rbac.namespaced')), each('watchedNamespaces', doc)),
    ),
  ];
}

const asNode = (rules: readonly Rule[]): Node => rules as unknown as Node;

/**
 * The leader-election Role: the leader (or shard) Leases it gets, creates and updates, and the
 * membership Leases in which replicas say where they are (listed, heart-beaten by patch,
 * deleted on a clean stop): a replica passes Event Grid deliveries on to its peers.
 */
function leaseRules(): Node {
  return [
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      verbs: ['get', 'create', 'update', 'list', 'patch', 'delete'],
    },
  ];
}

/** Every RBAC document of the controller (the reloader's are separate). */
export function controllerRbac(): Node[] {
  return [
    ...namespacedRules('-controller', CONTROLLER_RULES),
    ...clusterRole('-cluster-scoped', asNode(CLUSTER_RULES)),
    ...role('-leader-election', RELEASE_NAMESPACE, leaseRules()),
    ...role('-cluster-store-events', CLUSTER_STORE_EVENTS_NAMESPACE, asNode([EVENT_RULE])).map((doc) =>
      when(truthy('rbac.namespaced'), doc),
    ),
  ];
}

/** The reloader's RBAC documents, present when `reloader.enabled`. */
export function reloaderRbac(): Node[] {
  const enabled = truthy('reloader.enabled');
  return [
    ...namespacedRules('-reloader', RELOADER_RULES, enabled),
    ...clusterRole('-reloader-cluster-scoped', asNode(RELOADER_CLUSTER_RULES)).map((doc) =>
      when(enabled, doc),
    ),
  ];
}
