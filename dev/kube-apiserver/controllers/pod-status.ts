import { createHash } from 'node:crypto';
import { formatTime } from '../api/objects.ts';
import type { KubeObject } from '../types.ts';
import { statusOf, type Condition, type Json } from './workload-helpers.ts';

/**
 * The pod status the simulated kubelet reports for each behaviour. Pure functions of the pod, the
 * behaviour and the time: timestamps already in the status are kept, so recomputing changes
 * nothing until the behaviour or the time calls for it.
 */

/**
 * Annotation, on a pod or on a workload's pod template, that changes what the kubelet makes of
 * the pod. Values: `not-ready` (Running, never Ready), `crash-loop` (containers restart in
 * CrashLoopBackOff, never Ready), `fail` (phase Failed). Absent or any other value: Running and Ready.
 */
export const POD_BEHAVIOR_ANNOTATION = 'emulator.kvsync.io/behavior';

export type PodBehavior = 'ready' | 'not-ready' | 'crash-loop' | 'fail';

/** Crash-loop back-off as the kubelet applies it: 10 s, doubling, at most 5 minutes. */
export const CRASH_LOOP_BASE_DELAY_MS = 10_000;
export const CRASH_LOOP_MAX_DELAY_MS = 300_000;

export const HOST_IP = '172.18.0.2';

export function podBehavior(pod: KubeObject): PodBehavior {
  const value = pod.metadata.annotations?.[POD_BEHAVIOR_ANNOTATION];
  return value === 'not-ready' || value === 'crash-loop' || value === 'fail' ? value : 'ready';
}

/** How often a crash-looping container has restarted after `elapsedMs`, and when it restarts next. */
export function crashLoopRestarts(elapsedMs: number): { restartCount: number; nextRestartInMs: number } {
  let restartCount = 0;
  let atMs = 0;
  for (;;) {
    const delay = Math.min(CRASH_LOOP_BASE_DELAY_MS * 2 ** restartCount, CRASH_LOOP_MAX_DELAY_MS);
    if (atMs + delay > elapsedMs) return { restartCount, nextRestartInMs: atMs + delay - elapsedMs };
    atMs += delay;
    restartCount += 1;
  }
}

export interface PodStatusInput {
  pod: KubeObject;
  behavior: PodBehavior;
  now: Date;
  /** The pod IP to use when the pod has none yet. */
  podIP: string;
}

/** The status to report, and when to look again (crash-loop restarts). */
export function desiredPodStatus(input: PodStatusInput): { status: Json; recheckInMs?: number } {
  const { pod, behavior, now } = input;
  const previous = statusOf(pod);
  const startTime = (previous['startTime'] as string | undefined) ?? formatTime(now);
  const podIP = (previous['podIP'] as string | undefined) ?? input.podIP;
  const ready = behavior === 'ready';
  const containers = containerStatuses(pod, behavior, startTime, now);
  const status: Json = {
    ...previous,
    phase: behavior === 'fail' ? 'Failed' : 'Running',
    conditions: podConditions(pod, ready, behavior === 'fail', formatTime(now)),
    hostIP: HOST_IP,
    hostIPs: [{ ip: HOST_IP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime,
    containerStatuses: containers.statuses,
  };
  return containers.recheckInMs === undefined ? { status } : { status, recheckInMs: containers.recheckInMs };
}

function podConditions(pod: KubeObject, ready: boolean, failed: boolean, nowText: string): Condition[] {
  const previous = (statusOf(pod)['conditions'] ?? []) as Condition[];
  const names = containerNames(pod);
  const notReady = failed
    ? { reason: 'PodFailed' }
    : { reason: 'ContainersNotReady', message: `containers with unready status: [${names.join(' ')}]` };
  const make = (
    type: string,
    status: boolean,
    why: { reason?: string; message?: string } = {},
  ): Condition => {
    const value = status ? 'True' : 'False';
    const old = previous.find((c) => c.type === type);
    const lastTransitionTime =
      old?.status === value && old.lastTransitionTime ? old.lastTransitionTime : nowText;
    return { type, status: value, lastProbeTime: null, lastTransitionTime, ...(status ? {} : why) };
  };
  return [
    make('PodReadyToStartContainers', !failed),
    make('Initialized', true),
    make('Ready', ready, notReady),
    make('ContainersReady', ready, notReady),
    make('PodScheduled', true),
  ];
}

function containerNames(pod: KubeObject): string[] {
  const spec = (pod['spec'] ?? {}) as Json;
  return ((spec['containers'] ?? []) as Json[]).map((c) => String(c['name']));
}

function containerStatuses(
  pod: KubeObject,
  behavior: PodBehavior,
  startTime: string,
  now: Date,
): { statuses: Json[]; recheckInMs?: number } {
  const spec = (pod['spec'] ?? {}) as Json;
  const restarts =
    behavior === 'crash-loop' ? crashLoopRestarts(now.getTime() - Date.parse(startTime)) : undefined;
  const statuses = ((spec['containers'] ?? []) as Json[]).map((container) => {
    const name = String(container['name']);
    const image = String(container['image']);
    const containerID = `containerd://${digest(`${pod.metadata.uid}/${name}`)}`;
    const base = { name, image, imageID: imageId(image), containerID };
    const terminated = {
      exitCode: 1,
      reason: 'Error',
      startedAt: startTime,
      finishedAt: startTime,
      containerID,
    };
    if (behavior === 'fail') {
      return { ...base, ready: false, started: false, restartCount: 0, state: { terminated }, lastState: {} };
    }
    if (restarts)
      return { ...base, ...crashLooping(pod, name, restarts.restartCount), lastState: { terminated } };
    const state = { running: { startedAt: startTime } };
    return { ...base, ready: behavior === 'ready', started: true, restartCount: 0, state, lastState: {} };
  });
  return restarts ? { statuses, recheckInMs: restarts.nextRestartInMs } : { statuses };
}

function crashLooping(pod: KubeObject, container: string, restartCount: number): Json {
  const backoffSeconds =
    Math.min(CRASH_LOOP_BASE_DELAY_MS * 2 ** restartCount, CRASH_LOOP_MAX_DELAY_MS) / 1000;
  const message = `back-off ${backoffSeconds}s restarting failed container=${container} pod=${pod.metadata.name}`;
  return {
    ready: false,
    started: false,
    restartCount,
    state: { waiting: { reason: 'CrashLoopBackOff', message } },
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A plausible image ID: the repository with a digest derived from the image reference. */
function imageId(image: string): string {
  const repository = image.replace(/[:@].*$/, '');
  const qualified = repository.includes('/') ? repository : `library/${repository}`;
  const registry = qualified.split('/')[0]!.includes('.') ? '' : 'docker.io/';
  return `${registry}${qualified}@sha256:${digest(image)}`;
}
