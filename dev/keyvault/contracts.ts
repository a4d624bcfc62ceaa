import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The seams between the Key Vault emulator's parts, written first so that the parts can be
 * built side by side: the vault data plane (`vault/`, `http/`, `server.ts`), identity and
 * access (`identity/`), and the test controls (`admin/`: faults, throttling, counters, clock,
 * Event Grid). The server calls the hooks; it never imports admin/ internals.
 */

/** Time as the emulator sees it; the admin API can shift it (nbf/exp, near-expiry tests). */
export interface EmulatorClock {
  now(): Date;
}

/** Who a token names. `objectId` is what RBAC assignments and access policies refer to. */
export interface Principal {
  objectId: string;
  clientId: string;
  tenantId: string;
  kind: 'managed-identity' | 'service-principal' | 'workload-identity';
  displayName?: string;
}

/** Data-plane permissions, named like access-policy permissions (`secrets/get`, …). */
export type Permission =
  | `secrets/${'get' | 'list' | 'set' | 'delete' | 'recover' | 'backup' | 'restore' | 'purge'}`
  | `keys/${'get' | 'list' | 'create' | 'import' | 'delete' | 'recover' | 'purge'}`
  | `certificates/${'get' | 'list' | 'create' | 'import' | 'delete' | 'recover' | 'purge'}`;

export type AccessDecision =
  | { allowed: true }
  /** `ForbiddenByRbac` for RBAC vaults, `AccessDenied` for access-policy vaults; message as Azure words it. */
  | { allowed: false; innerCode: 'ForbiddenByRbac' | 'AccessDenied'; message: string };

export interface IdentityService {
  readonly tenantId: string;
  /**
   * Checks a bearer token presented to a vault: signature, expiry, and that its audience is the
   * resource the vault's challenge named. Returns the principal, or why the token is refused.
   */
  verifyAccessToken(token: string, resource: string): { principal: Principal } | { error: string };
  /** Decides whether `principal` may do `permission` on `vault` (open mode allows everything). */
  authorize(vault: string, principal: Principal, permission: Permission): AccessDecision;
  /** Serves Entra-style authority paths (`/{tenant}/v2.0/.well-known/openid-configuration`, token endpoint) on the HTTPS port; false when the path is not one of them. */
  handleAuthority(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean>;
  /** Serves the IMDS-style managed-identity token endpoint (its own plain-HTTP port). */
  handleImds(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
}

/** One data-plane request, as faults, counters and throttling see it. */
export interface VaultRequestInfo {
  vault: string;
  /** Operation name, e.g. `getSecret`, `setSecret`, `getSecrets` (list), `getSecretVersions`, `deleteSecret`. */
  operation: string;
  /** Secret/key/certificate name, when the path has one. */
  objectName?: string;
  method: string;
}

/** A change that Event Grid publishes. Field names follow the Key Vault event data (PascalCase on the wire). */
export interface VaultObjectEvent {
  type:
    | 'SecretNewVersionCreated'
    | 'SecretNearExpiry'
    | 'SecretExpired'
    | 'KeyNewVersionCreated'
    | 'CertificateNewVersionCreated';
  vault: string;
  /** e.g. `https://our-vault.vault.azure.net` or the loopback URL. */
  vaultUrl: string;
  objectType: 'Secret' | 'Key' | 'Certificate';
  objectName: string;
  version: string;
  /** Unix seconds, when set. */
  nbf?: number;
  exp?: number;
}

export interface EmulatorHooks {
  /**
   * Called before a data-plane request is served (after authentication). May answer the request
   * itself (an injected 429, 5xx, reset, 403, or a throttled answer) and return true; may delay.
   */
  beforeRequest?(info: VaultRequestInfo, response: ServerResponse): Promise<boolean>;
  /** Called once a response is sent, with its status (counters). */
  afterResponse?(info: VaultRequestInfo, status: number): void;
  /** Called after a change is stored (Event Grid publisher). */
  onObjectEvent?(event: VaultObjectEvent): void;
}
