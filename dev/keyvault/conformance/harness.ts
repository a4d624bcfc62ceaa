import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenCredential } from '@azure/core-auth';
import {
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
} from '@azure/identity';
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll } from 'vitest';
import { startDevKeyVault, type DevKeyVault, type DevKeyVaultOptions } from '../dev-emulator.ts';
import { TOKEN_EXCHANGE_AUDIENCE } from '../identity/index.ts';
import { createTestIssuer, IDENTITY_ENV_CLEARED } from '../identity/test-support.ts';
import type { PrincipalRef } from '../identity-admin/index.ts';

/**
 * The conformance suites' shared setup: the composed emulator (`startDevKeyVault`, what the CLI
 * and the sandbox run) out of open mode, one principal per credential kind, each the
 * administrator of its own vault, a Key Vault Reader on `conf-reader` and holder of a list-only
 * access policy on `conf-policy`, and the unmodified SDK clients through each credential.
 *
 * MSAL keeps the IMDS endpoint and its token cache in static fields: one harness per test file
 * (vitest runs each file in its own process).
 */

export const CREDENTIAL_KINDS = [
  'ManagedIdentityCredential (system-assigned)',
  'ManagedIdentityCredential (user-assigned, by client id)',
  'ClientSecretCredential',
  'WorkloadIdentityCredential',
] as const;

export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** RBAC vault where every principal is only a Key Vault Reader (list yes, get no). */
export const READER_VAULT = 'conf-reader';
/** Access-policy vault where every principal may only list. */
export const POLICY_VAULT = 'conf-policy';

const OWN_VAULT: Record<CredentialKind, string> = {
  'ManagedIdentityCredential (system-assigned)': 'conf-mi-system',
  'ManagedIdentityCredential (user-assigned, by client id)': 'conf-mi-user',
  ClientSecretCredential: 'conf-client-secret',
  WorkloadIdentityCredential: 'conf-workload',
};

const USER_ASSIGNED_CLIENT_ID = 'a1b2c3d4-0000-4000-8000-00000000c0f1';
const SERVICE_PRINCIPAL_CLIENT_ID = 'a1b2c3d4-0000-4000-8000-00000000c0f2';
const WORKLOAD_CLIENT_ID = 'a1b2c3d4-0000-4000-8000-00000000c0f3';
const WORKLOAD_SUBJECT = 'system:serviceaccount:conformance:app';

/** Poller settings: poll every 10 ms instead of 2 s. */
export const FAST_POLL = { intervalInMs: 10 } as const;

export interface Harness {
  emulator: DevKeyVault;
  /** The vault `kind`'s principal administers (nothing else uses it). */
  ownVault(kind: CredentialKind): string;
  credential(kind: CredentialKind): TokenCredential;
  secrets(kind: CredentialKind, vault?: string): SecretClient;
  keys(kind: CredentialKind, vault?: string): KeyClient;
  certificates(kind: CredentialKind, vault?: string): CertificateClient;
  /** Requests the emulator answered so far for `vault` and `operation`, optionally of one status. */
  requests(vault: string, operation: string, status?: number): number;
}

interface Principals {
  credentials: Record<CredentialKind, TokenCredential>;
  refs: Record<CredentialKind, PrincipalRef>;
}

async function registerPrincipals(emulator: DevKeyVault, dir: string): Promise<Principals> {
  const tls = {
    authorityHost: emulator.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.caPem },
  };
  const secret = randomBytes(16).toString('hex');
  emulator.addManagedIdentity({ clientId: USER_ASSIGNED_CLIENT_ID, name: 'conformance-identity' });
  emulator.addServicePrincipal({
    clientId: SERVICE_PRINCIPAL_CLIENT_ID,
    secret,
    displayName: 'conformance-app',
  });
  const issuer = createTestIssuer();
  await emulator.trustIssuer({ issuer: issuer.issuer, jwks: issuer.jwks });
  emulator.addManagedIdentity({
    clientId: WORKLOAD_CLIENT_ID,
    federatedCredentials: [{ issuer: issuer.issuer, subject: WORKLOAD_SUBJECT }],
  });
  const nowSeconds = Math.floor(Date.now() / 1000);
  const tokenFilePath = join(dir, 'federated-token');
  await writeFile(
    tokenFilePath,
    issuer.sign({
      sub: WORKLOAD_SUBJECT,
      aud: [TOKEN_EXCHANGE_AUDIENCE],
      iat: nowSeconds,
      exp: nowSeconds + 3600,
    }),
  );
  return {
    credentials: {
      'ManagedIdentityCredential (system-assigned)': new ManagedIdentityCredential(),
      'ManagedIdentityCredential (user-assigned, by client id)': new ManagedIdentityCredential({
        clientId: USER_ASSIGNED_CLIENT_ID,
      }),
      ClientSecretCredential: new ClientSecretCredential(
        emulator.tenantId,
        SERVICE_PRINCIPAL_CLIENT_ID,
        secret,
        tls,
      ),
      WorkloadIdentityCredential: new WorkloadIdentityCredential({
        tenantId: emulator.tenantId,
        clientId: WORKLOAD_CLIENT_ID,
        tokenFilePath,
        ...tls,
      }),
    },
    refs: {
      'ManagedIdentityCredential (system-assigned)': { systemAssigned: true },
      'ManagedIdentityCredential (user-assigned, by client id)': { clientId: USER_ASSIGNED_CLIENT_ID },
      ClientSecretCredential: { clientId: SERVICE_PRINCIPAL_CLIENT_ID },
      WorkloadIdentityCredential: { clientId: WORKLOAD_CLIENT_ID },
    },
  };
}

