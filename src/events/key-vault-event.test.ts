import { describe, expect, it } from 'vitest';
import { isKvsyncError } from '../errors.ts';
import { parseDelivery, type EventEnvelope } from './envelope.ts';
import { KEY_VAULT_OBJECT_EVENT_TYPES, parseKeyVaultEventType } from './event-types.ts';
import { toVaultObjectEvent } from './key-vault-event.ts';
import { cloudEvent, eventGridEvent, type KeyVaultEventFixture } from './test-support.ts';

const RECEIVED_AT_MS = Date.UTC(2026, 5, 1);

function envelope(event: Record<string, unknown>): EventEnvelope {
  return parseDelivery(Buffer.from(JSON.stringify([event])))[0]!;
}

function decode(fixture: KeyVaultEventFixture, schema: 'eventgrid' | 'cloudevents' = 'eventgrid') {
  const event = schema === 'eventgrid' ? eventGridEvent(fixture) : cloudEvent(fixture);
  return toVaultObjectEvent(envelope(event), RECEIVED_AT_MS);
}

describe('event types', () => {
  it('knows the nine object event types and nothing else', () => {
    expect(KEY_VAULT_OBJECT_EVENT_TYPES).toHaveLength(9);
    expect(parseKeyVaultEventType('Microsoft.KeyVault.CertificateNearExpiry')).toEqual({
      objectType: 'certificate',
      kind: 'NearExpiry',
    });
    expect(parseKeyVaultEventType('Microsoft.KeyVault.VaultAccessPolicyChanged')).toBeUndefined();
    expect(parseKeyVaultEventType('Microsoft.KeyVault.SecretNewVersionCreatedX')).toBeUndefined();
    expect(parseKeyVaultEventType('Microsoft.Storage.BlobCreated')).toBeUndefined();
  });
});

describe('toVaultObjectEvent', () => {
  it('decodes the PascalCase data of a SecretNewVersionCreated in both schemas alike', () => {
    const fixture = {
      id: 'evt-1',
      vault: 'Our-Vault',
      name: 'postgresql-password',
      version: 'v2',
      exp: 1767225600,
    };
    const expected = {
      vaultName: 'our-vault',
      vaultHost: 'our-vault.vault.azure.net',
      objectType: 'secret',
      objectName: 'postgresql-password',
      version: 'v2',
      eventType: 'Microsoft.KeyVault.SecretNewVersionCreated',
      eventId: 'evt-1',
      eventTime: '2026-01-01T00:00:00.0000000Z',
      exp: 1767225600,
    };
    expect(decode(fixture)).toEqual(expected);
    expect(decode(fixture, 'cloudevents')).toEqual(expected);
  });

  it.each<[unknown, number | undefined]>([
    [1700753990, 1700753990],
    ['1559081980', 1559081980],
    [' 1559081980 ', 1559081980],
    [null, undefined],
    ['', undefined],
  ])('reads EXP %j as %j', (exp, expected) => {
    expect(decode({ exp: exp as number })?.exp).toBe(expected);
  });

  it('tolerates the documented typos (spaces around keys and values) and camelCase keys', () => {
    const data = {
      id: 'https://sample-kv.vault.azure.net/secrets/newsecret/ee05',
      'vaultName ': 'sample-kv',
      'ObjectName ': 'newsecret',
      Version: ' ee05',
      nbf: '1559081980',
    };
    expect(decode({ data })).toMatchObject({
      vaultName: 'sample-kv',
      objectName: 'newsecret',
      version: 'ee05',
      nbf: 1559081980,
    });
  });

  it('falls back to the id for the vault and version, and to the subject for the name', () => {
    const data = { Id: 'https://fallback-kv.vault.azure.net/keys/signing/abc123' };
    expect(decode({ type: 'Microsoft.KeyVault.KeyNewVersionCreated', name: 'signing', data })).toMatchObject({
      vaultName: 'fallback-kv',
      vaultHost: 'fallback-kv.vault.azure.net',
      objectType: 'key',
      objectName: 'signing',
      version: 'abc123',
    });
  });

  it('keeps the port of a loopback id as the vault host, and takes the name from the topic when needed', () => {
    const data = { Id: 'https://127.0.0.1:40443/secrets/s/v1', ObjectName: 's', Version: 'v1' };
    expect(decode({ vault: 'topic-vault', data })).toMatchObject({
      vaultName: 'topic-vault',
      vaultHost: '127.0.0.1:40443',
    });
  });

  it('uses the receipt time for a CloudEvent without time', () => {
    const { time: _time, ...event } = cloudEvent();
    expect(toVaultObjectEvent(envelope(event), RECEIVED_AT_MS)?.eventTime).toBe('2026-06-01T00:00:00.000Z');
  });

  it('returns undefined for types that are not object events', () => {
    expect(decode({ type: 'Microsoft.KeyVault.VaultAccessPolicyChanged' })).toBeUndefined();
    expect(decode({ type: 'Contoso.Items.ItemReceived', data: 'anything' })).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['data that is a string', 'text'],
    ['data that is an array', []],
    ['no version anywhere', { VaultName: 'v', ObjectName: 'n' }],
    ['a non-string ObjectName', { VaultName: 'v', ObjectName: 5, Version: '1' }],
    ['an Id that is no URL', { Id: 'not a url', VaultName: 'v', ObjectName: 'n', Version: '1' }],
    ['an EXP that is no number', { VaultName: 'v', ObjectName: 'n', Version: '1', EXP: 'soon' }],
  ])('refuses %s with ERR_WEBHOOK_BAD_EVENT', (_name, data) => {
    let error: unknown;
    try {
      decode({ data });
    } catch (caught) {
      error = caught;
    }
    expect(isKvsyncError(error, 'ERR_WEBHOOK_BAD_EVENT')).toBe(true);
  });

  it('refuses an event that names no object at all', () => {
    const event = { ...eventGridEvent({ data: { VaultName: 'v', Version: '1' } }), subject: ' ' };
    expect(() => toVaultObjectEvent(envelope(event), RECEIVED_AT_MS)).toThrow(/no object name/);
  });
});
