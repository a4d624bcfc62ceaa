import type { AccessDecision, Permission, Principal } from '../contracts.ts';
import { stsIssuer, vaultResourceId } from './ids.ts';
import { IdentityRegistryError } from './principals.ts';
import { findRole, PERMISSION_ACTIONS, roleGrants } from './roles.ts';

/**
 * Per-vault access: the permission model of each vault (Azure RBAC or access policies), role
 * assignments and access policies, and the decision with the 403 wording Key Vault uses.
 */

export type VaultAuthorization = 'rbac' | 'access-policy';

/** A role assignment at vault scope; vault `*` stands for the subscription (every vault). */
export interface RoleAssignmentRecord {
  vault: string;
  principalObjectId: string;
  roleDefinitionId: string;
  roleName: string;
}

/** Access-policy permission lists, named as in Azure (`get`, `list`, `set`, …, or `all`). */
export interface AccessPolicyPermissions {
  secrets?: string[];
  keys?: string[];
  certificates?: string[];
}

export interface AccessPolicyRecord {
  vault: string;
  objectId: string;
  permissions: Required<AccessPolicyPermissions>;
}

export interface AccessSnapshot {
  /** Model of vaults not named in `vaultAuthorization`. */
  defaultAuthorization: VaultAuthorization;
  vaultAuthorization: Record<string, VaultAuthorization>;
  roleAssignments: RoleAssignmentRecord[];
  accessPolicies: AccessPolicyRecord[];
}

/** What the decision messages need besides the request. */
export interface DecisionContext {
  tenantId: string;
  /** Region printed as `{vault};location={region}`. */
  location: string;
}

const ALL_VAULTS = '*';

function vaultKey(vault: string): string {
  const key = vault.trim().toLowerCase();
  if (!key) throw new IdentityRegistryError('InvalidInput', 'vault is required');
  return key;
}

function normalizeList(list: string[] | undefined): string[] {
  return [...new Set((list ?? []).map((entry) => entry.trim().toLowerCase()).filter(Boolean))];
}

function callerText(principal: Principal): string {
  return `appid=${principal.clientId};oid=${principal.objectId};iss=${stsIssuer(principal.tenantId)}`;
}

/** The `ForbiddenByRbac` message, close to Key Vault's (CRLF-separated lines). */
export function rbacDeniedMessage(
  vault: string,
  principal: Principal,
  permission: Permission,
  context: DecisionContext,
): string {
  return [
    'Caller is not authorized to perform action on resource.',
    'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
    `Caller: ${callerText(principal)}`,
    `Action: '${PERMISSION_ACTIONS[permission]}'`,
    `Resource: '${vaultResourceId(vault)}'`,
    'Assignment: (not found)',
    'DenyAssignmentId: null',
    "DecisionReason: 'DeniedWithNoValidRBAC' ",
    `Vault: ${vault.toLowerCase()};location=${context.location}`,
    '',
  ].join('\r\n');
}

/** The `AccessDenied` message of access-policy vaults. */
export function accessPolicyDeniedMessage(
  vault: string,
  principal: Principal,
  permission: Permission,
  context: DecisionContext,
): string {
  const [kind, operation] = permission.split('/') as [string, string];
  return (
    `The user, group or application '${callerText(principal)}' does not have ${kind} ${operation} ` +
    `permission on key vault '${vault.toLowerCase()};location=${context.location}'. ` +
    'For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287'
  );
}

