/**
 * Test helpers for the receiver: an Entra-like token signer with its JWKS, a JWKS server, Key
 * Vault event fixtures in both schemas, and recording callbacks/metrics. Used by tests only;
 * not exported by `index.ts`.
 */
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_GRID_CLIENT_IDS } from './event-types.ts';
import type { EventGridReceiverMetrics, EventOutcome, RejectionReason, VaultObjectEvent } from './types.ts';

export const TEST_TENANT_ID = '72f988bf-0000-4000-8000-00000000a11d';
export const TEST_AUDIENCE = 'api://kvsync-webhook';

/** Signs JWTs with one RSA key; `jwks` is the document that publishes it. */
export interface TestSigner {
  kid: string;
  publicKey: KeyObject;
  jwks: { keys: Array<Record<string, unknown>> };
  /** A token for `claims`, header `{alg, kid, typ}`; `alg` other than RS256 only changes the header. */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): string;
}

export function createTestSigner(kid = `key-${randomUUID().slice(0, 8)}`): TestSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    kid,
    publicKey,
    jwks: { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] },
    sign(claims, header = {}) {
      const signed = `${encode({ alg: 'RS256', typ: 'JWT', kid, ...header })}.${encode(claims)}`;
      return `${signed}.${sign('RSA-SHA256', Buffer.from(signed), privateKey).toString('base64url')}`;
    },
  };
}

/** Claims of a v1 token as Event Grid presents it (reference §7.6), valid for an hour from `nowMs`. */
export function eventGridClaims(
  nowMs: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const nowSeconds = Math.floor(nowMs / 1000);
  return {
    iss: `https://sts.windows.net/${TEST_TENANT_ID}/`,
    aud: TEST_AUDIENCE,
    tid: TEST_TENANT_ID,
    appid: EVENT_GRID_CLIENT_IDS[0],
    oid: randomUUID(),
    roles: ['AzureEventGridSecureWebhookSubscriber'],
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + 3600,
    ...overrides,
  };
}

export interface JwksServer {
  url: string;
  /** Requests served so far. */
  requests(): number;
  /** What the next requests get: a document, or a status. */
  serve(answer: { document: unknown } | { status: number }): void;
  close(): Promise<void>;
}

/** A plain-HTTP loopback server of one JWKS document. */
export async function startJwksServer(document: unknown): Promise<JwksServer> {
  let answer: { document: unknown } | { status: number } = { document };
  let count = 0;
  const server: Server = createServer((_request, response) => {
    count++;
    if ('status' in answer) return void response.writeHead(answer.status).end();
    const body = JSON.stringify(answer.document);
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${TEST_TENANT_ID}/discovery/v2.0/keys`,
    requests: () => count,
    serve: (next) => void (answer = next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface KeyVaultEventFixture {
  id?: string;
  type?: string;
  vault?: string;
  objectType?: 'Secret' | 'Key' | 'Certificate';
  name?: string;
  version?: string;
  exp?: number | string | null;
  /** Replaces `data` entirely. */
  data?: unknown;
}

function dataOf(fixture: KeyVaultEventFixture): unknown {
  if ('data' in fixture) return fixture.data;
  const vault = fixture.vault ?? 'our-vault';
  const objectType = fixture.objectType ?? 'Secret';
  const name = fixture.name ?? 'postgresql-password';
  const version = fixture.version ?? 'ee059b2bb5bc48398a53b168c6cdcb10';
  return {
    Id: `https://${vault}.vault.azure.net/${objectType.toLowerCase()}s/${name}/${version}`,
    VaultName: vault,
    ObjectType: objectType,
    ObjectName: name,
    Version: version,
    NBF: null,
    EXP: fixture.exp ?? null,
  };
}

function topicOf(fixture: KeyVaultEventFixture): string {
  return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${fixture.vault ?? 'our-vault'}`;
}

/** One Key Vault event in the Event Grid schema (default: `SecretNewVersionCreated` of `postgresql-password`). */
export function eventGridEvent(fixture: KeyVaultEventFixture = {}): Record<string, unknown> {
  return {
    id: fixture.id ?? randomUUID(),
    topic: topicOf(fixture),
    subject: fixture.name ?? 'postgresql-password',
    eventType: fixture.type ?? 'Microsoft.KeyVault.SecretNewVersionCreated',
    data: dataOf(fixture),
    dataVersion: '1',
    metadataVersion: '1',
    eventTime: '2026-01-01T00:00:00.0000000Z',
  };
}

/** The same event as a CloudEvent 1.0. */
export function cloudEvent(fixture: KeyVaultEventFixture = {}): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: fixture.id ?? randomUUID(),
    source: topicOf(fixture),
    type: fixture.type ?? 'Microsoft.KeyVault.SecretNewVersionCreated',
    subject: fixture.name ?? 'postgresql-password',
    time: '2026-01-01T00:00:00.0000000Z',
    data: dataOf(fixture),
  };
}

/** Callbacks that record what they get, by callback name. */
export interface RecordingCallbacks {
  onSecretNewVersion(event: VaultObjectEvent): void;
  onKeyNewVersion(event: VaultObjectEvent): void;
  onCertificateNewVersion(event: VaultObjectEvent): void;
  onNearExpiry(event: VaultObjectEvent): void;
  onExpired(event: VaultObjectEvent): void;
  calls: Array<{ callback: string; event: VaultObjectEvent }>;
}

export function recordingCallbacks(): RecordingCallbacks {
  const calls: RecordingCallbacks['calls'] = [];
  const record = (callback: string) => (event: VaultObjectEvent) => void calls.push({ callback, event });
  return {
    calls,
    onSecretNewVersion: record('onSecretNewVersion'),
    onKeyNewVersion: record('onKeyNewVersion'),
    onCertificateNewVersion: record('onCertificateNewVersion'),
    onNearExpiry: record('onNearExpiry'),
    onExpired: record('onExpired'),
  };
}

/** Metrics that keep counts as `type/outcome`, `reason`, `schema` keys, and last times by vault. */
export interface RecordingMetrics extends EventGridReceiverMetrics {
  events: Map<string, number>;
  rejected: Map<RejectionReason, number>;
  handshakes: Map<string, number>;
  lastEventTimes: Map<string, number>;
}

export function recordingMetrics(): RecordingMetrics {
  const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
  const metrics: RecordingMetrics = {
    events: new Map(),
    rejected: new Map(),
    handshakes: new Map(),
    lastEventTimes: new Map(),
    countEvent: (type: string, outcome: EventOutcome) => bump(metrics.events, `${type}/${outcome}`),
    countRejected: (reason) => bump(metrics.rejected, reason),
    countHandshake: (schema) => bump(metrics.handshakes, schema),
    setLastEventTime: (vault, atMs) => void metrics.lastEventTimes.set(vault, atMs),
  };
  return metrics;
}
