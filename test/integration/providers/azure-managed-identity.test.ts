import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Tests run against the real Key Vault emulator; only the product code must stay out of dev/.

import { startDevKeyVault, type DevKeyVault } from '../../../dev/keyvault/dev-emulator.ts';

import type { EmulatedIdentityService } from '../../../dev/keyvault/identity/index.ts';
import { isProviderError } from '../../../src/providers/errors.ts';
import type { SecretsProvider } from '../../../src/providers/provider.ts';
import { createFakeKube } from '../../../src/providers/test-support.ts';
import { createAzureKeyVaultProvider } from '../../../src/providers/azure-keyvault/provider.ts';

// ManagedIdentity through IMDS. @azure/identity finds IMDS through
// AZURE_POD_IDENTITY_AUTHORITY_HOST, which the operator's process has; this test sets it as the
// pod would. MSAL keeps the IMDS source in static fields: one emulator for the whole file.

const USER_ASSIGNED = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';
const UNKNOWN = '00000000-1111-4222-8333-444444444444';

let emulator: DevKeyVault;
let identity: EmulatedIdentityService;
const providers: SecretsProvider[] = [];

beforeAll(async () => {
  emulator = await startDevKeyVault({ vaults: ['our-vault'] });
  identity = emulator.identity as EmulatedIdentityService;

  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.imdsEndpoint;
  const seed = new ClientSecretCredential(emulator.tenantId, '7b8c9d0e-1f2a-4b3c-9d4e-5f6a7b8c9d0e', 'seed', {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  });
  await new SecretClient(emulator.vaults['our-vault']!, seed, {
    tlsOptions: { ca: emulator.caPem },
  }).setSecret('postgresql-password', 'from-imds');
});

afterAll(async () => {
  for (const provider of providers) provider.close();

  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  await emulator.close();
});

async function connect(identityId?: string): Promise<SecretsProvider> {
  const provider = await createAzureKeyVaultProvider(
    {
      storeKind: 'SecretStore',
      storeName: 'azure-backend',
      storeNamespace: 'apps',
      consumerNamespace: 'apps',
      spec: {
        authType: 'ManagedIdentity',
        vaultUrl: emulator.vaults['our-vault']!,
        ...(identityId ? { identityId } : {}),
      },
    },
    createFakeKube(),
    { caPem: emulator.caPem },
  );
  providers.push(provider);
  return provider;
}

describe('ManagedIdentity', () => {
  it('reads with the system-assigned identity, and validate() gets a token', async () => {
    const provider = await connect();
    expect((await provider.getSecret({ key: 'postgresql-password' })).value.toString()).toBe('from-imds');
    await provider.validate();
  });

  it('uses identityId as the client id of a user-assigned identity', async () => {
    identity.setOpenMode(false);
    try {
      const record = identity.principals.addManagedIdentity({ clientId: USER_ASSIGNED, name: 'kvsync' });
      const provider = await connect(USER_ASSIGNED);
      const denied = await provider.getSecret({ key: 'postgresql-password' }).catch((e: unknown) => e);
      expect(isProviderError(denied, 'ERR_PROVIDER_FORBIDDEN')).toBe(true);
      expect((denied as Error).message).toContain(`the identity (managed identity ${USER_ASSIGNED})`);
      identity.principals.grantRole('our-vault', record.objectId, 'Key Vault Secrets User');
      expect((await provider.getSecret({ key: 'postgresql-password' })).value.toString()).toBe('from-imds');
    } finally {
      identity.setOpenMode(true);
    }
  });

  it('an identity IMDS does not know → ERR_PROVIDER_UNAUTHENTICATED naming it', async () => {
    identity.setOpenMode(false);
    try {
      const provider = await connect(UNKNOWN);
      const error = await provider.getSecret({ key: 'postgresql-password' }).catch((e: unknown) => e);
      expect(isProviderError(error, 'ERR_PROVIDER_UNAUTHENTICATED')).toBe(true);
      expect((error as Error).message).toContain(`managed identity ${UNKNOWN} could not get a token`);
    } finally {
      identity.setOpenMode(true);
    }
  });
});
