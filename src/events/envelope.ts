/**
 * Reading a delivery's body: the Event Grid schema (an array of events) or CloudEvents 1.0 in
 * structured JSON (one object, or an array for a batch), reference §7.3. The shape decides,
 * not the content type (Event Grid's three JSON types, or none); one delivery holds one schema.
 */
import { KvsyncError } from '../errors.ts';

export type EventSchema = 'EventGridSchema' | 'CloudEventSchemaV1_0';

/** One event of a delivery, whichever schema carried it. */
export interface EventEnvelope {
  schema: EventSchema;
  id: string;
  /** `eventType` or `type`. */
  type: string;
  /** `topic` or `source`; empty when an Event Grid event has no topic. */
  source: string;
  subject?: string;
  /** `eventTime` or `time`, ISO 8601 as sent. */
  time?: string;
  /** `data`, or the decoded `data_base64`; undefined when the event has none. */
  data: unknown;
}

type JsonObject = Record<string, unknown>;

function bad(message: string): never {
  throw new KvsyncError('ERR_WEBHOOK_BAD_EVENT', `read event grid delivery: ${message}`);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The events of a delivery, in body order. Throws `ERR_WEBHOOK_BAD_EVENT` (message names the
 * field, never its value) for a body that is not JSON, an empty batch, a mix of schemas, or an
 * event lacking a required attribute.
 */
export function parseDelivery(body: Buffer): EventEnvelope[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return bad('the body is not JSON');
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  if (items.length === 0) bad('the delivery holds no event');
  const events = items.map((item, index) => parseEvent(item, index));
  if (new Set(events.map((event) => event.schema)).size > 1) bad('the delivery mixes schemas');
  return events;
}

function parseEvent(item: unknown, index: number): EventEnvelope {
  if (!isObject(item)) bad(`event ${index} is not an object`);
  return 'specversion' in item ? parseCloudEvent(item, index) : parseEventGridEvent(item, index);
}

function requiredString(item: JsonObject, name: string, index: number): string {
  const value = item[name];
  if (typeof value !== 'string' || value === '') bad(`event ${index}: '${name}' must be a non-empty string`);
  return value;
}

function optionalString(item: JsonObject, name: string, index: number): string | undefined {
  const value = item[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') bad(`event ${index}: '${name}' must be a string`);
  return value;
}

function checkTime(value: string | undefined, name: string, index: number): string | undefined {
  if (value !== undefined && Number.isNaN(Date.parse(value))) bad(`event ${index}: '${name}' is not a time`);
  return value;
}

function parseEventGridEvent(item: JsonObject, index: number): EventEnvelope {
  const id = requiredString(item, 'id', index);
  const type = requiredString(item, 'eventType', index);
  const time = checkTime(requiredString(item, 'eventTime', index), 'eventTime', index);
  const subject = optionalString(item, 'subject', index);
  if (subject === undefined) bad(`event ${index}: 'subject' must be a string`);
  const metadataVersion = optionalString(item, 'metadataVersion', index);
  if (metadataVersion !== undefined && metadataVersion !== '1')
    bad(`event ${index}: 'metadataVersion' must be "1"`);
  if (!('data' in item)) bad(`event ${index}: 'data' is missing`);
  return {
    schema: 'EventGridSchema',
    id,
    type,
    source: optionalString(item, 'topic', index) ?? '',
    subject,
    time,
    data: item.data,
  };
}

function parseCloudEvent(item: JsonObject, index: number): EventEnvelope {
  if (item.specversion !== '1.0') bad(`event ${index}: 'specversion' must be "1.0"`);
  const subject = optionalString(item, 'subject', index);
  const time = checkTime(optionalString(item, 'time', index), 'time', index);
  return {
    schema: 'CloudEventSchemaV1_0',
    id: requiredString(item, 'id', index),
    type: requiredString(item, 'type', index),
    source: requiredString(item, 'source', index),
    ...(subject !== undefined ? { subject } : {}),
    ...(time !== undefined ? { time } : {}),
    data: 'data' in item ? item.data : decodeBase64Data(item, index),
  };
}

function decodeBase64Data(item: JsonObject, index: number): unknown {
  const encoded = optionalString(item, 'data_base64', index);
  if (encoded === undefined) return undefined;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
