/** The receiver's public types: what it hands to the operator, and what it needs. */
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../observability/logger.ts';
import type { VaultObjectType } from './event-types.ts';
import type { Delivery } from './relay.ts';

/**
 * One Key Vault object event, decoded. Carries names and versions only: Key Vault events hold
 * no secret values.
 */
export interface VaultObjectEvent {
  /** Lower case, e.g. `our-vault`. */
  vaultName: string;
  /**
   * Lower-case host of the object's id, e.g. `our-vault.vault.azure.net` (port included when the
   * id has one, as an emulator's loopback URL does), so that it equals `new URL(vaultUrl).host`
   * of a store addressing the vault the same way. `<vaultName>.vault.azure.net` when the event
   * carries no id.
   */
  vaultHost: string;
  objectType: VaultObjectType;
  /** As Key Vault sent it; Key Vault compares names case-insensitively, and so should consumers. */
  objectName: string;
  version: string;
  /** Full type, e.g. `Microsoft.KeyVault.SecretNewVersionCreated`. */
  eventType: string;
  /** Event Grid's event id (at-least-once delivery repeats it). */
  eventId: string;
  /** ISO 8601, as sent. */
  eventTime: string;
  /** Seconds since the epoch, when the version has them. */
  nbf?: number;
  exp?: number;
}

/**
 * The accepted shared secret(s), read on every request so that a rotated Kubernetes Secret
 * takes effect at once. Several values are accepted together during a rotation. `undefined`
 * (or an empty list) means "not loaded yet": requests get 503, which Event Grid retries.
 */
export type SharedSecretSource = () => string | readonly string[] | undefined;

/** Microsoft Entra ID bearer tokens on delivery (`Authorization: Bearer …`), reference §7.6. */
export interface EntraAuthentication {
  /** Required `aud`: the webhook app's client id or App ID URI (any one of a list). */
  audience: string | readonly string[];
  /** The tenant; when `issuers` is absent, the v1 and v2 issuers of this tenant are accepted. */
  tenantId?: string;
  /** Accepted `iss` values; overrides the ones derived from `tenantId`. */
  issuers?: readonly string[];
  /**
   * The RSA public key of a key id: resolves undefined when the key is unknown (the request
   * gets 401), rejects when keys cannot be fetched now (503, retried). See `createJwksKeySource`.
   */
  jwks: (kid: string) => Promise<KeyObject | undefined>;
  /** Accepted `appid`/`azp`; default Event Grid's first-party app ids; `'any'` skips the check. */
  clientIds?: readonly string[] | 'any';
  /** A value the `roles` claim must hold, e.g. `AzureEventGridSecureWebhookSubscriber`. Default none. */
  requiredRole?: string;
  /** Tolerance for `exp`/`nbf`; default 300,000 (5 min). */
  clockSkewMs?: number;
}

/**
 * How deliveries are authenticated. Every configured method must pass. Running without any
 * needs the explicit `{ none: true }` (and is logged as a warning).
 */
export type WebhookAuthentication =
  | { readonly none: true }
  | {
      readonly none?: false;
      /** Compared in constant time with `?code=` and the `x-kvsync-secret` header. */
      readonly sharedSecret?: SharedSecretSource;
      readonly entra?: EntraAuthentication;
    };

/** What became of one event of a delivery. */
export type EventOutcome = 'dispatched' | 'duplicate' | 'ignored' | 'failed';

/** Why a whole request was refused before its events were looked at. */
export type RejectionReason = 'unauthorized' | 'unavailable' | 'malformed';

/**
 * The receiver's metrics; the composition root adapts them to Prometheus. Labels are bounded:
 * event types outside the known Key Vault ones are counted as `other`, and vault names come
 * only from authenticated deliveries.
 */
export interface EventGridReceiverMetrics {
  /** One per event of an authenticated, well-formed delivery. */
  countEvent(eventTypeLabel: string, outcome: EventOutcome): void;
  /** One per refused request (401, 503, 400). */
  countRejected(reason: RejectionReason): void;
  /** One per answered handshake. */
  countHandshake(schema: 'EventGridSchema' | 'CloudEventSchemaV1_0'): void;
  /** Receipt time of the latest Key Vault event of a vault (dispatched or duplicate). */
  setLastEventTime(vaultName: string, receivedAtMs: number): void;
}

/** Options of {@link createEventGridRoutes}. */
export interface EventGridReceiverOptions {
  authentication: WebhookAuthentication;
  /**
   * `SecretNewVersionCreated`. Called synchronously before the response is written: enqueue
   * work and return; never wait for a sync here. A throw answers 500 so that Event Grid retries
   * (events already dispatched in that delivery are then skipped as duplicates).
   */
  onSecretNewVersion(event: VaultObjectEvent): void;
  /** `KeyNewVersionCreated`; without it those events are acknowledged and ignored. */
  onKeyNewVersion?(event: VaultObjectEvent): void;
  /** `CertificateNewVersionCreated`; without it those events are acknowledged and ignored. */
  onCertificateNewVersion?(event: VaultObjectEvent): void;
  /** `{Secret,Key,Certificate}NearExpiry` (30 days before `exp`). */
  onNearExpiry?(event: VaultObjectEvent): void;
  /** `{Secret,Key,Certificate}Expired`. */
  onExpired?(event: VaultObjectEvent): void;
  logger: Logger;
  metrics?: EventGridReceiverMetrics;
  /** Milliseconds since the epoch (token lifetimes, receipt times); default `Date.now`. */
  clock?: { now(): number };
  /** Event ids remembered to skip redeliveries; default 10,000. */
  recentEventIds?: number;
  /**
   * Passes each delivery with events on to the other replicas (`createRelay`), after it has been
   * answered; not called for a delivery another replica relayed.
   */
  relay?: (delivery: Delivery) => void;
}
