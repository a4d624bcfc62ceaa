import { AdminError } from '../admin/index.ts';
import {
  IdentityRegistryError,
  type AccessPolicyPermissions,
  type AccessPolicyRecord,
  type EmulatedIdentityService,
  type RoleAssignmentRecord,
  type VaultAuthorization,
} from '../identity/index.ts';
import { fetchJwks, type JwksUrlIssuers } from './jwks-url.ts';
import {
  accessPolicyPermissions,
  type FederatedCredentialSpec,
  type ManagedIdentitySpec,
  type PrincipalRef,
  type ServicePrincipalSpec,
  type TrustIssuerSpec,
} from './principal-input.ts';

/**
 * Managing who may use the composed emulator: principals (service principals with secrets,
 * user-assigned managed identities, federated credentials), grants (RBAC roles, access
 * policies, each vault's permission model), trusted OIDC issuers and open mode. The admin API's
 * `/principals`, `/vaults/…`, `/issuers` and `/open-mode` routes and the functions on
 * `startDevKeyVault`'s result both call these. Changes apply to the next request; tokens
 * already issued keep naming their principal. Errors are `AdminError`s (`InvalidRequest`,
 * `UnknownRole`, `NotFound`, `JwksUnavailable`).
 */

/** A principal as listed: never a secret, only how many the service principal has. */
export interface PrincipalView {
  kind: 'service-principal' | 'managed-identity' | 'system-assigned';
  clientId: string;
  objectId: string;
  displayName?: string;
  /** Service principals: how many client secrets are accepted. */
  secrets?: number;
  federatedCredentials: Array<Required<FederatedCredentialSpec>>;
}

/** A vault's permission model and the grants that apply to it (`*` role assignments included). */
export interface VaultAccessView {
  vault: string;
  authorization: VaultAuthorization;
  roleAssignments: RoleAssignmentRecord[];
  accessPolicies: AccessPolicyRecord[];
}

/** A trusted OIDC issuer: with its fixed JWKS (`inline`) or the URL its keys are read from. */
export type TrustedIssuerView =
  { issuer: string; source: 'inline'; keys: number } | { issuer: string; source: 'url'; jwksUrl: string };

export interface IdentityAdmin {
  /** Registers a service principal, or adds a secret to an existing one (rotation). */
  addServicePrincipal(spec: ServicePrincipalSpec): PrincipalView;
  /** Registers (or replaces, by client id) a user-assigned managed identity. */
  addManagedIdentity(spec: ManagedIdentitySpec): PrincipalView;
  /** Adds a federated credential to a registered app; `NotFound` when `clientId` is unknown. */
  addFederatedCredential(clientId: string, spec: FederatedCredentialSpec): PrincipalView;
  /** Removes a principal and its credentials (its grants stay, keyed by object id); false when unknown. */
  removePrincipal(clientId: string): boolean;
  /** The system-assigned identity first, then registered principals. */
  listPrincipals(): PrincipalView[];
  /** The object id grants for `principal` use. */
  objectIdOf(principal: PrincipalRef): string;
  /** Assigns a built-in Key Vault role (name or id) on a vault (`*`: every vault). Idempotent. */
  grantRole(vault: string, principal: PrincipalRef, role: string): RoleAssignmentRecord;
  /** Removes `role` (every role when omitted) from the principal on the vault; returns how many went. */
  revokeRole(vault: string, principal: PrincipalRef, role?: string): number;
  /** Sets (replaces) the principal's access policy on a vault. */
  setAccessPolicy(
    vault: string,
    principal: PrincipalRef,
    permissions: AccessPolicyPermissions,
  ): AccessPolicyRecord;
  removeAccessPolicy(vault: string, principal: PrincipalRef): boolean;
  /** Chooses a vault's permission model: `rbac` (the default) or `access-policy`. */
  setVaultAuthorization(vault: string, model: VaultAuthorization): VaultAccessView;
  vaultAccess(vault: string): VaultAccessView;
  /**
   * Trusts an OIDC issuer for workload-identity assertions. With `jwksUrl` the keys are fetched
   * once now (rejects with `JwksUnavailable` when that fails; nothing changes) and again for
   * each assertion. Replaces an earlier trust of the same issuer.
   */
  trustIssuer(spec: TrustIssuerSpec): Promise<TrustedIssuerView>;
  /** Stops trusting an issuer; false when it was not trusted. */
  distrustIssuer(issuer: string): boolean;
  trustedIssuers(): TrustedIssuerView[];
  /** Open mode: any identity may do anything (see the identity README). */
  setOpenMode(open: boolean): void;
  /** Whether open mode is on. */
  isOpenMode(): boolean;
}

