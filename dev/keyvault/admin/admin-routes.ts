import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJsonBody, sendJson } from './http-json.ts';
import { AdminError } from './errors.ts';
import type { ObjectEvent } from './event-grid/envelopes.ts';
import type { SubscribeOptions } from './event-grid/subscription.ts';
import type { FaultRule } from './faults.ts';
import type { TestControls } from './index.ts';
import type { ThrottlingUpdate } from './throttling.ts';

/** What a route handler gets. `params` are the decoded groups of the path pattern. */
export interface RouteContext {
  controls: TestControls;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  params: string[];
}

/** One admin endpoint. */
export interface Route {
  method: string;
  path: RegExp;
  handle(context: RouteContext): Promise<void>;
}

type Handler = (context: RouteContext) => Promise<void> | void;

function route(method: string, path: string, handler: Handler): Route {
  const pattern = new RegExp(`^${path.replace(/:[a-z]+/g, '([^/]+)')}$`);
  return { method, path: pattern, handle: async (context) => handler(context) };
}

function object(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AdminError('InvalidRequest', `${what}: the body must be a JSON object`);
  }
  return body as Record<string, unknown>;
}

function clockState(controls: TestControls): { now: string; offsetMs: number } {
  return { now: controls.clock.now().toISOString(), offsetMs: controls.clock.offsetMs() };
}

function faultRoutes(): Route[] {
  return [
    route('GET', '/faults', ({ controls, response }) =>
      sendJson(response, 200, { faults: controls.faults() }),
    ),
    route('POST', '/faults', async ({ controls, request, response }) => {
      const id = controls.addFault((await readJsonBody(request)) as FaultRule);
      sendJson(response, 201, { id });
    }),
    route('DELETE', '/faults', ({ controls, response }) => {
      controls.clearFaults();
      sendJson(response, 204);
    }),
    route('DELETE', '/faults/:id', ({ controls, response, params }) => {
      if (!controls.removeFault(params[0]!)) throw new AdminError('NotFound', `no fault rule '${params[0]}'`);
      sendJson(response, 204);
    }),
  ];
}

function throttlingAndCounterRoutes(): Route[] {
  return [
    route('GET', '/throttling', ({ controls, response }) => sendJson(response, 200, controls.throttling())),
    route('PUT', '/throttling', async ({ controls, request, response }) => {
      const update = object(await readJsonBody(request), 'configure throttling') as ThrottlingUpdate;
      sendJson(response, 200, controls.setThrottling(update));
    }),
    route('GET', '/counters', ({ controls, response }) => sendJson(response, 200, controls.counters())),
    route('DELETE', '/counters', ({ controls, response }) => {
      controls.resetCounters();
      sendJson(response, 204);
    }),
  ];
}

function clockRoutes(): Route[] {
  return [
    route('GET', '/clock', ({ controls, response }) => sendJson(response, 200, clockState(controls))),
    route('POST', '/clock/shift', async ({ controls, request, response }) => {
      const { ms } = object(await readJsonBody(request), 'shift clock');
      if (typeof ms !== 'number' || !Number.isFinite(ms)) {
        throw new AdminError('InvalidRequest', "shift clock: 'ms' must be a number");
      }
      controls.clock.shift(ms);
      sendJson(response, 200, clockState(controls));
    }),
    route('POST', '/clock/set', async ({ controls, request, response }) => {
      const { time } = object(await readJsonBody(request), 'set clock');
      const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date(NaN);
      if (Number.isNaN(date.getTime())) {
        throw new AdminError('InvalidRequest', "set clock: 'time' must be an ISO date or epoch ms");
      }
      controls.clock.set(date);
      sendJson(response, 200, clockState(controls));
    }),
    route('POST', '/clock/reset', ({ controls, response }) => {
      controls.clock.reset();
      sendJson(response, 200, clockState(controls));
    }),
  ];
}

function eventGridRoutes(): Route[] {
  return [
    route('GET', '/eventgrid/subscriptions', ({ controls, response }) =>
      sendJson(response, 200, { subscriptions: controls.subscriptions() }),
    ),
    route('POST', '/eventgrid/subscriptions', async ({ controls, request, response }) => {
      const options = object(await readJsonBody(request), 'subscribe') as unknown as SubscribeOptions;
      sendJson(response, 201, await controls.subscribe(options));
    }),
    route('DELETE', '/eventgrid/subscriptions/:id', ({ controls, response, params }) => {
      if (!controls.unsubscribe(params[0]!)) {
        throw new AdminError('SubscriptionNotFound', `no subscription '${params[0]}'`);
      }
      sendJson(response, 204);
    }),
    route('GET', '/eventgrid/validate', ({ controls, response, url }) => {
      const id = url.searchParams.get('id') ?? '';
      const ok = controls.validateSubscription(id, url.searchParams.get('code') ?? '');
      if (!ok)
        throw new AdminError(
          'SubscriptionValidationFailed',
          `validate subscription '${id}': code invalid or expired`,
        );
      sendJson(response, 200, { validated: true, id });
    }),
    route('GET', '/eventgrid/deliveries', ({ controls, response, url }) => {
      const subscriptionId = url.searchParams.get('subscriptionId') ?? undefined;
      sendJson(response, 200, { deliveries: controls.deliveries(subscriptionId ? { subscriptionId } : {}) });
    }),
    route('DELETE', '/eventgrid/deliveries', ({ controls, response }) => {
      controls.clearDeliveries();
      sendJson(response, 204);
    }),
    route('POST', '/eventgrid/events', async ({ controls, request, response }) => {
      controls.publish(checkEvent(await readJsonBody(request)));
      sendJson(response, 202, { accepted: true });
    }),
  ];
}

const EVENT_TYPE = /^(Secret|Key|Certificate)(NewVersionCreated|NearExpiry|Expired)$/;

/** Checks an event posted to the admin API. */
function checkEvent(body: unknown): ObjectEvent {
  const event = object(body, 'publish event');
  const strings = ['type', 'vault', 'vaultUrl', 'objectName', 'version'] as const;
  for (const key of strings) {
    if (typeof event[key] !== 'string' || event[key] === '') {
      throw new AdminError('InvalidRequest', `publish event: '${key}' must be a non-empty string`);
    }
  }
  const match = EVENT_TYPE.exec(event['type'] as string);
  if (!match || event['objectType'] !== match[1]) {
    throw new AdminError(
      'InvalidRequest',
      "publish event: 'type' and 'objectType' must name a Key Vault event",
    );
  }
  for (const key of ['nbf', 'exp'] as const) {
    if (event[key] !== undefined && typeof event[key] !== 'number') {
      throw new AdminError('InvalidRequest', `publish event: '${key}' must be unix seconds`);
    }
  }
  return event as unknown as ObjectEvent;
}

/** Every built-in admin endpoint (README.md lists them). */
export function adminRoutes(): Route[] {
  return [
    route('GET', '/', ({ response }) =>
      sendJson(response, 200, { service: 'kvsync keyvault emulator admin' }),
    ),
    ...faultRoutes(),
    ...throttlingAndCounterRoutes(),
    ...clockRoutes(),
    ...eventGridRoutes(),
  ];
}
