import {
  daemonSetPrinter,
  deploymentPrinter,
  replicaSetPrinter,
  statefulSetPrinter,
} from './apps-printers.ts';
import { defaultPrinter } from './default-printer.ts';
import { coreEventPrinter, eventsV1EventPrinter } from './event-printer.ts';
import { podPrinter } from './pod-printer.ts';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac-printers.ts';
import { convertorOf, type Printer } from './printer.ts';
import {
  configMapPrinter,
  leasePrinter,
  namespacePrinter,
  secretPrinter,
  serviceAccountPrinter,
} from './simple-printers.ts';
import type { TableConvertor } from './types.ts';

/** Built-in kinds with a printer, keyed `group/Kind` (`/Pod` for the core group). */
const PRINTERS: ReadonlyMap<string, Printer> = new Map([
  ['/Namespace', namespacePrinter],
  ['/Secret', secretPrinter],
  ['/ConfigMap', configMapPrinter],
  ['/ServiceAccount', serviceAccountPrinter],
  ['/Pod', podPrinter],
  ['/Event', coreEventPrinter],
  ['events.k8s.io/Event', eventsV1EventPrinter],
  ['apps/Deployment', deploymentPrinter],
  ['apps/ReplicaSet', replicaSetPrinter],
  ['apps/StatefulSet', statefulSetPrinter],
  ['apps/DaemonSet', daemonSetPrinter],
  ['coordination.k8s.io/Lease', leasePrinter],
  // The real server serves CRDs with the default convertor: Name, Created At.
  ['apiextensions.k8s.io/CustomResourceDefinition', defaultPrinter],
  // Role and ClusterRole print Name and Created At upstream too.
  ['rbac.authorization.k8s.io/Role', defaultPrinter],
  ['rbac.authorization.k8s.io/ClusterRole', defaultPrinter],
  ['rbac.authorization.k8s.io/RoleBinding', roleBindingPrinter],
  ['rbac.authorization.k8s.io/ClusterRoleBinding', clusterRoleBindingPrinter],
]);

/**
 * The convertor with the column set kubectl's server-side printers use for `group`/`kind`
 * (group `''` for core), or undefined when the kind has no printer here — the caller then uses
 * defaultTableConvertor().
 */
export function builtinTableConvertor(group: string, kind: string): TableConvertor | undefined {
  const printer = PRINTERS.get(`${group}/${kind}`);
  return printer ? convertorOf(printer) : undefined;
}
