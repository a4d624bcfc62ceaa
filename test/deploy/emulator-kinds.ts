import type { KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import type { ResourceType } from '../../dev/kube-apiserver/resources/resource-type.ts';

/**
 * The built-in kinds kvsync's manifests use that the Kubernetes API emulator may not serve
 * (its README: "Services, Jobs, … RBAC objects are not served"). Each missing one is
 * registered with the behaviour the emulator gives any built-in without special rules
 * (storage, strict top-level field validation, watch, tables), so that `kubectl apply` of the
 * manifests is checked for everything else. Kinds the emulator serves itself are left alone.
 * The ServiceMonitor is a custom resource: `SERVICE_MONITOR_CRD` stands in for the
 * Prometheus Operator's CRD.
 */

interface MissingKind {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  fields: string[];
}

const KINDS: readonly MissingKind[] = [
  {
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    namespaced: true,
    fields: ['spec', 'status'],
  },
  {
    group: 'policy',
    version: 'v1',
    resource: 'poddisruptionbudgets',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    fields: ['spec', 'status'],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    kind: 'Ingress',
    namespaced: true,
    fields: ['spec', 'status'],
  },
  ...(
    [
      ['roles', 'Role', true, ['rules']],
      ['clusterroles', 'ClusterRole', false, ['rules', 'aggregationRule']],
      ['rolebindings', 'RoleBinding', true, ['roleRef', 'subjects']],
      ['clusterrolebindings', 'ClusterRoleBinding', false, ['roleRef', 'subjects']],
    ] as const
  ).map(([resource, kind, namespaced, fields]) => ({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource,
    kind,
    namespaced,
    fields: [...fields],
  })),
];

/** Registers the kinds the emulator lacks; returns their kinds (for the record). */
export function serveMissingKinds(server: KubeApiServer): string[] {
  const registry = server.cluster.registry;
  const template = registry.find('', 'configmaps');
  if (!template) throw new Error('the emulator serves no ConfigMaps to model other kinds on');
  const added: string[] = [];
  for (const spec of KINDS) {
    if (registry.find(spec.group, spec.resource)) continue;
    const type: ResourceType = {
      ...template,
      group: spec.group,
      resource: spec.resource,
      singular: spec.kind.toLowerCase(),
      kind: spec.kind,
      listKind: `${spec.kind}List`,
      namespaced: spec.namespaced,
      shortNames: [],
      categories: [],
      versions: [{ ...template.versions[0]!, name: spec.version }],
      statusSubresource: spec.fields.includes('status'),
      extraSubresources: [],
      bucket: `${spec.group}/${spec.resource}`,
      strategy: {},
      topLevelFields: spec.fields,
    };
    registry.register(type);
    added.push(spec.kind);
  }
  return added;
}

export const SERVICE_MONITOR_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'servicemonitors.monitoring.coreos.com' },
  spec: {
    group: 'monitoring.coreos.com',
    scope: 'Namespaced',
    names: {
      plural: 'servicemonitors',
      singular: 'servicemonitor',
      kind: 'ServiceMonitor',
      listKind: 'ServiceMonitorList',
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        },
      },
    ],
  },
};
