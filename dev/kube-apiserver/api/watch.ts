import { expired } from '../errors.ts';
import { groupVersion, type ResourceType } from '../resources/resource-type.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import { buildFilter, type ListOptions } from './list.ts';
import type { ObjectApi, Target } from './object-api.ts';

/**
 * Watch semantics on top of the store: initial ADDED events or a replay from a resourceVersion,
 * then live changes, with selectors applied the way the apiserver does (an object that stops
 * matching is DELETED for that watcher, one that starts matching is ADDED).
 */

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  /** Served form. Frozen and shared between watchers: never mutate it. */
  object: KubeObject;
}

export interface WatchRequest extends ListOptions {
  resourceVersion?: string | undefined;
}

export interface WatchSubscription {
  stop(): void;
}

const servedViews = new WeakMap<KubeObject, Map<string, KubeObject>>();

/** A frozen served view of a stored (frozen) object, computed once per object and version. */
function servedView(type: ResourceType, version: string, stored: KubeObject): KubeObject {
  let views = servedViews.get(stored);
  if (!views) servedViews.set(stored, (views = new Map()));
  let view = views.get(version);
  if (!view) {
    const converted = type.fromStorage ? type.fromStorage(stored) : stored;
    view = Object.freeze({ ...converted, apiVersion: groupVersion(type.group, version), kind: type.kind });
    views.set(version, view);
  }
  return view;
}

function translate(
  event: StoreEvent,
  toView: (o: KubeObject) => KubeObject,
  filter: (o: KubeObject) => boolean,
): WatchEvent | undefined {
  const now = toView(event.object);
  if (event.type === 'ADDED') return filter(now) ? { type: 'ADDED', object: now } : undefined;
  const before = event.previous && filter(toView(event.previous));
  if (event.type === 'DELETED') return before ? { type: 'DELETED', object: now } : undefined;
  const after = filter(now);
  if (before && after) return { type: 'MODIFIED', object: now };
  if (after) return { type: 'ADDED', object: now };
  if (before) return { type: 'DELETED', object: now };
  return undefined;
}

function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const rv = Number(value);
  return Number.isInteger(rv) && rv >= 0 ? rv : undefined;
}

/**
 * Starts a watch: delivers the initial or replayed events synchronously through `onEvent`, then
 * live ones until `stop()`. Throws a 410 Expired Status when `resourceVersion` is older than the
 * history reaches.
 */
export function startWatch(
  api: ObjectApi,
  target: Target,
  request: WatchRequest,
  onEvent: (event: WatchEvent) => void,
): WatchSubscription {
  const { type, version } = target;
  const namespace = type.namespaced ? target.namespace : undefined;
  const filter = buildFilter(type, namespace, request);
  const toView = (o: KubeObject) => servedView(type, version, o);
  const from = parseResourceVersion(request.resourceVersion);
  if (from === undefined) {
    for (const stored of api.store.list(type.bucket, namespace)) {
      const object = toView(stored);
      if (filter(object)) onEvent({ type: 'ADDED', object });
    }
  } else {
    const history = api.store.eventsSince(type.bucket, from);
    if ('expired' in history) throw expired(String(from), String(api.store.resourceVersion));
    for (const event of history.events) {
      const translated = translate(event, toView, filter);
      if (translated) onEvent(translated);
    }
  }
  const unsubscribe = api.store.subscribe(type.bucket, (event) => {
    const translated = translate(event, toView, filter);
    if (translated) onEvent(translated);
  });
  return { stop: unsubscribe };
}
