import { randomUUID } from 'node:crypto';
import type { VaultObjectEvent } from '../../contracts.ts';

/** Event delivery schemas of an Event Grid subscription. */
export type EventSchema = 'EventGridSchema' | 'CloudEventSchemaV1_0';

/** Short Key Vault event names, e.g. `SecretNewVersionCreated`, `KeyNearExpiry`. */
export type KeyVaultEventName =
  `${VaultObjectEvent['objectType']}${'NewVersionCreated' | 'NearExpiry' | 'Expired'}`;

/** A vault change to publish: the contract's event, widened to every Key Vault event type. */
export type ObjectEvent = Omit<VaultObjectEvent, 'type'> & { type: KeyVaultEventName };

/** Full event type prefix on the wire. */
export const EVENT_TYPE_PREFIX = 'Microsoft.KeyVault.';

/** Event type of the Event Grid schema validation handshake. */
export const VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** Where the emulated topics live; the defaults are fixed so fixtures can match them. */
export interface TopicOptions {
  /** Default `00000000-0000-0000-0000-000000000000`. */
  azureSubscriptionId: string;
  /** Default `kvsync-dev`. */
  resourceGroup: string;
  /** `NBF`/`EXP` as numbers (default, as in a captured delivery) or strings (as in the docs). */
  dataTimeFormat: 'number' | 'string';
}

/** Key Vault event data, PascalCase on the wire (reference §7.2). Carries no secret value. */
export interface KeyVaultEventData {
  Id: string;
  VaultName: string;
  ObjectType: string;
  ObjectName: string;
  Version: string;
  NBF: number | string | null;
  EXP: number | string | null;
}

/** One event ready to be wrapped in either schema. */
export interface PreparedEvent {
  id: string;
  /** Full type, e.g. `Microsoft.KeyVault.SecretNewVersionCreated`. */
  type: string;
  vault: string;
  topic: string;
  subject: string;
  time: Date;
  data: KeyVaultEventData;
}

const COLLECTIONS: Record<ObjectEvent['objectType'], string> = {
  Secret: 'secrets',
  Key: 'keys',
  Certificate: 'certificates',
};

/** `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault}`. */
export function vaultTopic(vault: string, options: TopicOptions): string {
  return `/subscriptions/${options.azureSubscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault}`;
}

/** Turns a vault change into an event with a fresh id, stamped with `time`. */
export function prepareEvent(event: ObjectEvent, time: Date, options: TopicOptions): PreparedEvent {
  const base = event.vaultUrl.replace(/\/+$/, '');
  const asTime = (seconds: number | undefined): number | string | null =>
    seconds === undefined ? null : options.dataTimeFormat === 'string' ? String(seconds) : seconds;
  return {
    id: randomUUID(),
    type: `${EVENT_TYPE_PREFIX}${event.type}`,
    vault: event.vault,
    topic: vaultTopic(event.vault, options),
    subject: event.objectName,
    time,
    data: {
      Id: `${base}/${COLLECTIONS[event.objectType]}/${event.objectName}/${event.version}`,
      VaultName: event.vault,
      ObjectType: event.objectType,
      ObjectName: event.objectName,
      Version: event.version,
      NBF: asTime(event.nbf),
      EXP: asTime(event.exp),
    },
  };
}

/** ISO 8601 with seven fraction digits, as Event Grid writes `eventTime`. */
export function formatEventTime(time: Date): string {
  return time.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** The Event Grid schema form of one event. */
export function toEventGridEvent(event: PreparedEvent): Record<string, unknown> {
  return {
    id: event.id,
    topic: event.topic,
    subject: event.subject,
    eventType: event.type,
    data: event.data,
    dataVersion: '1',
    metadataVersion: '1',
    eventTime: formatEventTime(event.time),
  };
}

/** The CloudEvents 1.0 (structured JSON) form of one event. */
export function toCloudEvent(event: PreparedEvent): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: event.id,
    source: event.topic,
    type: event.type,
    subject: event.subject,
    time: formatEventTime(event.time),
    data: event.data,
  };
}

/**
 * Body and content type of one delivery. Event Grid schema: always an array. CloudEvents: a
 * single event as an object (`application/cloudevents+json`), a batch as an array
 * (`application/cloudevents-batch+json`, as the CloudEvents spec names it).
 */
export function deliveryBody(
  schema: EventSchema,
  events: PreparedEvent[],
): { body: string; contentType: string } {
  if (schema === 'EventGridSchema') {
    return {
      body: JSON.stringify(events.map(toEventGridEvent)),
      contentType: 'application/json; charset=utf-8',
    };
  }
  if (events.length === 1) {
    return {
      body: JSON.stringify(toCloudEvent(events[0]!)),
      contentType: 'application/cloudevents+json; charset=utf-8',
    };
  }
  return {
    body: JSON.stringify(events.map(toCloudEvent)),
    contentType: 'application/cloudevents-batch+json; charset=utf-8',
  };
}

/** Accepts `SecretNewVersionCreated` or `Microsoft.KeyVault.SecretNewVersionCreated`; returns the full name. */
export function fullEventType(name: string): string {
  return name.includes('.') ? name : `${EVENT_TYPE_PREFIX}${name}`;
}
