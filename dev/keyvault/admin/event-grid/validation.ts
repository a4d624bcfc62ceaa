import { randomUUID } from 'node:crypto';
import { AdminError } from '../errors.ts';
import { formatEventTime, VALIDATION_EVENT_TYPE } from './envelopes.ts';
import type { Subscription, SubscriptionState } from './subscription.ts';
import { describeNetworkError, sendWebhookRequest, type WebhookResponse } from './webhook-client.ts';

/** What a handshake needs besides the subscription. */
export interface HandshakeContext {
  topic: string;
  now: Date;
  /** Manual validation URL to offer (Event Grid schema); without it, a 200 lacking the code fails. */
  validationUrl?: string;
  /** Sent in `WebHook-Request-Origin`; default `eventgrid.azure.net`. */
  webhookRequestOrigin: string;
  ca?: string | string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

function failed(subscription: Subscription, reason: string, cause?: unknown): never {
  throw new AdminError(
    'SubscriptionValidationFailed',
    `validate subscription '${subscription.name}' at ${subscription.endpointBaseUrl}: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

async function send(
  subscription: Subscription,
  context: HandshakeContext,
  method: 'POST' | 'OPTIONS',
  headers: Record<string, string>,
  body?: string,
): Promise<WebhookResponse> {
  try {
    return await sendWebhookRequest({
      url: subscription.requestUrl,
      method,
      headers: { ...subscription.requestHeaders, ...headers },
      ...(body !== undefined ? { body } : {}),
      ...(context.ca ? { ca: context.ca } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      timeoutMs: context.timeoutMs,
    });
  } catch (error) {
    return failed(subscription, `request failed (${describeNetworkError(error)})`);
  }
}

/**
 * Runs the handshake of the subscription's schema (reference §7.4). Resolves `Succeeded`,
 * or `AwaitingManualAction` when an Event Grid schema endpoint answered 200 without the code
 * and a validation URL was offered. Throws `SubscriptionValidationFailed` otherwise.
 */
export async function runHandshake(
  subscription: Subscription,
  context: HandshakeContext,
): Promise<SubscriptionState> {
  return subscription.schema === 'EventGridSchema'
    ? eventGridHandshake(subscription, context)
    : cloudEventsHandshake(subscription, context);
}

async function eventGridHandshake(
  subscription: Subscription,
  context: HandshakeContext,
): Promise<SubscriptionState> {
  const event = {
    id: randomUUID(),
    topic: context.topic,
    subject: '',
    data: {
      validationCode: subscription.validationCode,
      ...(context.validationUrl ? { validationUrl: context.validationUrl } : {}),
    },
    eventType: VALIDATION_EVENT_TYPE,
    eventTime: formatEventTime(context.now),
    metadataVersion: '1',
    dataVersion: '2',
  };
  const response = await send(
    subscription,
    context,
    'POST',
    {
      'Content-Type': 'application/json; charset=utf-8',
      'aeg-event-type': 'SubscriptionValidation',
      'aeg-subscription-name': subscription.name.toUpperCase(),
      'aeg-delivery-count': '0',
      'aeg-data-version': '2',
      'aeg-metadata-version': '1',
    },
    JSON.stringify([event]),
  );
  if (response.status !== 200) failed(subscription, `expected 200, got ${response.status}`);
  if (validationResponse(response.body) === subscription.validationCode) return 'Succeeded';
  if (context.validationUrl) return 'AwaitingManualAction';
  return failed(subscription, 'the answer did not carry {"validationResponse": <validationCode>}');
}

function validationResponse(body: string): unknown {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const entry = Object.entries(parsed).find(([key]) => key.toLowerCase() === 'validationresponse');
    return entry?.[1];
  } catch {
    return undefined;
  }
}

async function cloudEventsHandshake(
  subscription: Subscription,
  context: HandshakeContext,
): Promise<SubscriptionState> {
  const origin = context.webhookRequestOrigin;
  const response = await send(subscription, context, 'OPTIONS', { 'WebHook-Request-Origin': origin });
  if (response.status !== 200) failed(subscription, `expected 200 to OPTIONS, got ${response.status}`);
  const allowed = response.headers['webhook-allowed-origin'];
  const origins = (Array.isArray(allowed) ? allowed.join(',') : (allowed ?? ''))
    .split(',')
    .map((o) => o.trim());
  if (!origins.includes(origin) && !origins.includes('*')) {
    failed(subscription, `WebHook-Allowed-Origin did not allow '${origin}'`);
  }
  return 'Succeeded';
}
