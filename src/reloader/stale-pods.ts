import { isFixedAtStart, sourceUses } from './references.ts';
import type { StalePodState } from './state.ts';
import type { ContainerStatus, PodObject } from './types.ts';
import { podWorkload } from './workload-kinds.ts';

/**
 * Stale pods: running pods whose containers read a Secret at start (env, envFrom, a subPath
 * mount) before its current data arrived. Each managed Secret carries a short history of its
 * data (`kvsync.io/data-observed`: hash and when kvsync first saw it, newest first); a container
 * ran with the data current when it started, and is stale when that is not the data now. So a
 * pod started before a change that was then rolled back is not stale. A plain volume mount is
 * updated in place by the kubelet and never stale.
 *
 * Times have whole seconds, as container start times do; a container started in the same
 * second as a change counts as having the new data.
 */

export interface DataObservation {
  hash: string;
  /** RFC 3339, whole seconds. */
  at: string;
}

export const MAX_HISTORY = 5;

/** The history in the annotation, newest first; [] when absent or unreadable. */
export function parseDataHistory(text: string | undefined): DataObservation[] {
  try {
    const parsed = JSON.parse(text ?? '{}') as { history?: unknown };
    if (!Array.isArray(parsed.history)) return [];
    return parsed.history.filter(
      (entry): entry is DataObservation => typeof entry?.hash === 'string' && typeof entry?.at === 'string',
    );
  } catch {
    return [];
  }
}

export function formatDataHistory(history: readonly DataObservation[]): string {
  return JSON.stringify({ history });
}

const wholeSeconds = (ms: number) =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The history after seeing `hash` at `nowMs`, or undefined when it already starts with it. The
 * first entry of a Secret never seen takes its creation time (kvsync cannot know better, and
 * flagging every pod of the cluster when kvsync is installed would be wrong).
 */
export function nextDataHistory(
  history: readonly DataObservation[],
  hash: string,
  nowMs: number,
  createdAt: string | undefined,
): DataObservation[] | undefined {
  if (history[0]?.hash === hash) return undefined;
  const createdMs = createdAt ? Date.parse(createdAt) : NaN;
  const atMs = history.length === 0 && !Number.isNaN(createdMs) ? createdMs : nowMs;
  return [{ hash, at: wholeSeconds(atMs) }, ...history].slice(0, MAX_HISTORY);
}

/** The hash current at `startedMs`; undefined when that predates the history. */
export function hashAt(history: readonly DataObservation[], startedMs: number): string | undefined {
  return history.find((entry) => Date.parse(entry.at) <= startedMs)?.hash;
}

function runningSince(statuses: readonly ContainerStatus[], container: string): number | undefined {
  const startedAt = statuses.find((status) => status.name === container)?.state?.running?.startedAt;
  const ms = startedAt ? Date.parse(startedAt) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Names of the containers of `pod` that read Secret `secretName` at start. */
export function containersReadingAtStart(pod: PodObject, secretName: string): string[] {
  const names = sourceUses(pod.spec)
    .filter((use) => use.kind === 'Secret' && use.name === secretName && isFixedAtStart(use.via))
    .map((use) => use.container);
  return [...new Set(names)];
}

/** The stale pods among `pods` for Secret `secretName` holding `currentHash`. */
export function stalePods(
  secretName: string,
  currentHash: string,
  history: readonly DataObservation[],
  pods: readonly PodObject[],
): StalePodState[] {
  const stale: StalePodState[] = [];
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
      continue;
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const containers = containersReadingAtStart(pod, secretName).filter((container) => {
      const startedMs = runningSince(statuses, container);
      return startedMs !== undefined && hashAt(history, startedMs) !== currentHash;
    });
    if (containers.length === 0) continue;
    const owner = podWorkload(pod);
    const entry: StalePodState = { pod: pod.metadata.name ?? '', containers };
    if (owner) entry.workload = `${owner.kind}/${owner.name}`;
    stale.push(entry);
  }
  return stale.sort((a, b) => a.pod.localeCompare(b.pod));
}
