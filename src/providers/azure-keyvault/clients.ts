import type { TokenCredential } from '@azure/identity';
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import type { Agent } from 'node:https';

/**
 * The SDK clients of one store, created on first use (most stores only ever read secrets).
 * All share the store's credential, so one token serves them, and the cache's agent, so they
 * share keep-alive connections. SDK retries are off: `retry.ts` does them.
 */
export interface VaultClients {
  secrets(): SecretClient;
  keys(): KeyClient;
  certificates(): CertificateClient;
}

export function createVaultClients(
  vaultUrl: string,
  credential: TokenCredential,
  agent: Agent,
): VaultClients {
  const options = { agent, retryOptions: { maxRetries: 0 } };
  let secrets: SecretClient | undefined;
  let keys: KeyClient | undefined;
  let certificates: CertificateClient | undefined;
  return {
    secrets: () => (secrets ??= new SecretClient(vaultUrl, credential, options)),
    keys: () => (keys ??= new KeyClient(vaultUrl, credential, options)),
    certificates: () => (certificates ??= new CertificateClient(vaultUrl, credential, options)),
  };
}
