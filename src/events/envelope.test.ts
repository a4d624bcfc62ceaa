import { describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { parseDelivery } from './envelope.ts';
import { cloudEvent, eventGridEvent } from './test-support.ts';

const json = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function badEvent(body: unknown): unknown {
  try {
    parseDelivery(json(body));
  } catch (error) {
    return error;
  }
  throw new Error('expected ERR_WEBHOOK_BAD_EVENT');
}

describe('parseDelivery', () => {
  it('reads an Event Grid schema array in order', () => {
    const first = eventGridEvent({ name: 'a' });
    const second = eventGridEvent({ name: 'b', type: 'Microsoft.KeyVault.SecretNearExpiry' });
    const events = parseDelivery(json([first, second]));
    expect(events).toEqual([
      {
        schema: 'EventGridSchema',
        id: first.id,
        type: 'Microsoft.KeyVault.SecretNewVersionCreated',
        source: first.topic,
        subject: 'a',
        time: '2026-01-01T00:00:00.0000000Z',
        data: first.data,
      },
      expect.objectContaining({ id: second.id, type: 'Microsoft.KeyVault.SecretNearExpiry', subject: 'b' }),
    ]);
  });

  it('reads a single structured CloudEvent and a CloudEvents batch', () => {
    const single = cloudEvent({ name: 'one' });
    expect(parseDelivery(json(single))).toEqual([
      {
        schema: 'CloudEventSchemaV1_0',
        id: single.id,
        type: 'Microsoft.KeyVault.SecretNewVersionCreated',
        source: single.source,
        subject: 'one',
        time: '2026-01-01T00:00:00.0000000Z',
        data: single.data,
      },
    ]);
    const batch = [cloudEvent({ name: 'x' }), cloudEvent({ name: 'y' })];
    const events = parseDelivery(json(batch));
    expect(events.map((event) => [event.schema, event.subject])).toEqual([
      ['CloudEventSchemaV1_0', 'x'],
      ['CloudEventSchemaV1_0', 'y'],
    ]);
  });

  it('decodes data_base64 of a CloudEvent', () => {
    const { data, ...event } = cloudEvent();
    const encoded = { ...event, data_base64: Buffer.from(JSON.stringify(data)).toString('base64') };
    expect(parseDelivery(json(encoded))[0]!.data).toEqual(data);
  });

  it('accepts an Event Grid event with an empty subject and no topic (the validation event has subject "")', () => {
    const event: Record<string, unknown> = { ...eventGridEvent(), subject: '' };
    delete event.topic;
    expect(parseDelivery(json([event]))[0]).toMatchObject({ subject: '', source: '' });
  });

  const { id: _id, ...withoutId } = eventGridEvent();
  const { data: _data, ...withoutData } = eventGridEvent();
  const { source: _source, ...withoutSource } = cloudEvent();
  it.each<[string, unknown]>([
    ['a body that is not JSON', 'not json'],
    ['an empty body', ''],
    ['an empty batch', []],
    ['a number', 42],
    ['an array of strings', ['event']],
    ['an event without id', [withoutId]],
    ['an event without data', [withoutData]],
    ['an event with a numeric eventType', [{ ...eventGridEvent(), eventType: 7 }]],
    ['an event whose eventTime is no time', [{ ...eventGridEvent(), eventTime: 'yesterday' }]],
    ['metadataVersion 2', [{ ...eventGridEvent(), metadataVersion: '2' }]],
    ['a CloudEvent of spec 0.3', { ...cloudEvent(), specversion: '0.3' }],
    ['a CloudEvent without source', withoutSource],
    ['a mix of schemas', [eventGridEvent(), cloudEvent()]],
  ])('refuses %s with ERR_WEBHOOK_BAD_EVENT', (_name, body) => {
    const error = badEvent(body);
    expect(isKvsyncError(error, 'ERR_WEBHOOK_BAD_EVENT')).toBe(true);
  });
});
