import { deliveryBody, type PreparedEvent } from './envelopes.ts';
import type { Subscription } from './subscription.ts';
import { describeNetworkError, sendWebhookRequest } from './webhook-client.ts';

/** How one attempt ended: `retrying` schedules another; the others are final. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'dropped' | 'expired' | 'exhausted';

/** One attempt to deliver one batch, as `deliveries()` lists it. Holds ids and names, no values or URLs. */
export interface DeliveryRecord {
  subscriptionId: string;
  subscriptionName: string;
  eventIds: string[];
  eventTypes: string[];
  /** Subjects (object names) of the events. */
  subjects: string[];
  /** 1 for the first attempt; `aeg-delivery-count` carries `attempt - 1`. */
  attempt: number;
  /** HTTP status, absent when the request failed (see `error`). */
  status?: number;
  /** Network error code, e.g. `ECONNREFUSED`, `ETIMEDOUT`. */
  error?: string;
  outcome: DeliveryOutcome;
  /** Scaled wait before the next attempt, when `outcome` is `retrying`. */
  nextAttemptInMs?: number;
  /** Real time of the answer. */
  at: string;
}

/** Statuses that count as delivered (reference §7.5). */
const SUCCESS = new Set([200, 201, 202, 203, 204]);
/** Statuses Event Grid does not retry: the batch is dead-lettered or dropped. */
export const NOT_RETRIED = new Set([400, 401, 403, 413]);

/** What a batch delivery needs from the publisher. */
export interface DeliveryContext {
  retryScale: number;
  timeoutMs: number;
  ca?: string | string[];
  signal?: AbortSignal;
  record(record: DeliveryRecord): void;
  /** Runs `task` after `delayMs`, unless the publisher closes first. */
  later(delayMs: number, task: () => void): void;
  /** False once the subscription is gone: remaining attempts are skipped. */
  isActive(subscription: Subscription): boolean;
  /** Brackets each attempt so that the publisher knows when it is idle. */
  track<T>(work: Promise<T>): Promise<T>;
}

/** The unscaled wait after failed attempt `attempt` (1-based); the schedule's last entry repeats. */
export function retryDelayMs(schedule: readonly number[], attempt: number): number {
  return schedule[Math.min(attempt, schedule.length) - 1] ?? 0;
}

function headersFor(
  subscription: Subscription,
  attempt: number,
  contentType: string,
): Record<string, string> {
  return {
    ...subscription.requestHeaders,
    'Content-Type': contentType,
    'aeg-event-type': 'Notification',
    'aeg-subscription-name': subscription.name.toUpperCase(),
    'aeg-delivery-count': String(attempt - 1),
    'aeg-data-version': '1',
    'aeg-metadata-version': '1',
  };
}

/**
 * Delivers `events` to `subscription` as one request, and on failure again on the
 * subscription's schedule (scaled by `retryScale`) until it succeeds, meets a status that is
 * not retried, runs out of attempts, or would outlive the event time-to-live.
 */
export async function deliverBatch(
  subscription: Subscription,
  events: PreparedEvent[],
  context: DeliveryContext,
  attempt = 1,
  elapsedScheduleMs = 0,
): Promise<void> {
  if (!context.isActive(subscription)) return;
  const { body, contentType } = deliveryBody(subscription.schema, events);
  const base = {
    subscriptionId: subscription.id,
    subscriptionName: subscription.name,
    eventIds: events.map((event) => event.id),
    eventTypes: events.map((event) => event.type),
    subjects: events.map((event) => event.subject),
    attempt,
  };
  let answer: { status: number } | { error: string };
  try {
    const response = await sendWebhookRequest({
      url: subscription.requestUrl,
      method: 'POST',
      headers: headersFor(subscription, attempt, contentType),
      body,
      ...(context.ca ? { ca: context.ca } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      timeoutMs: context.timeoutMs,
    });
    answer = { status: response.status };
  } catch (error) {
    answer = { error: describeNetworkError(error) };
  }
  // Closed or unsubscribed while the request was out: nothing more to record or retry.
  if (!context.isActive(subscription)) return;
  const at = new Date().toISOString();
  if ('status' in answer && (SUCCESS.has(answer.status) || NOT_RETRIED.has(answer.status))) {
    context.record({ ...base, ...answer, outcome: SUCCESS.has(answer.status) ? 'delivered' : 'dropped', at });
    return;
  }
  const delayMs = retryDelayMs(subscription.retrySchedule, attempt);
  const ttlMs = subscription.eventTimeToLiveInMinutes * 60_000;
  if (attempt >= subscription.maxDeliveryAttempts) {
    context.record({ ...base, ...answer, outcome: 'exhausted', at });
    return;
  }
  if (elapsedScheduleMs + delayMs > ttlMs) {
    context.record({ ...base, ...answer, outcome: 'expired', at });
    return;
  }
  const scaledMs = delayMs * context.retryScale;
  context.record({ ...base, ...answer, outcome: 'retrying', nextAttemptInMs: scaledMs, at });
  context.later(scaledMs, () => {
    void context.track(deliverBatch(subscription, events, context, attempt + 1, elapsedScheduleMs + delayMs));
  });
}
