import type { EmulatorHooks, VaultObjectEvent } from '../contracts.ts';
import { createShiftableClock, type ShiftableClock } from './clock.ts';
import { RequestCounters, type CountersSnapshot } from './counters.ts';
import type { DeliveryRecord } from './event-grid/delivery.ts';
import type { ObjectEvent } from './event-grid/envelopes.ts';
import { EventGridPublisher, type EventGridOptions } from './event-grid/publisher.ts';
import type { SubscribeOptions, SubscriptionInfo } from './event-grid/subscription.ts';
import { ExpiryWatcher } from './expiry.ts';
import { FaultRegistry, type FaultRule, type FaultRuleState } from './faults.ts';
import { createHooks } from './hooks.ts';
import { Throttler, type ThrottlingSettings, type ThrottlingUpdate } from './throttling.ts';

export { startAdminServer } from './admin-server.ts';
export { readJsonBody, sendJson } from './http-json.ts';
export type { AdminServer, AdminServerOptions, ExtraRoutes } from './admin-server.ts';
export { AdminError, type AdminErrorCode } from './errors.ts';
export { azureErrorBody, sendAzureError, THROTTLED_MESSAGE, type AzureErrorBody } from './azure-errors.ts';
export { createShiftableClock, type ShiftableClock } from './clock.ts';
export type { CounterEntry, CountersSnapshot } from './counters.ts';
export type { DeliveryOutcome, DeliveryRecord } from './event-grid/delivery.ts';
export type {
  EventSchema,
  KeyVaultEventData,
  KeyVaultEventName,
  ObjectEvent,
} from './event-grid/envelopes.ts';
export type { EventGridOptions } from './event-grid/publisher.ts';
export {
  DEFAULT_RETRY_SCHEDULE_MS,
  type SubscribeOptions,
  type SubscriptionInfo,
  type SubscriptionState,
  type WebhookSecret,
} from './event-grid/subscription.ts';
export { NEAR_EXPIRY_MS } from './expiry.ts';
export type { FaultRule, FaultRuleState, LatencyFault, ResetFault, StatusFault } from './faults.ts';
export { RESET_STATUS } from './hooks.ts';
export {
  DEFAULT_THROTTLING,
  type ThrottlingLimits,
  type ThrottlingSettings,
  type ThrottlingUpdate,
} from './throttling.ts';

/** Options of {@link createTestControls}; everything has a default. */
export interface TestControlsOptions {
  /** Base time source of the clock (ms since the epoch); default `Date.now`. */
  now?: () => number;
  /** Random source for fault probabilities, in [0, 1); default `Math.random`. */
  random?: () => number;
  /** Initial throttling settings; default off, Azure's limits. */
  throttling?: ThrottlingUpdate;
  /** Event Grid publisher options: `retryScale`, `ca`, timeouts, topic names. */
  eventGrid?: EventGridOptions;
}

/**
 * The Key Vault emulator's test controls. One instance per emulator; nothing is shared
 * between instances. The server gets `hooks`; tests and the admin API use the rest.
 */
export interface TestControls {
  /** For the server: faults and throttling before, counting after, events on change. */
  readonly hooks: EmulatorHooks;
  /** The emulator's clock; real time until shifted or set. */
  readonly clock: ShiftableClock;
  /** Adds a fault rule (checked in order of addition); returns its id. Throws `InvalidFaultRule`. */
  addFault(rule: FaultRule): string;
  /** Removes one rule; false when unknown. */
  removeFault(id: string): boolean;
  clearFaults(): void;
  /** The rules with how often each fired. */
  faults(): FaultRuleState[];
  throttling(): ThrottlingSettings;
  /** Merges settings (e.g. `{ enabled: true }`); turning it off forgets the windows. */
  setThrottling(update: ThrottlingUpdate): ThrottlingSettings;
  counters(): CountersSnapshot;
  resetCounters(): void;
  /** Subscribes a webhook and runs its handshake; see `EventGridPublisher.subscribe`. */
  subscribe(options: SubscribeOptions): Promise<SubscriptionInfo>;
  unsubscribe(id: string): boolean;
  subscriptions(): SubscriptionInfo[];
  /** Manual validation (the `validationUrl` of the Event Grid handshake). */
  validateSubscription(id: string, code: string): boolean;
  /** Publishes an event as if the vault had stored a change (same as `hooks.onObjectEvent`). */
  publish(event: ObjectEvent): void;
  /** Delivery attempts, oldest first. */
  deliveries(filter?: { subscriptionId?: string }): DeliveryRecord[];
  clearDeliveries(): void;
  /** Resolves when no delivery is queued, in flight or waiting to be retried. */
  deliveriesIdle(): Promise<void>;
  /** Stops watching an object for expiry (after delete or purge). */
  forgetObject(vault: string, objectType: ObjectEvent['objectType'], objectName: string): void;
  /** Where manual validation URLs point (set by `startAdminServer`); undefined offers none. */
  setAdminUrl(url: string | undefined): void;
  /** Stops timers and retries. Idempotent. */
  close(): void;
}

/** Creates the test controls of one emulator. The caller owns `close()`. */
export function createTestControls(options: TestControlsOptions = {}): TestControls {
  const clock = createShiftableClock(options.now);
  const faults = new FaultRegistry(options.random);
  const throttler = new Throttler();
  if (options.throttling) throttler.configure(options.throttling);
  const counters = new RequestCounters();
  const publisher = new EventGridPublisher(clock, options.eventGrid);
  const expiry = new ExpiryWatcher(clock, (event) => publisher.publish(event));
  const publish = (event: ObjectEvent | VaultObjectEvent): void => {
    try {
      expiry.observe(event);
      publisher.publish(event);
    } catch {
      // Events are best effort: a publisher fault must never fail the vault's write.
    }
  };
  const hooks = createHooks({ clock, faults, throttler, counters, onObjectEvent: publish });
  return {
    hooks,
    clock,
    addFault: (rule) => faults.add(rule),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    throttling: () => throttler.settings(),
    setThrottling: (update) => throttler.configure(update),
    counters: () => counters.snapshot(),
    resetCounters: () => counters.reset(),
    subscribe: (subscribeOptions) => publisher.subscribe(subscribeOptions),
    unsubscribe: (id) => publisher.unsubscribe(id),
    subscriptions: () => publisher.subscriptions(),
    validateSubscription: (id, code) => publisher.validateManually(id, code),
    publish,
    deliveries: (filter) => publisher.deliveries(filter),
    clearDeliveries: () => publisher.clearDeliveries(),
    deliveriesIdle: () => publisher.idle(),
    forgetObject: (vault, objectType, objectName) => expiry.forget(vault, objectType, objectName),
    setAdminUrl: (url) => publisher.setValidationBaseUrl(url),
    close: () => {
      expiry.close();
      publisher.close();
    },
  };
}