export interface IdentityAdminOptions {
  identity: EmulatedIdentityService;
  urlIssuers: JwksUrlIssuers;
  /** True for the vaults this emulator serves; grants on other vaults are refused with `NotFound`. */
  vaultExists(vault: string): boolean;
}

/** Runs a registry call, turning its errors into admin errors. */
function registry<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (!(error instanceof IdentityRegistryError)) throw error;
    throw new AdminError(error.code === 'UnknownRole' ? 'UnknownRole' : 'InvalidRequest', error.message);
  }
}

type Context = IdentityAdminOptions;

/** The vault name (lower case) when this emulator serves it, or `*` when allowed. */
function checkVault(context: Context, vault: string, allowAll: boolean): string {
  if (typeof vault !== 'string' || vault.trim() === '')
    throw new AdminError('InvalidRequest', 'vault is required');
  if (allowAll && vault.trim() === '*') return '*';
  if (!context.vaultExists(vault))
    throw new AdminError('NotFound', `no vault '${vault.slice(0, 64)}' is served`);
  return vault.toLowerCase();
}

function objectIdOf(context: Context, principal: PrincipalRef): string {
  if ('objectId' in principal) return principal.objectId.trim().toLowerCase();
  const system = context.identity.principals.systemAssignedIdentity;
  if ('systemAssigned' in principal) return system.objectId;
  if (principal.clientId.toLowerCase() === system.clientId) return system.objectId;
  return context.identity.principals.objectIdOf(principal.clientId);
}

function principalNotFound(clientId: string): AdminError {
  return new AdminError('NotFound', `no principal with client id '${clientId.slice(0, 64)}'`);
}

function principalFunctions(context: Context) {
  const principals = context.identity.principals;
  const view = (clientId: string): PrincipalView => {
    const found = listPrincipals(context.identity).find((p) => p.clientId === clientId.toLowerCase());
    if (!found) throw principalNotFound(clientId);
    return found;
  };
  const addFederated = (clientId: string, specs: FederatedCredentialSpec[] | undefined) => {
    for (const spec of specs ?? []) registry(() => principals.addFederatedCredential({ clientId, ...spec }));
    return view(clientId);
  };
  return {
    addServicePrincipal({ federatedCredentials, ...input }: ServicePrincipalSpec) {
      return addFederated(
        registry(() => principals.addServicePrincipal(input)).clientId,
        federatedCredentials,
      );
    },
    addManagedIdentity({ federatedCredentials, ...input }: ManagedIdentitySpec) {
      return addFederated(
        registry(() => principals.addManagedIdentity(input)).clientId,
        federatedCredentials,
      );
    },
    addFederatedCredential(clientId: string, spec: FederatedCredentialSpec) {
      if (!principals.findApplication(clientId)) throw principalNotFound(clientId);
      return addFederated(clientId, [spec]);
    },
    removePrincipal: (clientId: string) => principals.removePrincipal(clientId),
    listPrincipals: () => listPrincipals(context.identity),
    objectIdOf: (principal: PrincipalRef) => objectIdOf(context, principal),
    setOpenMode: (open: boolean) => context.identity.setOpenMode(open),
    isOpenMode: () => context.identity.open,
  } satisfies Partial<IdentityAdmin>;
}

