import { AdminError } from '../errors.ts';
import { fullEventType, type EventSchema } from './envelopes.ts';

/** Where the webhook secret travels: a query parameter of the URL, or a header (delivery property). */
export interface WebhookSecret {
  in: 'query' | 'header';
  name: string;
  value: string;
}

/** Options of `subscribe`; only `endpointUrl` and `schema` are required. */
export interface SubscribeOptions {
  /** Default `kvsync-sub-<n>`; sent upper-cased in `aeg-subscription-name`. */
  name?: string;
  /** Only events of this vault; default every vault (Azure has one subscription per vault topic). */
  vault?: string;
  /** `http:` or `https:` URL of the webhook. Query parameters in it are sent on every request and never shown. */
  endpointUrl: string;
  schema: EventSchema;
  secret?: WebhookSecret;
  /** Short or full names (`SecretNewVersionCreated`, `Microsoft.KeyVault.SecretNewVersionCreated`); default all. */
  eventTypes?: string[];
  /** 1–5000, default 1 (batching off, as in Azure). */
  maxEventsPerBatch?: number;
  /** 1–1024, default 64: a batch stops growing past this size (always at least one event). */
  preferredBatchSizeInKilobytes?: number;
  /** Delays between attempts in unscaled ms; the last one repeats. Default Azure's schedule. */
  retrySchedule?: number[];
  /** 1–30, default 30. */
  maxDeliveryAttempts?: number;
  /** 1–1440, default 1440: attempts stop once the schedule would pass this age (unscaled). */
  eventTimeToLiveInMinutes?: number;
}

/** Provisioning states of a subscription; only `Succeeded` ones receive events. */
export type SubscriptionState = 'Succeeded' | 'AwaitingManualAction';

/** What the publisher shows of a subscription: no query string, no secret value. */
export interface SubscriptionInfo {
  id: string;
  name: string;
  vault?: string;
  /** Origin and path of the endpoint. */
  endpointBaseUrl: string;
  schema: EventSchema;
  secret?: { in: 'query' | 'header'; name: string };
  eventTypes?: string[];
  maxEventsPerBatch: number;
  preferredBatchSizeInKilobytes: number;
  maxDeliveryAttempts: number;
  eventTimeToLiveInMinutes: number;
  retrySchedule: number[];
  state: SubscriptionState;
  createdAt: string;
}

/** Azure's best-effort schedule (reference §7.5): 10 s, 30 s, 1 min, 5 min, 10 min, 30 min, 1 h, 3 h, 6 h, then 12 h. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze(
  [10, 30, 60, 300, 600, 1_800, 3_600, 10_800, 21_600, 43_200].map((seconds) => seconds * 1000),
);

/** A stored subscription: the shown part plus what requests need. */
export interface Subscription extends SubscriptionInfo {
  /** Endpoint with the query secret applied. Never logged or shown. */
  requestUrl: URL;
  /** Extra headers (the header secret). Never logged or shown. */
  requestHeaders: Record<string, string>;
  eventTypeSet?: Set<string>;
  validationCode: string;
  validationDeadlineMs?: number;
}

function bad(message: string): never {
  throw new AdminError('InvalidSubscription', `subscribe: ${message}`);
}

function intInRange(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
    bad(`'${name}' must be an integer from ${min} to ${max}`);
  }
  return value as number;
}

/** Checks options (possibly from JSON) and builds the stored subscription. Throws `InvalidSubscription`. */
export function createSubscription(
  raw: SubscribeOptions,
  id: string,
  validationCode: string,
  createdAt: Date,
): Subscription {
  if (typeof raw !== 'object' || raw === null) bad('options must be an object');
  let url: URL;
  try {
    url = new URL(raw.endpointUrl);
  } catch {
    bad("'endpointUrl' must be an absolute URL");
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') bad("'endpointUrl' must be http: or https:");
  if (raw.schema !== 'EventGridSchema' && raw.schema !== 'CloudEventSchemaV1_0') {
    bad("'schema' must be 'EventGridSchema' or 'CloudEventSchemaV1_0'");
  }
  const headers = applySecret(url, raw.secret);
  const eventTypes = checkEventTypes(raw.eventTypes);
  const retrySchedule = checkSchedule(raw.retrySchedule);
  if (raw.vault !== undefined && typeof raw.vault !== 'string') bad("'vault' must be a string");
  if (raw.name !== undefined && !(typeof raw.name === 'string' && /^[A-Za-z0-9-]{3,64}$/.test(raw.name))) {
    bad("'name' must be 3–64 letters, digits or hyphens");
  }
  return {
    id,
    name: raw.name ?? `kvsync-${id}`,
    ...(raw.vault !== undefined ? { vault: raw.vault } : {}),
    endpointBaseUrl: `${url.origin}${url.pathname}`,
    schema: raw.schema,
    ...(raw.secret ? { secret: { in: raw.secret.in, name: raw.secret.name } } : {}),
    ...(eventTypes ? { eventTypes, eventTypeSet: new Set(eventTypes) } : {}),
    maxEventsPerBatch: intInRange(raw.maxEventsPerBatch, 'maxEventsPerBatch', 1, 5000, 1),
    preferredBatchSizeInKilobytes: intInRange(
      raw.preferredBatchSizeInKilobytes,
      'preferredBatchSizeInKilobytes',
      1,
      1024,
      64,
    ),
    maxDeliveryAttempts: intInRange(raw.maxDeliveryAttempts, 'maxDeliveryAttempts', 1, 30, 30),
    eventTimeToLiveInMinutes: intInRange(
      raw.eventTimeToLiveInMinutes,
      'eventTimeToLiveInMinutes',
      1,
      1440,
      1440,
    ),
    retrySchedule,
    state: 'AwaitingManualAction',
    createdAt: createdAt.toISOString(),
    requestUrl: url,
    requestHeaders: headers,
    validationCode,
  };
}

function applySecret(url: URL, secret: WebhookSecret | undefined): Record<string, string> {
  if (secret === undefined) return {};
  const ok =
    typeof secret === 'object' &&
    (secret.in === 'query' || secret.in === 'header') &&
    typeof secret.name === 'string' &&
    secret.name.length > 0 &&
    typeof secret.value === 'string';
  if (!ok) bad("'secret' must be { in: 'query' | 'header', name, value }");
  if (secret.in === 'query') {
    url.searchParams.set(secret.name, secret.value);
    return {};
  }
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(secret.name)) bad("'secret.name' must be a valid header name");
  return { [secret.name]: secret.value };
}

function checkEventTypes(types: unknown): string[] | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types) || !types.every((type) => typeof type === 'string' && type.length > 0)) {
    bad("'eventTypes' must be an array of event type names");
  }
  return (types as string[]).map(fullEventType);
}

function checkSchedule(schedule: unknown): number[] {
  if (schedule === undefined) return [...DEFAULT_RETRY_SCHEDULE_MS];
  const ok =
    Array.isArray(schedule) &&
    schedule.length > 0 &&
    schedule.every((delay) => typeof delay === 'number' && Number.isFinite(delay) && delay >= 0);
  if (!ok) bad("'retrySchedule' must be a non-empty array of delays in ms");
  return [...(schedule as number[])];
}

/** The shown part of a subscription (a copy). */
export function subscriptionInfo(subscription: Subscription): SubscriptionInfo {
  const {
    requestUrl: _url,
    requestHeaders: _headers,
    eventTypeSet: _set,
    validationCode: _code,
    ...info
  } = subscription;
  const { validationDeadlineMs: _deadline, ...shown } = info;
  return structuredClone(shown);
}
