import { randomBytes } from 'node:crypto';
import type { EmulatorClock } from '../../contracts.ts';
import { AdminError } from '../errors.ts';
import { deliverBatch, type DeliveryContext, type DeliveryRecord } from './delivery.ts';
import {
  prepareEvent,
  vaultTopic,
  type ObjectEvent,
  type PreparedEvent,
  type TopicOptions,
} from './envelopes.ts';
import {
  createSubscription,
  subscriptionInfo,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionInfo,
} from './subscription.ts';
import { runHandshake } from './validation.ts';

/** Options of the Event Grid publisher; all have defaults. */
export interface EventGridOptions extends Partial<TopicOptions> {
  /** Multiplies every retry delay; 0.001 turns 10 s into 10 ms. Default 1. */
  retryScale?: number;
  /** CA certificates (PEM) trusted for HTTPS endpoints, instead of the system ones. */
  ca?: string | string[];
  /** How long a delivery waits for an answer; default 30,000 ms, as Event Grid. */
  deliveryTimeoutMs?: number;
  /** How long a handshake waits; default 30,000 ms. */
  validationTimeoutMs?: number;
  /** `WebHook-Request-Origin` of the CloudEvents handshake; default `eventgrid.azure.net`. */
  webhookRequestOrigin?: string;
  /** Records kept by `deliveries()`; older ones are dropped. Default 10,000. */
  maxDeliveryRecords?: number;
}

/** How long a manual validation URL stays valid (emulator clock). */
const MANUAL_VALIDATION_MS = 5 * 60_000;

/**
 * Emulated Event Grid system topics for the emulator's vaults: webhook subscriptions with the
 * schema handshakes, filtering, batching and scheduled retries. Timers are real (scaled by
 * `retryScale`); event times come from the emulator clock. `close()` stops all retries.
 */
export class EventGridPublisher {
  readonly #clock: EmulatorClock;
  readonly #options: Required<Omit<EventGridOptions, 'ca'>> & Pick<EventGridOptions, 'ca'>;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #queues = new Map<string, PreparedEvent[]>();
  readonly #log: DeliveryRecord[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #idleWaiters: Array<() => void> = [];
  readonly #abort = new AbortController();
  #pending = 0;
  #nextId = 1;
  #flushScheduled = false;
  #closed = false;
  #validationBaseUrl: string | undefined;

