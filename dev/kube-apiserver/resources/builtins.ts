import { builtin } from './builtin-type.ts';
import { rbacResourceTypes, reviewResourceTypes } from './builtins-rbac.ts';
import type { ResourceStrategy, ResourceType, SubresourceInfo } from './resource-type.ts';
import { secretStrategy, configMapStrategy } from './strategies/data-objects.ts';
import { deploymentStrategy, replicatedStrategy } from './strategies/workloads.ts';
import { leaseStrategy } from './strategies/lease.ts';
import { coreEventStrategy, eventsV1FromCore, eventsV1ToCore } from './strategies/events.ts';
import { namespaceStrategy, podStrategy } from './strategies/core.ts';
import { crdStrategy } from './strategies/crd.ts';

/** The built-in kinds the emulator serves, with the rules that make each behave like the real one. */

const scale: SubresourceInfo = {
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
};

function workload(
  resource: string,
  kind: string,
  shortNames: string[],
  strategy: ResourceStrategy,
): ResourceType {
  return builtin({
    group: 'apps',
    version: 'v1',
    resource,
    kind,
    namespaced: true,
    shortNames,
    categories: ['all'],
    generation: kind === 'Deployment' ? 'spec-or-annotations' : 'spec',
    statusSubresource: true,
    extraSubresources: kind === 'DaemonSet' ? [] : [scale],
    strategy,
    fields: ['spec', 'status'],
  });
}

export function builtinResourceTypes(): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      fields: ['spec', 'status'],
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      strategy: namespaceStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'secrets',
      fields: ['data', 'stringData', 'type', 'immutable'],
      kind: 'Secret',
      namespaced: true,
      strategy: secretStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'configmaps',
      fields: ['data', 'binaryData', 'immutable'],
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
      strategy: configMapStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'serviceaccounts',
      fields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
      kind: 'ServiceAccount',
      namespaced: true,
      shortNames: ['sa'],
      returnDeletedObject: true,
      extraSubresources: [
        {
          name: 'token',
          kind: 'TokenRequest',
          group: 'authentication.k8s.io',
          version: 'v1',
          verbs: ['create'],
        },
      ],
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'pods',
      fields: ['spec', 'status'],
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
      statusSubresource: true,
      returnDeletedObject: true,
      strategy: podStrategy,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'events',
      fields: [
        'involvedObject',
        'reason',
        'message',
        'source',
        'firstTimestamp',
        'lastTimestamp',
        'count',
        'type',
        'eventTime',
        'series',
        'action',
        'related',
        'reportingComponent',
        'reportingInstance',
      ],
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      strategy: coreEventStrategy,
    }),
    builtin({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
      fields: [
        'eventTime',
        'series',
        'reportingController',
        'reportingInstance',
        'action',
        'reason',
        'regarding',
        'related',
        'note',
        'type',
        'deprecatedSource',
        'deprecatedFirstTimestamp',
        'deprecatedLastTimestamp',
        'deprecatedCount',
      ],
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      bucket: '/events',
      toStorage: eventsV1ToCore,
      fromStorage: eventsV1FromCore,
    }),
    workload('deployments', 'Deployment', ['deploy'], deploymentStrategy),
    workload('replicasets', 'ReplicaSet', ['rs'], replicatedStrategy),
    workload('statefulsets', 'StatefulSet', ['sts'], replicatedStrategy),
    workload('daemonsets', 'DaemonSet', ['ds'], replicatedStrategy),
    builtin({
      group: 'coordination.k8s.io',
      version: 'v1',
      resource: 'leases',
      fields: ['spec'],
      kind: 'Lease',
      namespaced: true,
      strategy: leaseStrategy,
    }),
    builtin({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      fields: ['spec', 'status'],
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      generation: 'spec',
      statusSubresource: true,
      strategy: crdStrategy,
    }),
    ...rbacResourceTypes(),
    ...reviewResourceTypes(),
  ];
}
