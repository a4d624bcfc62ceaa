import type { KubeObject } from '../../types.ts';
import type { ResourceStrategy } from '../resource-type.ts';

/**
 * Events are stored once, in the core/v1 shape, and served through both core/v1 and
 * events.k8s.io/v1, as the real apiserver does: an operator may write events.k8s.io while
 * `kubectl describe` reads core Events by `involvedObject`.
 */

/** events.k8s.io/v1 field ↔ core/v1 field. */
const RENAMES: [v1: string, core: string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedCount', 'count'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['reportingController', 'reportingComponent'],
];

function rename(object: KubeObject, pairs: [from: string, to: string][]): KubeObject {
  const out: KubeObject = { ...object };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

export function eventsV1ToCore(event: KubeObject): KubeObject {
  return rename(event, RENAMES);
}

export function eventsV1FromCore(event: KubeObject): KubeObject {
  return rename(
    event,
    RENAMES.map(([v1, core]) => [core, v1]),
  );
}

export const coreEventStrategy: ResourceStrategy = {
  prepareForCreate(event) {
    const involved = event['involvedObject'] as Record<string, unknown> | undefined;
    if (involved && involved['namespace'] === undefined && event.metadata.namespace) {
      involved['namespace'] = event.metadata.namespace;
    }
  },
};
