import type { Permission } from '../contracts.ts';

/**
 * Azure built-in roles that act on the Key Vault data plane, as data: their ids and data
 * actions copied from the role definitions. A role grants a permission when one of its data
 * actions (wildcards allowed) matches the action Key Vault checks for that permission.
 */

export interface RoleDefinition {
  /** Role definition GUID (the last segment of `/providers/Microsoft.Authorization/roleDefinitions/…`). */
  id: string;
  name: string;
  dataActions: readonly string[];
}

const KV = 'Microsoft.KeyVault/vaults';

/** The built-in Key Vault roles. Control-plane-only roles have no data actions. */
export const KEY_VAULT_ROLES: readonly RoleDefinition[] = [
  { id: '00482a5a-887f-4fb3-b363-3b7fe8e74483', name: 'Key Vault Administrator', dataActions: [`${KV}/*`] },
  {
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    name: 'Key Vault Reader',
    dataActions: [`${KV}/*/read`, `${KV}/secrets/readMetadata/action`],
  },
  {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    name: 'Key Vault Secrets User',
    dataActions: [`${KV}/secrets/getSecret/action`, `${KV}/secrets/readMetadata/action`],
  },
  {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    name: 'Key Vault Secrets Officer',
    dataActions: [`${KV}/secrets/*`],
  },
  {
    id: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
    name: 'Key Vault Certificate User',
    dataActions: [
      `${KV}/certificates/read`,
      `${KV}/secrets/getSecret/action`,
      `${KV}/secrets/readMetadata/action`,
      `${KV}/keys/read`,
    ],
  },
  {
    id: 'a4417e6f-fecd-4de8-b567-7b0420556985',
    name: 'Key Vault Certificates Officer',
    dataActions: [`${KV}/certificatecas/*`, `${KV}/certificates/*`, `${KV}/certificatecontacts/write`],
  },
  {
    id: '12338af0-0e69-4776-bea7-57ae8d297424',
    name: 'Key Vault Crypto User',
    dataActions: ['read', 'update/action', 'backup/action', 'encrypt/action', 'decrypt/action']
      .concat(['wrap/action', 'unwrap/action', 'sign/action', 'verify/action'])
      .map((action) => `${KV}/keys/${action}`),
  },
  {
    id: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
    name: 'Key Vault Crypto Officer',
    dataActions: [`${KV}/keys/*`, `${KV}/keyrotationpolicies/*`],
  },
  {
    id: 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
    name: 'Key Vault Crypto Service Encryption User',
    dataActions: [`${KV}/keys/read`, `${KV}/keys/wrap/action`, `${KV}/keys/unwrap/action`],
  },
  {
    id: '08bbd89e-9f13-488c-ac41-acfcb10c90ab',
    name: 'Key Vault Crypto Service Release User',
    dataActions: [`${KV}/keys/release/action`],
  },
  { id: 'f25e0fa2-a7c8-4377-a976-54943a77a395', name: 'Key Vault Contributor', dataActions: [] },
  {
    id: '8b54135c-b56d-4d72-a534-26097cfdc8d8',
    name: 'Key Vault Data Access Administrator',
    dataActions: [],
  },
];

/** The data action Key Vault checks (and names in `ForbiddenByRbac` messages) for each permission. */
export const PERMISSION_ACTIONS: Readonly<Record<Permission, string>> = {
  'secrets/get': `${KV}/secrets/getSecret/action`,
  'secrets/list': `${KV}/secrets/readMetadata/action`,
  'secrets/set': `${KV}/secrets/setSecret/action`,
  'secrets/delete': `${KV}/secrets/delete`,
  'secrets/recover': `${KV}/secrets/recover/action`,
  'secrets/backup': `${KV}/secrets/backup/action`,
  'secrets/restore': `${KV}/secrets/restore/action`,
  'secrets/purge': `${KV}/secrets/purge/action`,
  'keys/get': `${KV}/keys/read`,
  'keys/list': `${KV}/keys/read`,
  'keys/create': `${KV}/keys/create/action`,
  'keys/import': `${KV}/keys/import/action`,
  'keys/delete': `${KV}/keys/delete`,
  'keys/recover': `${KV}/keys/recover/action`,
  'keys/purge': `${KV}/keys/purge/action`,
  'certificates/get': `${KV}/certificates/read`,
  'certificates/list': `${KV}/certificates/read`,
  'certificates/create': `${KV}/certificates/create/action`,
  'certificates/import': `${KV}/certificates/import/action`,
  'certificates/delete': `${KV}/certificates/delete`,
  'certificates/recover': `${KV}/certificates/recover/action`,
  'certificates/purge': `${KV}/certificates/purge/action`,
};

/** Every data-plane permission the emulator checks. */
export const ALL_PERMISSIONS = Object.keys(PERMISSION_ACTIONS) as Permission[];

function actionPattern(dataAction: string): RegExp {
  const escaped = dataAction.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** True when one of `dataActions` (Azure wildcard syntax) covers `action`. */
export function dataActionsCover(dataActions: readonly string[], action: string): boolean {
  return dataActions.some((dataAction) => actionPattern(dataAction).test(action));
}

/** The role with this name or id (case-insensitive), or undefined. */
export function findRole(nameOrId: string): RoleDefinition | undefined {
  const wanted = nameOrId.trim().toLowerCase();
  return KEY_VAULT_ROLES.find((role) => role.id === wanted || role.name.toLowerCase() === wanted);
}

/** Role id → the permissions it grants, computed once (authorize runs on every request). */
const ROLE_PERMISSIONS: ReadonlyMap<string, ReadonlySet<Permission>> = new Map(
  KEY_VAULT_ROLES.map((role) => [
    role.id,
    new Set(ALL_PERMISSIONS.filter((p) => dataActionsCover(role.dataActions, PERMISSION_ACTIONS[p]))),
  ]),
);

/** True when `role` grants `permission`. */
export function roleGrants(role: RoleDefinition, permission: Permission): boolean {
  return (
    ROLE_PERMISSIONS.get(role.id)?.has(permission) ??
    dataActionsCover(role.dataActions, PERMISSION_ACTIONS[permission])
  );
}

/** The permissions a role grants, in `ALL_PERMISSIONS` order. */
export function permissionsOfRole(role: RoleDefinition): Permission[] {
  return ALL_PERMISSIONS.filter((permission) => roleGrants(role, permission));
}