function grantFunctions(context: Context) {
  const principals = context.identity.principals;
  const vaultAccess = (vault: string): VaultAccessView => {
    const name = checkVault(context, vault, false);
    return {
      vault: name,
      authorization: principals.vaultAuthorization(name),
      roleAssignments: principals.roleAssignments(name),
      accessPolicies: principals.accessPolicies(name),
    };
  };
  const target = (vault: string, principal: PrincipalRef, allowAll: boolean): [string, string] => [
    checkVault(context, vault, allowAll),
    objectIdOf(context, principal),
  ];
  return {
    grantRole: (vault: string, principal: PrincipalRef, role: string) =>
      registry(() => principals.grantRole(...target(vault, principal, true), role)),
    revokeRole: (vault: string, principal: PrincipalRef, role?: string) =>
      registry(() => principals.revokeRole(...target(vault, principal, true), role)),
    setAccessPolicy: (vault: string, principal: PrincipalRef, permissions: AccessPolicyPermissions) => {
      const checked = accessPolicyPermissions(permissions, 'set access policy');
      return registry(() => principals.setAccessPolicy(...target(vault, principal, false), checked));
    },
    removeAccessPolicy: (vault: string, principal: PrincipalRef) =>
      principals.removeAccessPolicy(...target(vault, principal, false)),
    setVaultAuthorization(vault: string, model: VaultAuthorization) {
      registry(() => principals.setVaultAuthorization(checkVault(context, vault, false), model));
      return vaultAccess(vault);
    },
    vaultAccess,
  } satisfies Partial<IdentityAdmin>;
}

function issuerFunctions(context: Context) {
  const { identity, urlIssuers } = context;
  return {
    async trustIssuer(spec: TrustIssuerSpec): Promise<TrustedIssuerView> {
      if ('jwks' in spec) {
        registry(() => identity.principals.addTrustedIssuer(spec.issuer, spec.jwks));
        urlIssuers.delete(spec.issuer);
        return { issuer: spec.issuer, source: 'inline', keys: spec.jwks.keys.length };
      }
      try {
        await fetchJwks(spec);
      } catch (error) {
        throw new AdminError('JwksUnavailable', `trust issuer '${spec.issuer}': ${(error as Error).message}`);
      }
      urlIssuers.set({ issuer: spec.issuer, jwksUrl: spec.jwksUrl, ...(spec.ca ? { ca: spec.ca } : {}) });
      identity.principals.removeTrustedIssuer(spec.issuer);
      return { issuer: spec.issuer, source: 'url', jwksUrl: spec.jwksUrl };
    },
    distrustIssuer(issuer: string) {
      const inline = identity.principals.removeTrustedIssuer(issuer);
      return urlIssuers.delete(issuer) || inline;
    },
    trustedIssuers: () => trustedIssuers(identity, urlIssuers),
  } satisfies Partial<IdentityAdmin>;
}

/** Creates the functions over one emulator's identity service. */
export function createIdentityAdmin(options: IdentityAdminOptions): IdentityAdmin {
  return { ...principalFunctions(options), ...grantFunctions(options), ...issuerFunctions(options) };
}

function listPrincipals(identity: EmulatedIdentityService): PrincipalView[] {
  const { directory } = identity.principals.snapshot();
  const federated = (clientId: string) =>
    directory.federatedCredentials
      .filter((fic) => fic.clientId === clientId)
      .map(({ issuer, subject, audiences }) => ({ issuer, subject, audiences }));
  return [
    { kind: 'system-assigned', ...directory.systemAssigned, federatedCredentials: [] },
    ...directory.servicePrincipals.map((sp): PrincipalView => ({
      kind: 'service-principal',
      clientId: sp.clientId,
      objectId: sp.objectId,
      ...(sp.displayName === undefined ? {} : { displayName: sp.displayName }),
      secrets: sp.secretHashes.length,
      federatedCredentials: federated(sp.clientId),
    })),
    ...directory.managedIdentities.map((mi): PrincipalView => ({
      kind: 'managed-identity',
      clientId: mi.clientId,
      objectId: mi.objectId,
      displayName: mi.name,
      federatedCredentials: federated(mi.clientId),
    })),
  ];
}

function trustedIssuers(identity: EmulatedIdentityService, urlIssuers: JwksUrlIssuers): TrustedIssuerView[] {
  const inline = identity.principals.snapshot().directory.trustedIssuers.map((entry): TrustedIssuerView => ({
    issuer: entry.issuer,
    source: 'inline',
    keys: entry.jwks.keys.length,
  }));
  const byUrl = urlIssuers
    .list()
    .map((entry): TrustedIssuerView => ({ issuer: entry.issuer, source: 'url', jwksUrl: entry.jwksUrl }));
  return [...inline, ...byUrl];
}
