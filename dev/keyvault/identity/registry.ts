import type { AccessDecision, Permission, Principal } from '../contracts.ts';
import {
  AccessControl,
  type AccessPolicyPermissions,
  type AccessPolicyRecord,
  type AccessSnapshot,
  type DecisionContext,
  type RoleAssignmentRecord,
  type VaultAuthorization,
} from './access.ts';
import type { Jwks } from './jwt.ts';
import {
  derivedObjectId,
  PrincipalDirectory,
  type DirectorySnapshot,
  type FederatedCredentialInput,
  type FederatedCredentialRecord,
  type ManagedIdentityInput,
  type ManagedIdentityRecord,
  type ManagedIdentitySelector,
  type ServicePrincipalInput,
  type ServicePrincipalRecord,
  type SystemAssignedIdentity,
} from './principals.ts';

/** Everything the registry holds, as JSON. */
export interface RegistrySnapshot {
  version: 1;
  directory: DirectorySnapshot;
  access: AccessSnapshot;
}

/**
 * Who exists (identities and their credentials) and who may do what (roles, access policies,
 * vault permission models). Synchronous and single-threaded; changes apply to the next request.
 */
export class PrincipalRegistry {
  readonly #directory: PrincipalDirectory;
  readonly #access = new AccessControl();

  constructor(tenantId: string) {
    this.#directory = new PrincipalDirectory(tenantId);
  }

  /** The host's system-assigned managed identity (IMDS requests without an identity parameter). */
  get systemAssignedIdentity(): SystemAssignedIdentity {
    return this.#directory.systemAssigned;
  }

  /** Registers (or replaces) a user-assigned managed identity; object id derived when omitted. */
  addManagedIdentity(input: ManagedIdentityInput): ManagedIdentityRecord {
    return this.#directory.addManagedIdentity(input);
  }

  findManagedIdentity(selector: ManagedIdentitySelector): ManagedIdentityRecord | undefined {
    return this.#directory.findManagedIdentity(selector);
  }

  /** Registers a service principal or adds a secret/certificate to it. The record has no secrets in clear. */
  addServicePrincipal(input: ServicePrincipalInput): ServicePrincipalRecord {
    return this.#directory.addServicePrincipal(input);
  }

  findServicePrincipal(clientId: string): ServicePrincipalRecord | undefined {
    return this.#directory.findServicePrincipal(clientId);
  }

  /** True when `secret` is a current secret of the registered service principal `clientId`. */
  servicePrincipalSecretMatches(clientId: string, secret: string): boolean {
    const record = this.#directory.findServicePrincipal(clientId);
    return record !== undefined && this.#directory.secretMatches(record, secret);
  }

  /** The object id and display name of a registered app (managed identity or service principal). */
  findApplication(clientId: string): { objectId: string; displayName?: string } | undefined {
    return this.#directory.findApplication(clientId);
  }

  /**
   * The object id tokens for `clientId` carry: the registered identity's, else the one derived
   * from the client id (what open mode uses), so grants can be made before first sign-in.
   */
  objectIdOf(clientId: string): string {
    return this.#directory.findApplication(clientId)?.objectId ?? derivedObjectId(clientId);
  }

  /** Lets assertions from (issuer, subject) authenticate as app `clientId`. */
  addFederatedCredential(input: FederatedCredentialInput): FederatedCredentialRecord {
    return this.#directory.addFederatedCredential(input);
  }

  federatedCredentials(clientId: string): FederatedCredentialRecord[] {
    return this.#directory.federatedCredentials(clientId);
  }

  /** Trusts an OIDC issuer with a static JWKS (e.g. the Kubernetes emulator's `/openid/v1/jwks`). */
  addTrustedIssuer(issuer: string, jwks: Jwks): void {
    this.#directory.addTrustedIssuer(issuer, jwks);
  }

  trustedIssuerJwks(issuer: string): Jwks | undefined {
    return this.#directory.trustedIssuerJwks(issuer);
  }

  /** Stops trusting an issuer added with `addTrustedIssuer`; true when it was trusted. */
  removeTrustedIssuer(issuer: string): boolean {
    return this.#directory.removeTrustedIssuer(issuer);
  }

  /** Removes identities and federated credentials of `clientId` (grants stay, keyed by object id). */
  removePrincipal(clientId: string): boolean {
    return this.#directory.removePrincipal(clientId);
  }

  /** Assigns a built-in Key Vault role (name or id) at vault scope (`*` = every vault). */
  grantRole(vault: string, principalObjectId: string, role: string): RoleAssignmentRecord {
    return this.#access.grantRole(vault, principalObjectId, role);
  }

  /** Removes role assignments (of `role`, or all); returns how many. */
  revokeRole(vault: string, principalObjectId: string, role?: string): number {
    return this.#access.revokeRole(vault, principalObjectId, role);
  }

  roleAssignments(vault?: string): RoleAssignmentRecord[] {
    return this.#access.roleAssignments(vault);
  }

  /** Sets the access policy of an object id on a vault (used when the vault is `access-policy`). */
  setAccessPolicy(vault: string, objectId: string, permissions: AccessPolicyPermissions): AccessPolicyRecord {
    return this.#access.setAccessPolicy(vault, objectId, permissions);
  }

  removeAccessPolicy(vault: string, objectId: string): boolean {
    return this.#access.removeAccessPolicy(vault, objectId);
  }

  accessPolicies(vault?: string): AccessPolicyRecord[] {
    return this.#access.accessPolicies(vault);
  }

  /** Chooses a vault's permission model. Vaults never set use the default, `rbac`. */
  setVaultAuthorization(vault: string, mode: VaultAuthorization): void {
    this.#access.setVaultAuthorization(vault, mode);
  }

  /** Changes the model of vaults never given one (initially `rbac`). */
  setDefaultVaultAuthorization(mode: VaultAuthorization): void {
    this.#access.setDefaultAuthorization(mode);
  }

  vaultAuthorization(vault: string): VaultAuthorization {
    return this.#access.vaultAuthorization(vault);
  }

  /** The decision under the vault's model, without any open-mode shortcut. */
  decide(
    vault: string,
    principal: Principal,
    permission: Permission,
    context: DecisionContext,
  ): AccessDecision {
    return this.#access.decide(vault, principal, permission, context);
  }

  snapshot(): RegistrySnapshot {
    return { version: 1, directory: this.#directory.snapshot(), access: this.#access.snapshot() };
  }

  /** Replaces the whole state with `snapshot` (missing parts become empty). */
  restore(snapshot: RegistrySnapshot): void {
    this.#directory.restore(snapshot.directory);
    this.#access.restore(snapshot.access);
  }
}
