import { formatLabelRequirement, labelSelectorFromSpec, type LabelSelectorSpec } from '../selectors.ts';
import type { KubeObject } from '../types.ts';
import * as doc from './descriptions.ts';
import { numberAt, objectAt, objectsAt, stringAt } from './fields.ts';
import { ageColumn, ageOf, column, nameColumn, type Printer } from './printer.ts';

/**
 * Printers of the apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet. Replica
 * counts are integer cells; `spec.replicas` reads as 1 when unset, its API default.
 */

const WIDE = { priority: 1 };
const INTEGER = { type: 'integer' };

/** `layoutContainerCells`: names and images of the pod template's containers, comma-joined. */
function templateContainers(workload: KubeObject): [string, string] {
  const containers = objectsAt(workload, 'spec', 'template', 'spec', 'containers');
  return [
    containers.map((c) => stringAt(c, 'name')).join(','),
    containers.map((c) => stringAt(c, 'image')).join(','),
  ];
}

/**
 * `LabelSelectorAsSelector(...).String()`: requirements sorted by key and comma-joined; empty
 * for a missing or empty selector, `<invalid>` for one that does not parse.
 */
export function selectorText(workload: KubeObject): string {
  const selector = objectAt(workload, 'spec', 'selector');
  if (!selector) return '';
  try {
    return labelSelectorFromSpec(selector as LabelSelectorSpec)
      .map(formatLabelRequirement)
      .join(',');
  } catch {
    return '<invalid>';
  }
}

/** `labels.FormatLabels`: `k=v` pairs sorted by key and comma-joined, `<none>` when empty. */
export function formatLabels(labels: Record<string, unknown> | undefined): string {
  const pairs = Object.entries(labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${String(value)}`);
  return pairs.length ? pairs.join(',') : '<none>';
}

function desiredReplicas(workload: KubeObject): number {
  return numberAt(workload, ['spec', 'replicas'], 1);
}

function status(workload: KubeObject, field: string): number {
  return numberAt(workload, ['status', field]);
}

const containerColumns = [
  column('Containers', doc.TEMPLATE_CONTAINERS, WIDE),
  column('Images', doc.TEMPLATE_IMAGES, WIDE),
];

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Ready', doc.WORKLOAD_READY),
    column('Up-to-date', doc.DEPLOYMENT_UPDATED),
    column('Available', doc.DEPLOYMENT_AVAILABLE),
    ageColumn(),
    ...containerColumns,
    column('Selector', doc.DEPLOYMENT_SELECTOR, WIDE),
  ],
  row: (deployment, now) => ({
    cells: [
      deployment.metadata.name ?? '',
      `${status(deployment, 'readyReplicas')}/${desiredReplicas(deployment)}`,
      status(deployment, 'updatedReplicas'),
      status(deployment, 'availableReplicas'),
      ageOf(deployment, now),
      ...templateContainers(deployment),
      selectorText(deployment),
    ],
  }),
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Desired', doc.REPLICA_SET_DESIRED, INTEGER),
    column('Current', doc.REPLICA_SET_CURRENT, INTEGER),
    column('Ready', doc.REPLICA_SET_READY, INTEGER),
    ageColumn(),
    ...containerColumns,
    column('Selector', doc.REPLICA_SET_SELECTOR, WIDE),
  ],
  row: (replicaSet, now) => ({
    cells: [
      replicaSet.metadata.name ?? '',
      desiredReplicas(replicaSet),
      status(replicaSet, 'replicas'),
      status(replicaSet, 'readyReplicas'),
      ageOf(replicaSet, now),
      ...templateContainers(replicaSet),
      selectorText(replicaSet),
    ],
  }),
};

export const statefulSetPrinter: Printer = {
  columns: [nameColumn(), column('Ready', doc.WORKLOAD_READY), ageColumn(), ...containerColumns],
  row: (statefulSet, now) => ({
    cells: [
      statefulSet.metadata.name ?? '',
      `${status(statefulSet, 'readyReplicas')}/${desiredReplicas(statefulSet)}`,
      ageOf(statefulSet, now),
      ...templateContainers(statefulSet),
    ],
  }),
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Desired', doc.DAEMON_SET_DESIRED, INTEGER),
    column('Current', doc.DAEMON_SET_CURRENT, INTEGER),
    column('Ready', doc.DAEMON_SET_READY, INTEGER),
    column('Up-to-date', doc.DAEMON_SET_UPDATED, INTEGER),
    column('Available', doc.DAEMON_SET_AVAILABLE, INTEGER),
    column('Node Selector', doc.DAEMON_SET_NODE_SELECTOR),
    ageColumn(),
    ...containerColumns,
    column('Selector', doc.DAEMON_SET_SELECTOR, WIDE),
  ],
  row: (daemonSet, now) => ({
    cells: [
      daemonSet.metadata.name ?? '',
      status(daemonSet, 'desiredNumberScheduled'),
      status(daemonSet, 'currentNumberScheduled'),
      status(daemonSet, 'numberReady'),
      status(daemonSet, 'updatedNumberScheduled'),
      status(daemonSet, 'numberAvailable'),
      formatLabels(objectAt(daemonSet, 'spec', 'template', 'spec', 'nodeSelector')),
      ageOf(daemonSet, now),
      ...templateContainers(daemonSet),
      selectorText(daemonSet),
    ],
  }),
};
