/**
 * The Event Grid receiver: the webhook routes (both schemas, both handshakes, shared-secret and
 * Entra authentication) that turn Key Vault events into calls of the operator's callbacks.
 */
export { createEventGridRoutes } from './routes.ts';
export { createJwksKeySource, entraJwksUrl, type JwksKeySourceOptions } from './jwks.ts';
export {
  EVENT_GRID_CLIENT_IDS,
  EVENT_GRID_WEBHOOK_PATH,
  KEY_VAULT_OBJECT_EVENT_TYPES,
  SHARED_SECRET_HEADER,
  SHARED_SECRET_QUERY_PARAMETER,
  SUBSCRIPTION_VALIDATION_EVENT_TYPE,
  type KeyVaultEventKind,
  type VaultObjectType,
} from './event-types.ts';
export { tenantIssuers } from './entra-token.ts';
export { createRelay, RELAYED_BY_HEADER, type Delivery, type RelayOptions } from './relay.ts';
export type {
  EntraAuthentication,
  EventGridReceiverMetrics,
  EventGridReceiverOptions,
  EventOutcome,
  RejectionReason,
  SharedSecretSource,
  VaultObjectEvent,
  WebhookAuthentication,
} from './types.ts';
