/**
 * Handing decoded events to the operator's callbacks, once per event id. Ordering is not the
 * receiver's concern: Event Grid does not guarantee it, and the callbacks only enqueue a key
 * whose reconcile reads the vault's current state, so an older version arriving after a newer
 * one costs one reconcile that finds nothing to change.
 */
import type { Logger } from '../observability/logger.ts';
import type { EventEnvelope } from './envelope.ts';
import { eventTypeLabel, parseKeyVaultEventType } from './event-types.ts';
import { RecentIds } from './recent-ids.ts';
import type {
  EventGridReceiverMetrics,
  EventGridReceiverOptions,
  EventOutcome,
  VaultObjectEvent,
} from './types.ts';

/** An envelope and, for Key Vault object events, what it decodes to. */
export interface DecodedEvent {
  envelope: EventEnvelope;
  event: VaultObjectEvent | undefined;
}

export type DispatchSummary = Record<EventOutcome, number>;

type Callback = (event: VaultObjectEvent) => void;

function callbackFor(options: EventGridReceiverOptions, eventType: string): Callback | undefined {
  const parsed = parseKeyVaultEventType(eventType);
  if (parsed === undefined) return undefined;
  if (parsed.kind === 'NearExpiry') return options.onNearExpiry?.bind(options);
  if (parsed.kind === 'Expired') return options.onExpired?.bind(options);
  if (parsed.objectType === 'secret') return options.onSecretNewVersion.bind(options);
  if (parsed.objectType === 'key') return options.onKeyNewVersion?.bind(options);
  return options.onCertificateNewVersion?.bind(options);
}

/** What the dispatcher needs; the routes pass their options through. */
export interface DispatcherOptions {
  callbacks: EventGridReceiverOptions;
  logger: Logger;
  metrics: EventGridReceiverMetrics | undefined;
  clock: { now(): number };
  recentEventIds: number;
}

/**
 * Returns `dispatch(events)`: calls the matching callback of each event not dispatched before,
 * in order, synchronously. A throwing callback counts as `failed`, is logged, and does not stop
 * the others; its id is not remembered, so a redelivery tries again.
 */
export function createDispatcher(
  options: DispatcherOptions,
): (events: readonly DecodedEvent[]) => DispatchSummary {
  const recent = new RecentIds(options.recentEventIds);
  const { logger, metrics } = options;

  const dispatchOne = ({ envelope, event }: DecodedEvent, receivedAtMs: number): EventOutcome => {
    const callback = event === undefined ? undefined : callbackFor(options.callbacks, event.eventType);
    if (event === undefined || callback === undefined) {
      logger.debug('event grid event ignored', {
        eventId: envelope.id,
        eventType: eventTypeLabel(envelope.type),
      });
      return 'ignored';
    }
    metrics?.setLastEventTime(event.vaultName, receivedAtMs);
    const fields = {
      eventId: event.eventId,
      eventType: event.eventType,
      vault: event.vaultName,
      objectType: event.objectType,
      objectName: event.objectName,
      version: event.version,
    };
    if (recent.has(event.eventId)) {
      logger.debug('event grid event already dispatched', fields);
      return 'duplicate';
    }
    try {
      callback(event);
    } catch (error) {
      logger.error('event grid event handler failed', { ...fields, error });
      return 'failed';
    }
    recent.remember(event.eventId);
    logger.info('event grid event dispatched', fields);
    return 'dispatched';
  };

  return (events) => {
    const summary: DispatchSummary = { dispatched: 0, duplicate: 0, ignored: 0, failed: 0 };
    const receivedAtMs = options.clock.now();
    for (const decoded of events) {
      const outcome = dispatchOne(decoded, receivedAtMs);
      summary[outcome]++;
      metrics?.countEvent(eventTypeLabel(decoded.envelope.type), outcome);
    }
    return summary;
  };
}