/** Role assignments, access policies and permission models. See the module comment. */
export class AccessControl {
  #state: AccessSnapshot = {
    defaultAuthorization: 'rbac',
    vaultAuthorization: {},
    roleAssignments: [],
    accessPolicies: [],
  };

  /** Sets a vault's permission model; vaults never set use the default (`rbac`, as new vaults). */
  setVaultAuthorization(vault: string, mode: VaultAuthorization): void {
    if (mode !== 'rbac' && mode !== 'access-policy')
      throw new IdentityRegistryError(
        'InvalidInput',
        `vault authorization must be 'rbac' or 'access-policy'`,
      );
    this.#state.vaultAuthorization[vaultKey(vault)] = mode;
  }

  vaultAuthorization(vault: string): VaultAuthorization {
    return this.#state.vaultAuthorization[vaultKey(vault)] ?? this.#state.defaultAuthorization;
  }

  /**
   * Assigns a built-in role (name or role definition id) to an object id at vault scope (`*`:
   * every vault). Idempotent. Throws IdentityRegistryError `UnknownRole` for other roles.
   */
  grantRole(vault: string, principalObjectId: string, role: string): RoleAssignmentRecord {
    const definition = findRole(role);
    if (!definition) throw new IdentityRegistryError('UnknownRole', `unknown Key Vault role '${role}'`);
    const record: RoleAssignmentRecord = {
      vault: vault.trim() === ALL_VAULTS ? ALL_VAULTS : vaultKey(vault),
      principalObjectId: principalObjectId.trim().toLowerCase(),
      roleDefinitionId: definition.id,
      roleName: definition.name,
    };
    if (!record.principalObjectId)
      throw new IdentityRegistryError('InvalidInput', 'principalObjectId is required');
    this.revokeRole(record.vault, record.principalObjectId, definition.id);
    this.#state.roleAssignments.push(record);
    return { ...record };
  }

  /** Removes assignments of `role` (all roles when omitted); returns how many went. */
  revokeRole(vault: string, principalObjectId: string, role?: string): number {
    const scope = vault.trim() === ALL_VAULTS ? ALL_VAULTS : vaultKey(vault);
    const objectId = principalObjectId.trim().toLowerCase();
    const roleId = role === undefined ? undefined : findRole(role)?.id;
    const before = this.#state.roleAssignments.length;
    this.#state.roleAssignments = this.#state.roleAssignments.filter(
      (a) =>
        !(
          a.vault === scope &&
          a.principalObjectId === objectId &&
          (roleId === undefined || a.roleDefinitionId === roleId)
        ),
    );
    return before - this.#state.roleAssignments.length;
  }

  /** Assignments that apply to `vault` (its own and subscription-wide ones). */
  roleAssignments(vault?: string): RoleAssignmentRecord[] {
    const key = vault === undefined ? undefined : vaultKey(vault);
    return structuredClone(
      this.#state.roleAssignments.filter(
        (a) => key === undefined || a.vault === key || a.vault === ALL_VAULTS,
      ),
    );
  }

  /** Sets (replaces) the access policy of `objectId` on `vault`. Lists are case-insensitive. */
  setAccessPolicy(vault: string, objectId: string, permissions: AccessPolicyPermissions): AccessPolicyRecord {
    const record: AccessPolicyRecord = {
      vault: vaultKey(vault),
      objectId: objectId.trim().toLowerCase(),
      permissions: {
        secrets: normalizeList(permissions.secrets),
        keys: normalizeList(permissions.keys),
        certificates: normalizeList(permissions.certificates),
      },
    };
    if (!record.objectId) throw new IdentityRegistryError('InvalidInput', 'objectId is required');
    this.removeAccessPolicy(record.vault, record.objectId);
    this.#state.accessPolicies.push(record);
    return structuredClone(record);
  }

  /** Removes an access policy; true when there was one. */
  removeAccessPolicy(vault: string, objectId: string): boolean {
    const key = vaultKey(vault);
    const id = objectId.trim().toLowerCase();
    const before = this.#state.accessPolicies.length;
    this.#state.accessPolicies = this.#state.accessPolicies.filter(
      (p) => !(p.vault === key && p.objectId === id),
    );
    return this.#state.accessPolicies.length !== before;
  }

  accessPolicies(vault?: string): AccessPolicyRecord[] {
    const key = vault === undefined ? undefined : vaultKey(vault);
    return structuredClone(this.#state.accessPolicies.filter((p) => key === undefined || p.vault === key));
  }

  /** Whether the vault's model lets `objectId` do `permission` (no open-mode shortcut here). */
  permits(vault: string, objectId: string, permission: Permission): boolean {
    const key = vaultKey(vault);
    const id = objectId.toLowerCase();
    if (this.vaultAuthorization(key) === 'access-policy') {
      const [kind, operation] = permission.split('/') as [keyof AccessPolicyPermissions, string];
      const policy = this.#state.accessPolicies.find((p) => p.vault === key && p.objectId === id);
      const granted = policy?.permissions[kind] ?? [];
      return granted.includes(operation) || granted.includes('all');
    }
    return this.#state.roleAssignments.some((assignment) => {
      if (
        assignment.principalObjectId !== id ||
        (assignment.vault !== key && assignment.vault !== ALL_VAULTS)
      )
        return false;
      const role = findRole(assignment.roleDefinitionId);
      return role !== undefined && roleGrants(role, permission);
    });
  }

  /** The decision for a request, with Azure's inner code and message when denied. */
  decide(
    vault: string,
    principal: Principal,
    permission: Permission,
    context: DecisionContext,
  ): AccessDecision {
    if (this.permits(vault, principal.objectId, permission)) return { allowed: true };
    if (this.vaultAuthorization(vault) === 'access-policy')
      return {
        allowed: false,
        innerCode: 'AccessDenied',
        message: accessPolicyDeniedMessage(vault, principal, permission, context),
      };
    return {
      allowed: false,
      innerCode: 'ForbiddenByRbac',
      message: rbacDeniedMessage(vault, principal, permission, context),
    };
  }

  /** Sets the model of vaults never given one. */
  setDefaultAuthorization(mode: VaultAuthorization): void {
    if (mode !== 'rbac' && mode !== 'access-policy')
      throw new IdentityRegistryError(
        'InvalidInput',
        `vault authorization must be 'rbac' or 'access-policy'`,
      );
    this.#state.defaultAuthorization = mode;
  }

  snapshot(): AccessSnapshot {
    return structuredClone(this.#state);
  }

  restore(snapshot: AccessSnapshot): void {
    this.#state = structuredClone({
      defaultAuthorization: snapshot.defaultAuthorization ?? 'rbac',
      vaultAuthorization: snapshot.vaultAuthorization ?? {},
      roleAssignments: snapshot.roleAssignments ?? [],
      accessPolicies: snapshot.accessPolicies ?? [],
    });
  }
}