function grant(emulator: DevKeyVault, refs: Principals['refs']): void {
  emulator.setVaultAuthorization(POLICY_VAULT, 'access-policy');
  for (const kind of CREDENTIAL_KINDS) {
    emulator.grantRole(OWN_VAULT[kind], refs[kind], 'Key Vault Administrator');
    emulator.grantRole(READER_VAULT, refs[kind], 'Key Vault Reader');
    emulator.setAccessPolicy(POLICY_VAULT, refs[kind], {
      secrets: ['list'],
      keys: ['list'],
      certificates: ['list'],
    });
  }
}

/**
 * Starts the harness for the current test file (in `beforeAll`; closed in `afterAll`) and
 * returns its accessor. Sets `AZURE_POD_IDENTITY_AUTHORITY_HOST` for the file and clears the
 * other identity variables; both are put back afterwards.
 */
export function useConformanceHarness(options: DevKeyVaultOptions = {}): () => Harness {
  let harness: Harness | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kvsync-conformance-'));
    const emulator = await startDevKeyVault({
      vaults: [...Object.values(OWN_VAULT), READER_VAULT, POLICY_VAULT],
      open: false,
      ...options,
    });
    const savedEnv = { ...process.env };
    Object.assign(process.env, { AZURE_POD_IDENTITY_AUTHORITY_HOST: emulator.imdsEndpoint });
    for (const name of Object.keys(IDENTITY_ENV_CLEARED))
      if (name !== 'AZURE_POD_IDENTITY_AUTHORITY_HOST') delete process.env[name];
    const agent = new Agent({ ca: emulator.caPem, keepAlive: true });
    cleanup = async () => {
      agent.destroy();
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
      for (const name of Object.keys(IDENTITY_ENV_CLEARED)) {
        if (savedEnv[name] === undefined) delete process.env[name];
        else process.env[name] = savedEnv[name];
      }
    };
    const principals = await registerPrincipals(emulator, dir);
    grant(emulator, principals.refs);
    harness = createHarness(emulator, principals.credentials, agent);
  });
  afterAll(async () => cleanup?.());
  return () => {
    if (!harness) throw new Error('the conformance harness has not started');
    return harness;
  };
}

function createHarness(
  emulator: DevKeyVault,
  credentials: Record<CredentialKind, TokenCredential>,
  agent: Agent,
): Harness {
  // Retries as the SDK does them, only faster: at most 3, 5–20 ms apart.
  const clientOptions = { agent, retryOptions: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 } };
  const url = (kind: CredentialKind, vault?: string) => emulator.vaults[vault ?? OWN_VAULT[kind]]!;
  return {
    emulator,
    ownVault: (kind) => OWN_VAULT[kind],
    credential: (kind) => credentials[kind],
    secrets: (kind, vault) => new SecretClient(url(kind, vault), credentials[kind], clientOptions),
    keys: (kind, vault) => new KeyClient(url(kind, vault), credentials[kind], clientOptions),
    certificates: (kind, vault) => new CertificateClient(url(kind, vault), credentials[kind], clientOptions),
    requests: (vault, operation, status) =>
      emulator.controls
        .counters()
        .entries.filter((e) => e.vault === vault && e.operation === operation)
        .filter((e) => status === undefined || e.status === status)
        .reduce((sum, e) => sum + e.count, 0),
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<{
  statusCode?: number;
  code?: string;
  message: string;
  details?: { error?: { innerError?: { code?: string } } };
  response?: { headers: { get(name: string): string | undefined } };
}> {
  try {
    await promise;
  } catch (error) {
    return error as Awaited<ReturnType<typeof failureOf>>;
  }
  throw new Error('expected the call to fail');
}