  constructor(clock: EmulatorClock, options: EventGridOptions = {}) {
    this.#clock = clock;
    const retryScale = options.retryScale ?? 1;
    if (!(Number.isFinite(retryScale) && retryScale >= 0))
      throw new RangeError('retryScale must be a number ≥ 0');
    this.#options = {
      azureSubscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'kvsync-dev',
      dataTimeFormat: 'number',
      deliveryTimeoutMs: 30_000,
      validationTimeoutMs: 30_000,
      webhookRequestOrigin: 'eventgrid.azure.net',
      maxDeliveryRecords: 10_000,
      ...options,
      retryScale,
    };
  }

  /** Base URL (the admin server's) under which manual validation URLs are offered; undefined offers none. */
  setValidationBaseUrl(url: string | undefined): void {
    this.#validationBaseUrl = url?.replace(/\/+$/, '');
  }

  /**
   * Creates a subscription and runs its handshake. Resolves with its state: `Succeeded`, or
   * `AwaitingManualAction` until the validation URL is visited. Rejects with
   * `InvalidSubscription` or `SubscriptionValidationFailed` (then nothing is kept).
   */
  async subscribe(options: SubscribeOptions): Promise<SubscriptionInfo> {
    const id = `sub-${this.#nextId++}`;
    const code = randomBytes(16).toString('hex').toUpperCase();
    const subscription = createSubscription(options, id, code, this.#clock.now());
    const taken = [...this.#subscriptions.values()].some((s) => s.name === subscription.name);
    if (taken)
      throw new AdminError('InvalidSubscription', `subscribe: the name '${subscription.name}' is taken`);
    this.#subscriptions.set(id, subscription);
    const base = this.#validationBaseUrl;
    try {
      subscription.state = await runHandshake(subscription, {
        topic: this.#topicOf(subscription),
        now: this.#clock.now(),
        ...(base ? { validationUrl: `${base}/eventgrid/validate?id=${id}&code=${code}` } : {}),
        webhookRequestOrigin: this.#options.webhookRequestOrigin,
        ...(this.#options.ca ? { ca: this.#options.ca } : {}),
        timeoutMs: this.#options.validationTimeoutMs,
        signal: this.#abort.signal,
      });
    } catch (error) {
      this.#subscriptions.delete(id);
      throw error;
    }
    subscription.validationDeadlineMs = this.#clock.now().getTime() + MANUAL_VALIDATION_MS;
    return subscriptionInfo(subscription);
  }

  #topicOf(subscription: Subscription): string {
    if (subscription.vault !== undefined) return vaultTopic(subscription.vault, this.#topicOptions());
    const { azureSubscriptionId, resourceGroup } = this.#options;
    return `/subscriptions/${azureSubscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.EventGrid/systemTopics/kvsync-dev`;
  }

  #topicOptions(): TopicOptions {
    const { azureSubscriptionId, resourceGroup, dataTimeFormat } = this.#options;
    return { azureSubscriptionId, resourceGroup, dataTimeFormat };
  }

  /** The manual validation URL's action: true when `code` matches and the URL has not expired. */
  validateManually(id: string, code: string): boolean {
    const subscription = this.#subscriptions.get(id);
    if (subscription?.state !== 'AwaitingManualAction' || subscription.validationCode !== code) return false;
    if (this.#clock.now().getTime() > (subscription.validationDeadlineMs ?? 0)) return false;
    subscription.state = 'Succeeded';
    return true;
  }

  /** Removes a subscription; its pending retries stop. False when unknown. */
  unsubscribe(id: string): boolean {
    this.#queues.delete(id);
    return this.#subscriptions.delete(id);
  }

  subscriptions(): SubscriptionInfo[] {
    return [...this.#subscriptions.values()].map(subscriptionInfo);
  }

  /** Queues `event` for every validated subscription that wants it; delivery starts on the next turn. */
  publish(event: ObjectEvent): void {
    if (this.#closed) return;
    const prepared = prepareEvent(event, this.#clock.now(), this.#topicOptions());
    for (const subscription of this.#subscriptions.values()) {
      if (!wants(subscription, prepared)) continue;
      const queue = this.#queues.get(subscription.id) ?? [];
      queue.push(prepared);
      this.#queues.set(subscription.id, queue);
    }
    if (this.#queues.size === 0 || this.#flushScheduled) return;
    this.#flushScheduled = true;
    this.#pending++;
    setImmediate(() => {
      this.#flushScheduled = false;
      this.#flush();
      this.#settle();
    });
  }

  #flush(): void {
    const context = this.#deliveryContext();
    for (const [id, events] of this.#queues) {
      const subscription = this.#subscriptions.get(id);
      if (!subscription) continue;
      for (const batch of batches(events, subscription)) {
        void context.track(deliverBatch(subscription, batch, context));
      }
    }
    this.#queues.clear();
  }

  #deliveryContext(): DeliveryContext {
    return {
      retryScale: this.#options.retryScale,
      timeoutMs: this.#options.deliveryTimeoutMs,
      signal: this.#abort.signal,
      ...(this.#options.ca ? { ca: this.#options.ca } : {}),
      record: (record) => {
        this.#log.push(record);
        if (this.#log.length > this.#options.maxDeliveryRecords) this.#log.shift();
      },
      later: (delayMs, task) => this.#later(delayMs, task),
      isActive: (subscription) => !this.#closed && this.#subscriptions.get(subscription.id) === subscription,
      track: (work) => {
        this.#pending++;
        return work.finally(() => this.#settle());
      },
    };
  }

  #later(delayMs: number, task: () => void): void {
    if (this.#closed) return;
    this.#pending++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
      this.#settle();
    }, delayMs);
    this.#timers.add(timer);
  }

  #settle(): void {
    this.#pending--;
    this.#wakeIfIdle();
  }

  #wakeIfIdle(): void {
    if (this.#pending > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /** Copies of the delivery records, oldest first, optionally for one subscription. */
  deliveries(filter: { subscriptionId?: string } = {}): DeliveryRecord[] {
    return this.#log
      .filter(
        (record) => filter.subscriptionId === undefined || record.subscriptionId === filter.subscriptionId,
      )
      .map((record) => structuredClone(record));
  }

  clearDeliveries(): void {
    this.#log.length = 0;
  }

  /** Resolves once no delivery is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retries and new deliveries, and aborts requests in flight. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#pending -= this.#timers.size;
    this.#timers.clear();
    this.#queues.clear();
    this.#wakeIfIdle();
  }
}

function wants(subscription: Subscription, event: PreparedEvent): boolean {
  if (subscription.state !== 'Succeeded') return false;
  if (subscription.vault !== undefined && subscription.vault.toLowerCase() !== event.vault.toLowerCase()) {
    return false;
  }
  return subscription.eventTypeSet === undefined || subscription.eventTypeSet.has(event.type);
}

/** Splits queued events into batches by count and preferred size (every batch holds at least one). */
function batches(events: PreparedEvent[], subscription: Subscription): PreparedEvent[][] {
  const maxBytes = subscription.preferredBatchSizeInKilobytes * 1024;
  const result: PreparedEvent[][] = [];
  let current: PreparedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event));
    const full =
      current.length >= subscription.maxEventsPerBatch || (current.length > 0 && bytes + size > maxBytes);
    if (full) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}
