/**
 * The only code that talks to the Kubernetes API server: a JSON client over client-node's
 * authentication, list/watch sources for the runtime's informers, a Lease lock for leader
 * election, and an Event recorder.
 */
export { createKubeClient, type DeleteOptions, type KubeClient, type KubeClientOptions } from './client.ts';
export {
  KubeApiError,
  isAlreadyExists,
  isConflict,
  isKubeApiError,
  isNotFound,
  type StatusBody,
} from './api-error.ts';
export { BUILTIN_KINDS, collectionPath, objectPath, type KindInfo } from './kinds.ts';
export { toMicroTime } from './lease-lock.ts';
export { listWatchInNamespaces } from './namespaces-list-watch.ts';
export {
  createEventRecorder,
  type EventRecorder,
  type EventRecorderOptions,
  type EventType,
  type FlushableEventRecorder,
  type InvolvedObject,
} from './events.ts';
export type { KubeObject, ListScope, ObjectRef } from './types.ts';
