/**
 * Names on the Event Grid wire that the receiver relies on, one place each (reference §7.1,
 * §7.3, §7.4, §7.6).
 */

/** Where the operator's HTTP server serves the webhook. */
export const EVENT_GRID_WEBHOOK_PATH = '/webhooks/eventgrid';

/** Query parameter that may carry the shared secret (`…/webhooks/eventgrid?code=…`), as Azure's docs do. */
export const SHARED_SECRET_QUERY_PARAMETER = 'code';

/** Header that may carry the shared secret (an Event Grid delivery property marked secret). */
export const SHARED_SECRET_HEADER = 'x-kvsync-secret';

/** Event type of the Event Grid schema's validation handshake. */
export const SUBSCRIPTION_VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

/** Client ids (`appid`/`azp`) of the Microsoft.EventGrid first-party app: public cloud, US Government. */
export const EVENT_GRID_CLIENT_IDS: readonly string[] = Object.freeze([
  '4962773b-9cdb-44cf-a8bf-237846a00ab7',
  '54316b56-3481-47f9-8f30-0300f5542a7b',
]);

/** What a Key Vault event says happened to the object. */
export type KeyVaultEventKind = 'NewVersionCreated' | 'NearExpiry' | 'Expired';

/** Object types of Key Vault events, as kvsync names them. */
export type VaultObjectType = 'secret' | 'key' | 'certificate';

const PREFIX = 'Microsoft.KeyVault.';
const WIRE_OBJECT_TYPES: Readonly<Record<string, VaultObjectType>> = {
  Secret: 'secret',
  Key: 'key',
  Certificate: 'certificate',
};
const KINDS: readonly KeyVaultEventKind[] = ['NewVersionCreated', 'NearExpiry', 'Expired'];

/** The nine Key Vault object event types the receiver understands (`VaultAccessPolicyChanged` is not one). */
export const KEY_VAULT_OBJECT_EVENT_TYPES: readonly string[] = Object.freeze(
  Object.keys(WIRE_OBJECT_TYPES).flatMap((object) => KINDS.map((kind) => `${PREFIX}${object}${kind}`)),
);

/** `Microsoft.KeyVault.SecretNewVersionCreated` → `{objectType: 'secret', kind: 'NewVersionCreated'}`; undefined for any other type. */
export function parseKeyVaultEventType(
  eventType: string,
): { objectType: VaultObjectType; kind: KeyVaultEventKind } | undefined {
  if (!eventType.startsWith(PREFIX)) return undefined;
  const rest = eventType.slice(PREFIX.length);
  for (const [wire, objectType] of Object.entries(WIRE_OBJECT_TYPES)) {
    if (!rest.startsWith(wire)) continue;
    const kind = KINDS.find((candidate) => rest === `${wire}${candidate}`);
    if (kind !== undefined) return { objectType, kind };
  }
  return undefined;
}

/** The event type as a metric label: one of the known types, else `other` (labels stay bounded). */
export function eventTypeLabel(eventType: string): string {
  if (eventType === SUBSCRIPTION_VALIDATION_EVENT_TYPE) return eventType;
  return KEY_VAULT_OBJECT_EVENT_TYPES.includes(eventType) ? eventType : 'other';
}
