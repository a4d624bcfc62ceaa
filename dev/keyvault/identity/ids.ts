import { createHash, randomUUID } from 'node:crypto';

/** Identifiers and fixed values of the emulated directory. */

/** The tenant the emulator answers for unless told otherwise. */
export const DEFAULT_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Subscription and resource group that resource ids (`/subscriptions/…`) name. */
export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-4000-8000-00000000abcd';
export const DEFAULT_RESOURCE_GROUP = 'kvsync-dev';

/** The region vault error messages name (`{vault};location={region}`). */
export const DEFAULT_LOCATION = 'westeurope';

/** The audience Entra requires of federated (workload identity) assertions. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** `client_assertion_type` for JWT client assertions (RFC 7523). */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Tenant path segments that alias the emulator's own tenant. */
export const TENANT_ALIASES = ['common', 'organizations'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a GUID such as a tenant, client or object id. */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * A stable GUID derived from `name` (the layout of a version-5 UUID, SHA-256 based): the same
 * client id always gets the same object id, so grants survive restarts in open mode.
 */
export function guidFromName(namespace: string, name: string): string {
  const hash = createHash('sha256').update(`${namespace}\0${name}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A fresh random GUID (trace ids, token ids). */
export function newGuid(): string {
  return randomUUID();
}

/** The ARM id of a user-assigned managed identity, as `msi_res_id` and `xms_mirid` carry it. */
export function userAssignedIdentityResourceId(name: string): string {
  return (
    `/subscriptions/${DEFAULT_SUBSCRIPTION_ID}/resourcegroups/${DEFAULT_RESOURCE_GROUP}` +
    `/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`
  );
}

/** The ARM id of a vault, lower-cased as Key Vault's error messages print it. */
export function vaultResourceId(vault: string): string {
  return (
    `/subscriptions/${DEFAULT_SUBSCRIPTION_ID}/resourcegroups/${DEFAULT_RESOURCE_GROUP}` +
    `/providers/microsoft.keyvault/vaults/${vault.toLowerCase()}`
  );
}

/** The v1 token issuer for a tenant: what Key Vault sees in `iss`. */
export function stsIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}
