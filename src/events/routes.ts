/**
 * The Event Grid webhook: `POST` and `OPTIONS /webhooks/eventgrid` on the operator's HTTP server.
 *
 * Status codes, chosen for how Event Grid treats them (reference §7.5):
 * - 200: handshake answered; delivery read (dispatched, duplicate or ignored events alike).
 *   Unknown event types are acknowledged, never refused: a refusal would dead-letter them.
 * - 400: not a delivery (not JSON, no event, an event lacking a required attribute, Key Vault
 *   data that names no object). Not retried; nothing of that delivery is dispatched.
 * - 401: authentication failed. Not retried; nothing is dispatched.
 * - 503: authentication cannot be checked now (secret not loaded, signing keys unreachable).
 * - 500: a callback threw. Retried; the events already dispatched are then skipped by id.
 * Every answer carries Content-Length (a chunked validation answer once failed, §7.4).
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { isKvsyncError, KvsyncError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Route, RouteRequest } from '../server/route.ts';
import { authenticate, checkAuthenticationOptions } from './authenticate.ts';
import { createDispatcher, type DecodedEvent, type DispatchSummary } from './dispatch.ts';
import { parseDelivery, type EventEnvelope } from './envelope.ts';
import { EVENT_GRID_WEBHOOK_PATH, SUBSCRIPTION_VALIDATION_EVENT_TYPE } from './event-types.ts';
import { toVaultObjectEvent } from './key-vault-event.ts';
import { wasRelayed } from './relay.ts';
import type { EventGridReceiverOptions } from './types.ts';

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Upper-cased by Event Grid; a name, safe to log. */
function subscriptionName(headers: IncomingHttpHeaders): string | undefined {
  return header(headers, 'aeg-subscription-name')?.slice(0, 128);
}

/** The validation code of an Event Grid schema handshake; undefined when the delivery is not one. */
function validationCode(envelopes: readonly EventEnvelope[]): string | undefined {
  const validation = envelopes.find((envelope) => envelope.type === SUBSCRIPTION_VALIDATION_EVENT_TYPE);
  if (validation === undefined || validation.schema !== 'EventGridSchema') return undefined;
  const code = (validation.data as { validationCode?: unknown } | null)?.validationCode;
  if (envelopes.length !== 1 || typeof code !== 'string' || code === '') {
    throw new KvsyncError(
      'ERR_WEBHOOK_BAD_EVENT',
      'read event grid delivery: a subscription validation event must come alone and carry a validationCode',
    );
  }
  return code;
}

/**
 * The CloudEvents abuse-protection handshake (CloudEvents HTTP webhook §4, reference §7.4):
 * consent to the origin that asks, at any rate. Answered without authentication: it dispatches
 * nothing, and whether Event Grid sends delivery headers or a token on it is not documented.
 */
function optionsRoute(options: EventGridReceiverOptions): Route {
  return {
    method: 'OPTIONS',
    path: EVENT_GRID_WEBHOOK_PATH,
    handle(request, response) {
      const origin = header(request.headers, 'webhook-request-origin')?.trim();
      if (origin === undefined || origin === '') {
        send(response, 200, undefined, { allow: 'POST, OPTIONS' });
        return;
      }
      options.metrics?.countHandshake('CloudEventSchemaV1_0');
      options.logger.info('event grid cloudevents handshake answered', { origin: origin.slice(0, 253) });
      send(response, 200, undefined, {
        allow: 'POST, OPTIONS',
        'webhook-allowed-origin': origin,
        'webhook-allowed-rate': '*',
      });
    },
  };
}

function postRoute(options: EventGridReceiverOptions, logger: Logger): Route {
  const clock = options.clock ?? { now: () => Date.now() };
  const dispatch = createDispatcher({
    callbacks: options,
    logger,
    metrics: options.metrics,
    clock,
    recentEventIds: options.recentEventIds ?? 10_000,
  });
  const refuse = (response: ServerResponse, status: 400 | 401 | 503, reason: string): void => {
    options.metrics?.countRejected(
      status === 401 ? 'unauthorized' : status === 503 ? 'unavailable' : 'malformed',
    );
    send(response, status, { error: reason }, status === 503 ? { 'retry-after': '10' } : {});
  };

  return {
    method: 'POST',
    path: EVENT_GRID_WEBHOOK_PATH,
    async handle(request, response) {
      const auth = await authenticate(options.authentication, request.url, request.headers, clock.now());
      if (!auth.ok) {
        logger.warn('event grid delivery refused', { status: auth.status, reason: auth.reason });
        return refuse(response, auth.status, auth.status === 401 ? 'unauthorized' : 'unavailable');
      }
      const eventKind = header(request.headers, 'aeg-event-type');
      if (eventKind === 'SubscriptionDeletion' || eventKind === 'Unsubscribe') {
        logger.warn('event grid subscription deleted', { subscription: subscriptionName(request.headers) });
        return send(response, 200, {});
      }
      const read = readDelivery(request, clock.now());
      if (!read.ok) {
        logger.warn('event grid delivery malformed', { reason: read.reason });
        return refuse(response, 400, read.reason);
      }
      if (read.validationCode !== undefined) {
        options.metrics?.countHandshake('EventGridSchema');
        logger.info('event grid subscription validated', { subscription: subscriptionName(request.headers) });
        return send(response, 200, { validationResponse: read.validationCode });
      }
      const summary: DispatchSummary = dispatch(read.events);
      send(response, summary.failed > 0 ? 500 : 200, summary);
      if (options.relay && read.events.length > 0 && !wasRelayed(request.headers))
        options.relay({ url: request.url, headers: request.headers, body: request.body });
    },
  };
}

type ReadResult =
  | { ok: true; validationCode: string; events?: undefined }
  | { ok: true; validationCode?: undefined; events: DecodedEvent[] }
  | { ok: false; reason: string };

/** Parses and decodes the whole delivery before anything is dispatched (all or nothing). */
function readDelivery(request: RouteRequest, receivedAtMs: number): ReadResult {
  try {
    const envelopes = parseDelivery(request.body);
    const code = validationCode(envelopes);
    if (code !== undefined) return { ok: true, validationCode: code };
    return {
      ok: true,
      events: envelopes.map((envelope) => ({ envelope, event: toVaultObjectEvent(envelope, receivedAtMs) })),
    };
  } catch (error) {
    if (isKvsyncError(error, 'ERR_WEBHOOK_BAD_EVENT')) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * The webhook's routes, for `startHttpServer({ routes })`. Throws `ERR_INVALID_CONFIG` for
 * authentication options that configure nothing (use `{ none: true }` explicitly) or an Entra
 * setup without tenant or issuers. Without authentication it logs a warning once, here.
 * The routes keep the recent event ids; create them once per server.
 */
export function createEventGridRoutes(options: EventGridReceiverOptions): Route[] {
  checkAuthenticationOptions(options.authentication);
  const logger = options.logger.child({ component: 'eventgrid-webhook' });
  if (options.authentication.none === true) {
    logger.warn(
      'event grid webhook accepts unauthenticated deliveries: anyone who reaches it can trigger syncs',
      {
        path: EVENT_GRID_WEBHOOK_PATH,
      },
    );
  }
  return [postRoute(options, logger), optionsRoute({ ...options, logger })];
}
