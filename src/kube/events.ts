import { systemClock, type Clock } from '../runtime/index.ts';
import { isNotFound } from './api-error.ts';
import type { KubeClient } from './client.ts';

/**
 * Kubernetes Events as `kubectl describe` shows them (core/v1: firstTimestamp, lastTimestamp,
 * count, source.component, reportingComponent), written in the background:
 *
 * - the same (object, type, reason, message) again within 10 minutes of its last occurrence
 *   patches `count` and `lastTimestamp` of the existing Event instead of creating another;
 * - each object has a token bucket (25 events, one more every 5 minutes, like client-go's
 *   spam filter), so a hot reconcile loop cannot flood the API; excess events are dropped;
 * - at most 8 writes are in flight and 1,000 wait (client-go's broadcaster buffers 1,000 too);
 *   beyond that, events are dropped rather than held in memory while the API server is slow.
 *
 * Messages are shown to anyone who can read Events: they must never carry a secret value.
 */

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects; their Events go to `default`, as client-go does. */
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Queues the event and returns at once; never throws (failures go to `onError`). */
  record(involved: InvolvedObject, type: EventType, reason: string, message: string): void;
}

export interface EventRecorderOptions {
  /** `source.component` and `reportingComponent`, e.g. `kvsync`. */
  component: string;
  /** `reportingInstance`, e.g. the pod name; default unset. */
  instance?: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Told about failed writes; default: ignored. */
  onError?: (error: unknown) => void;
}

export interface FlushableEventRecorder extends EventRecorder {
  /** Resolves once every queued write has finished (successfully or not). */
  flush(): Promise<void>;
  /** Events dropped by the per-object rate limit or a full backlog since creation. */
  dropped(): number;
}

const AGGREGATION_WINDOW_MS = 10 * 60_000;
const BURST = 25;
const REFILL_EVERY_MS = 5 * 60_000;
const MAX_TRACKED = 4096;
const MAX_MESSAGE_CHARS = 1024;
const MAX_IN_FLIGHT = 8;
const MAX_WAITING = 1000;

interface Series {
  namespace: string;
  name: string;
  count: number;
  lastSeenMs: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** metav1.Time: RFC 3339 with second precision, as the API server writes it back. */
function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const objectKey = (o: InvolvedObject) =>
  JSON.stringify([o.apiVersion, o.kind, o.namespace ?? '', o.name, o.uid ?? '']);

interface Occurrence {
  key: string;
  involved: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
  nowMs: number;
}

/** Keeps at most MAX_TRACKED entries, dropping the least recently set. */
function setBounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
}

class KubeEventRecorder implements FlushableEventRecorder {
  readonly #client: KubeClient;
  readonly #options: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #series = new Map<string, Series>();
  readonly #buckets = new Map<string, Bucket>();
  readonly #pending = new Map<string, Promise<void>>();
  /** Recorded events not yet written (waiting or in flight). */
  #unwritten = 0;
  #inFlight = 0;
  readonly #waitingForSlot: Array<() => void> = [];
  #sequence = 0;
  #dropped = 0;

  constructor(client: KubeClient, options: EventRecorderOptions) {
    this.#client = client;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  record(involved: InvolvedObject, type: EventType, reason: string, message: string): void {
    try {
      const nowMs = this.#clock.now();
      if (this.#unwritten >= MAX_IN_FLIGHT + MAX_WAITING || !this.#admit(objectKey(involved), nowMs)) {
        this.#dropped += 1;
        return;
      }
      const key = JSON.stringify([objectKey(involved), type, reason, message]);
      const occurrence: Occurrence = { key, involved, type, reason, message, nowMs };
      const previous = this.#pending.get(key) ?? Promise.resolve();
      this.#unwritten += 1;
      const next = previous
        .then(() => this.#inSlot(() => this.#write(occurrence)))
        .catch((error: unknown) => this.#report(error))
        .finally(() => (this.#unwritten -= 1));
      this.#pending.set(key, next);
      void next.then(() => {
        if (this.#pending.get(key) === next) this.#pending.delete(key);
      });
    } catch (error) {
      this.#report(error);
    }
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending.values());
  }

  dropped(): number {
    return this.#dropped;
  }

  /** Runs `write` in one of MAX_IN_FLIGHT slots; a finished write hands its slot to the next. */
  async #inSlot(write: () => Promise<void>): Promise<void> {
    if (this.#inFlight < MAX_IN_FLIGHT) this.#inFlight += 1;
    else await new Promise<void>((resolve) => this.#waitingForSlot.push(resolve));
    try {
      await write();
    } finally {
      const next = this.#waitingForSlot.shift();
      if (next) next();
      else this.#inFlight -= 1;
    }
  }

  /** Takes a token from the object's bucket; false when it is empty. */
  #admit(key: string, nowMs: number): boolean {
    const bucket = this.#buckets.get(key) ?? { tokens: BURST, updatedMs: nowMs };
    bucket.tokens = Math.min(BURST, bucket.tokens + (nowMs - bucket.updatedMs) / REFILL_EVERY_MS);
    bucket.updatedMs = nowMs;
    setBounded(this.#buckets, key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Patches the running series of this event, or starts a new one. */
  async #write(occurrence: Occurrence): Promise<void> {
    const existing = this.#series.get(occurrence.key);
    if (existing && occurrence.nowMs - existing.lastSeenMs <= AGGREGATION_WINDOW_MS) {
      try {
        const ref = { apiVersion: 'v1', kind: 'Event', namespace: existing.namespace, name: existing.name };
        await this.#client.mergePatch(ref, {
          count: existing.count + 1,
          lastTimestamp: formatTime(occurrence.nowMs),
        });
        existing.count += 1;
        existing.lastSeenMs = occurrence.nowMs;
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error; // the Event expired: start a new series
      }
    }
    this.#series.delete(occurrence.key);
    await this.#create(occurrence);
  }

  async #create({ key, involved, type, reason, message, nowMs }: Occurrence): Promise<void> {
    const namespace = involved.namespace || 'default';
    const name = this.#eventName(involved.name, nowMs);
    const { resourceVersion, uid, ...ref } = involved;
    await this.#client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { ...ref, ...(uid ? { uid } : {}), ...(resourceVersion ? { resourceVersion } : {}) },
      type,
      reason,
      message: message.slice(0, MAX_MESSAGE_CHARS),
      source: { component: this.#options.component },
      reportingComponent: this.#options.component,
      ...(this.#options.instance ? { reportingInstance: this.#options.instance } : {}),
      firstTimestamp: formatTime(nowMs),
      lastTimestamp: formatTime(nowMs),
      count: 1,
    });
    setBounded(this.#series, key, { namespace, name, count: 1, lastSeenMs: nowMs });
  }

  /** `<object name>.<hex nanoseconds>`, as client-go names Events. */
  #eventName(objectName: string, nowMs: number): string {
    this.#sequence += 1;
    const suffix = (BigInt(nowMs) * 1_000_000n + BigInt(this.#sequence % 1_000_000)).toString(16);
    return `${objectName.slice(0, 253 - suffix.length - 1)}.${suffix}`;
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // Reporting must not throw into the caller.
    }
  }
}

/** A recorder writing core/v1 Events through `client`. The caller may `flush()` before exit. */
export function createEventRecorder(
  client: KubeClient,
  options: EventRecorderOptions,
): FlushableEventRecorder {
  return new KubeEventRecorder(client, options);
}
