import type { KubeObject } from '../types.ts';
import * as doc from './descriptions.ts';
import { numberAt, objectAt, objectsAt, stringAt, valueAt, type JsonObject } from './fields.ts';
import { ageColumn, ageOf, column, nameColumn, timeSince, type Printer } from './printer.ts';
import type { TableRowCondition } from './types.ts';

/**
 * The Pod printer (`printPod`): Ready counts ready containers (sidecar init containers included),
 * Status is the phase unless a container explains better (`CrashLoopBackOff`, `Init:0/1`,
 * `Completed`, `Terminating`…), Restarts adds `(5m ago)` once a container has restarted.
 */

/** Where the status walk has got to. */
interface PodProgress {
  reason: string;
  ready: number;
  restarts: number;
  /** Epoch ms of the latest `lastState.terminated.finishedAt`, 0 when none. */
  lastRestartMs: number;
}

function isSidecar(container: JsonObject | undefined): boolean {
  return stringAt(container, 'restartPolicy') === 'Always';
}

function conditionIsTrue(pod: KubeObject, type: string): boolean {
  return objectsAt(pod, 'status', 'conditions').some((c) => c['type'] === type && c['status'] === 'True');
}

function lastTerminationMs(status: JsonObject): number {
  const finishedAt = valueAt(status, 'lastState', 'terminated', 'finishedAt');
  const ms = typeof finishedAt === 'string' ? Date.parse(finishedAt) : Number.NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

function countRestart(progress: PodProgress, status: JsonObject): void {
  progress.restarts += numberAt(status, ['restartCount']);
  progress.lastRestartMs = Math.max(progress.lastRestartMs, lastTerminationMs(status));
}

function terminatedText(terminated: JsonObject): string {
  const reason = stringAt(terminated, 'reason');
  if (reason) return reason;
  const signal = numberAt(terminated, ['signal']);
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${numberAt(terminated, ['exitCode'])}`;
}

/** The Status text of the first init container that holds the pod back. */
function initBlocker(status: JsonObject, index: number, total: number): string {
  const terminated = objectAt(status, 'state', 'terminated');
  if (terminated) return `Init:${terminatedText(terminated)}`;
  const waiting = stringAt(status, 'state', 'waiting', 'reason');
  if (waiting && waiting !== 'PodInitializing') return `Init:${waiting}`;
  return `Init:${index}/${total}`;
}

/** Walks init container statuses; returns true while initialisation is still in progress. */
function walkInitContainers(pod: KubeObject, progress: PodProgress, sidecars: PodProgress): boolean {
  const specs = objectsAt(pod, 'spec', 'initContainers');
  const statuses = objectsAt(pod, 'status', 'initContainerStatuses');
  for (const [index, status] of statuses.entries()) {
    const spec = specs.find((c) => c['name'] === status['name']);
    countRestart(progress, status);
    if (isSidecar(spec)) countRestart(sidecars, status);
    const terminated = objectAt(status, 'state', 'terminated');
    if (terminated && numberAt(terminated, ['exitCode']) === 0) continue;
    if (isSidecar(spec) && status['started'] === true) {
      if (status['ready'] === true) progress.ready++;
      continue;
    }
    progress.reason = initBlocker(status, index, specs.length);
    return true;
  }
  return false;
}

/** Walks app container statuses from last to first, as upstream does (the first one wins). */
function walkContainers(pod: KubeObject, progress: PodProgress): void {
  let hasRunning = false;
  for (const status of objectsAt(pod, 'status', 'containerStatuses').reverse()) {
    countRestart(progress, status);
    const waiting = stringAt(status, 'state', 'waiting', 'reason');
    const terminated = objectAt(status, 'state', 'terminated');
    if (waiting) progress.reason = waiting;
    else if (terminated) progress.reason = terminatedText(terminated);
    else if (status['ready'] === true && objectAt(status, 'state', 'running')) {
      hasRunning = true;
      progress.ready++;
    }
  }
  if (progress.reason === 'Completed' && hasRunning) {
    progress.reason = conditionIsTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }
}

function initialReason(pod: KubeObject): string {
  let reason = stringAt(pod, 'status', 'reason') || stringAt(pod, 'status', 'phase');
  for (const condition of objectsAt(pod, 'status', 'conditions')) {
    if (condition['type'] === 'PodScheduled' && condition['reason'] === 'SchedulingGated') {
      reason = 'SchedulingGated';
    }
  }
  return reason;
}

function finalReason(pod: KubeObject, reason: string): string {
  if (!pod.metadata.deletionTimestamp) return reason;
  if (stringAt(pod, 'status', 'reason') === 'NodeLost') return 'Unknown';
  const phase = stringAt(pod, 'status', 'phase');
  return phase === 'Succeeded' || phase === 'Failed' ? reason : 'Terminating';
}

/** Ready, Status and Restarts of a pod. */
export function podSummary(pod: KubeObject, now: Date): { ready: string; status: string; restarts: string } {
  const progress: PodProgress = { reason: initialReason(pod), ready: 0, restarts: 0, lastRestartMs: 0 };
  const sidecars: PodProgress = { reason: '', ready: 0, restarts: 0, lastRestartMs: 0 };
  const initializing = walkInitContainers(pod, progress, sidecars);
  if (!initializing || conditionIsTrue(pod, 'Initialized')) {
    progress.restarts = sidecars.restarts;
    progress.lastRestartMs = sidecars.lastRestartMs;
    walkContainers(pod, progress);
  }
  const sidecarCount = objectsAt(pod, 'spec', 'initContainers').filter(isSidecar).length;
  const total = objectsAt(pod, 'spec', 'containers').length + sidecarCount;
  let restarts = String(progress.restarts);
  if (progress.restarts !== 0 && progress.lastRestartMs !== 0) {
    restarts += ` (${timeSince(new Date(progress.lastRestartMs).toISOString(), now)} ago)`;
  }
  return { ready: `${progress.ready}/${total}`, status: finalReason(pod, progress.reason), restarts };
}

/** `<none>`, or `true/total` readiness gates whose condition is True. */
function readinessGates(pod: KubeObject): string {
  const gates = objectsAt(pod, 'spec', 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = objectsAt(pod, 'status', 'conditions');
  const passing = gates.filter((gate) => {
    const condition = conditions.find((c) => c['type'] === gate['conditionType']);
    return condition?.['status'] === 'True';
  }).length;
  return `${passing}/${gates.length}`;
}

function podIp(pod: KubeObject): string {
  const first = objectsAt(pod, 'status', 'podIPs')[0];
  return stringAt(first, 'ip') || stringAt(pod, 'status', 'podIP') || '<none>';
}

function rowConditions(pod: KubeObject): TableRowCondition[] | undefined {
  const phase = stringAt(pod, 'status', 'phase');
  if (phase === 'Succeeded') {
    return [
      { type: 'Completed', status: 'True', reason: phase, message: 'The pod has completed successfully.' },
    ];
  }
  if (phase === 'Failed')
    return [{ type: 'Completed', status: 'True', reason: phase, message: 'The pod failed.' }];
  return undefined;
}

const WIDE = { priority: 1 };

export const podPrinter: Printer = {
  columns: [
    nameColumn(),
    column('Ready', doc.POD_READY),
    column('Status', doc.POD_STATUS),
    column('Restarts', doc.POD_RESTARTS),
    ageColumn(),
    column('IP', doc.POD_IP, WIDE),
    column('Node', doc.POD_NODE_NAME, WIDE),
    column('Nominated Node', doc.POD_NOMINATED_NODE_NAME, WIDE),
    column('Readiness Gates', doc.POD_READINESS_GATES, WIDE),
  ],
  row: (pod, now) => {
    const { ready, status, restarts } = podSummary(pod, now);
    const cells = [pod.metadata.name ?? '', ready, status, restarts, ageOf(pod, now), podIp(pod)];
    cells.push(stringAt(pod, 'spec', 'nodeName') || '<none>');
    cells.push(stringAt(pod, 'status', 'nominatedNodeName') || '<none>', readinessGates(pod));
    const conditions = rowConditions(pod);
    return conditions ? { cells, conditions } : { cells };
  },
};
