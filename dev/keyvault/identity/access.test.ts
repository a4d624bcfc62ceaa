import { beforeEach, describe, expect, it } from 'vitest';
import type { Permission, Principal } from '../contracts.ts';
import {
  ALL_PERMISSIONS,
  createIdentityService,
  IdentityRegistryError,
  KEY_VAULT_ROLES,
  permissionsOfRole,
  type EmulatedIdentityService,
} from './index.ts';

// authorize(): RBAC roles and access policies per vault, with Azure's inner codes and wording.

const VAULT = 'our-vault';
let service: EmulatedIdentityService;
let principal: Principal;

beforeEach(() => {
  service = createIdentityService({ authorityHost: 'https://127.0.0.1:1' });
  const mi = service.principals.addManagedIdentity({ clientId: '6f1d2c3b-4a59-4e8d-9c7b-0a1b2c3d4e5f' });
  principal = {
    clientId: mi.clientId,
    objectId: mi.objectId,
    tenantId: service.tenantId,
    kind: 'managed-identity',
  };
});

function allowed(permission: Permission, vault = VAULT): boolean {
  return service.authorize(vault, principal, permission).allowed;
}

function granted(): Permission[] {
  return ALL_PERMISSIONS.filter((permission) => allowed(permission));
}

describe('RBAC vaults (the default)', () => {
  it('denies everything without a role assignment, with ForbiddenByRbac and the action named', () => {
    const decision = service.authorize(VAULT, principal, 'secrets/get');
    expect(decision).toMatchObject({ allowed: false, innerCode: 'ForbiddenByRbac' });
    if (decision.allowed) throw new Error('unreachable');
    expect(decision.message).toContain('Caller is not authorized to perform action on resource.');
    expect(decision.message).toContain(
      `Caller: appid=${principal.clientId};oid=${principal.objectId};iss=https://sts.windows.net/${service.tenantId}/`,
    );
    expect(decision.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    expect(decision.message).toContain('/providers/microsoft.keyvault/vaults/our-vault');
  });

  it.each([
    ['Key Vault Secrets User', ['secrets/get', 'secrets/list']],
    [
      'Key Vault Secrets Officer',
      [
        'secrets/get',
        'secrets/list',
        'secrets/set',
        'secrets/delete',
        'secrets/recover',
        'secrets/backup',
        'secrets/restore',
        'secrets/purge',
      ],
    ],
    ['Key Vault Reader', ['secrets/list', 'keys/get', 'keys/list', 'certificates/get', 'certificates/list']],
    [
      'Key Vault Certificate User',
      ['secrets/get', 'secrets/list', 'keys/get', 'keys/list', 'certificates/get', 'certificates/list'],
    ],
    ['Key Vault Crypto User', ['keys/get', 'keys/list']],
    ['Key Vault Contributor', []],
  ])('%s grants exactly %j', (role, permissions) => {
    service.principals.grantRole(VAULT, principal.objectId, role);
    expect(granted()).toEqual(permissions);
  });

  it('Key Vault Administrator grants everything; Certificates and Crypto Officers their kind', () => {
    service.principals.grantRole(VAULT, principal.objectId, 'Key Vault Administrator');
    expect(granted()).toEqual(ALL_PERMISSIONS);
    service.principals.revokeRole(VAULT, principal.objectId);
    service.principals.grantRole(VAULT, principal.objectId, 'a4417e6f-fecd-4de8-b567-7b0420556985');
    expect(granted().every((p) => p.startsWith('certificates/'))).toBe(true);
    expect(granted()).toHaveLength(7);
    service.principals.revokeRole(VAULT, principal.objectId);
    service.principals.grantRole(VAULT, principal.objectId, 'key vault crypto officer');
    expect(granted()).toEqual(ALL_PERMISSIONS.filter((p) => p.startsWith('keys/')));
  });

  it('scopes assignments to one vault (case-insensitive) or to every vault with *', () => {
    service.principals.grantRole('Our-Vault', principal.objectId, 'Key Vault Secrets User');
    expect(allowed('secrets/get', 'OUR-VAULT')).toBe(true);
    expect(allowed('secrets/get', 'other-vault')).toBe(false);
    service.principals.grantRole('*', principal.objectId, 'Key Vault Reader');
    expect(allowed('keys/list', 'other-vault')).toBe(true);
    expect(service.principals.roleAssignments('other-vault')).toHaveLength(1);
  });

  it('revokes and refuses unknown roles', () => {
    service.principals.grantRole(VAULT, principal.objectId, 'Key Vault Secrets User');
    expect(service.principals.revokeRole(VAULT, principal.objectId, 'Key Vault Secrets User')).toBe(1);
    expect(allowed('secrets/get')).toBe(false);
    expect(() => service.principals.grantRole(VAULT, principal.objectId, 'Owner')).toThrow(
      IdentityRegistryError,
    );
  });

  it('ignores access policies on an RBAC vault', () => {
    service.principals.setAccessPolicy(VAULT, principal.objectId, { secrets: ['all'] });
    expect(allowed('secrets/get')).toBe(false);
  });
});

describe('access-policy vaults', () => {
  beforeEach(() => service.principals.setVaultAuthorization(VAULT, 'access-policy'));

  it('grants the listed permissions and denies others with AccessDenied in Azure wording', () => {
    service.principals.setAccessPolicy(VAULT, principal.objectId, {
      secrets: ['Get', 'list'],
      keys: ['get'],
    });
    expect(granted()).toEqual(['secrets/get', 'secrets/list', 'keys/get']);
    const decision = service.authorize(VAULT, principal, 'secrets/set');
    expect(decision).toEqual({
      allowed: false,
      innerCode: 'AccessDenied',
      message:
        `The user, group or application 'appid=${principal.clientId};oid=${principal.objectId};iss=https://sts.windows.net/${service.tenantId}/' ` +
        `does not have secrets set permission on key vault 'our-vault;location=westeurope'. ` +
        'For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287',
    });
  });

  it('understands "all", replaces a policy when set again, and removes it', () => {
    service.principals.setAccessPolicy(VAULT, principal.objectId, { certificates: ['all'] });
    expect(granted()).toEqual(ALL_PERMISSIONS.filter((p) => p.startsWith('certificates/')));
    service.principals.setAccessPolicy(VAULT, principal.objectId, { secrets: ['purge'] });
    expect(granted()).toEqual(['secrets/purge']);
    expect(service.principals.removeAccessPolicy(VAULT, principal.objectId)).toBe(true);
    expect(granted()).toEqual([]);
  });

  it('ignores role assignments', () => {
    service.principals.grantRole(VAULT, principal.objectId, 'Key Vault Administrator');
    expect(allowed('secrets/get')).toBe(false);
  });
});

describe('open mode and persistence', () => {
  it('allows every permission to any principal in open mode', () => {
    service.setOpenMode(true);
    const stranger: Principal = {
      clientId: 'x',
      objectId: 'y',
      tenantId: service.tenantId,
      kind: 'service-principal',
    };
    expect(ALL_PERMISSIONS.every((p) => service.authorize('any', stranger, p).allowed)).toBe(true);
  });

  it('round-trips grants, policies and models through JSON', () => {
    service.principals.grantRole(VAULT, principal.objectId, 'Key Vault Secrets User');
    service.principals.setVaultAuthorization('legacy', 'access-policy');
    service.principals.setAccessPolicy('legacy', principal.objectId, { secrets: ['list'] });
    const restored = createIdentityService({
      authorityHost: 'https://127.0.0.1:1',
      snapshot: JSON.parse(JSON.stringify(service.snapshot())),
    });
    expect(restored.authorize(VAULT, principal, 'secrets/get').allowed).toBe(true);
    expect(restored.authorize('legacy', principal, 'secrets/list').allowed).toBe(true);
    expect(restored.authorize('legacy', principal, 'secrets/get')).toMatchObject({
      innerCode: 'AccessDenied',
    });
    expect(restored.principals.findManagedIdentity({ clientId: principal.clientId })?.objectId).toBe(
      principal.objectId,
    );
  });
});

describe('role table', () => {
  it('exports every role with a GUID id and maps Secrets User to get and list', () => {
    for (const role of KEY_VAULT_ROLES) expect(role.id).toMatch(/^[0-9a-f-]{36}$/);
    const secretsUser = KEY_VAULT_ROLES.find((role) => role.name === 'Key Vault Secrets User')!;
    expect(permissionsOfRole(secretsUser)).toEqual(['secrets/get', 'secrets/list']);
  });
});
