/** From a failed check of Key Vault to its cause, and from a cause to the fix to print. */
import type { CheckOutcome } from '../../server/operator-api/wire.ts';
import type { Cause, WhyFacts } from './facts.ts';

const VAULT_NOT_FOUND = /VaultNotFound|ENOTFOUND|getaddrinfo|EAI_AGAIN/;

/** The cause a failed check of Key Vault points to. */
export function causeOfOutcome(outcome: CheckOutcome): Cause {
  const text = `${outcome.providerCode ?? ''} ${outcome.message ?? ''}`;
  if (VAULT_NOT_FOUND.test(text)) return 'wrong-vault-url';
  switch (outcome.code) {
    case 'ERR_PROVIDER_FORBIDDEN':
      return 'missing-get';
    case 'ERR_PROVIDER_NOT_FOUND':
      return 'secret-missing';
    case 'ERR_PROVIDER_THROTTLED':
      return 'throttled';
    case 'ERR_PROVIDER_DISABLED':
      return 'secret-disabled';
    case 'ERR_PROPERTY_NOT_FOUND':
      return 'property-missing';
    case 'ERR_PROVIDER_UNAUTHENTICATED':
      return 'identity-rejected';
    case 'ERR_PROVIDER_UNAVAILABLE':
      return 'wrong-vault-url';
    case 'ERR_STORE_NOT_FOUND':
      return 'store-not-found';
    case 'ERR_STORE_NOT_ALLOWED':
      return 'store-not-allowed';
    case 'ERR_STORE_NOT_READY':
    case 'ERR_INVALID_PROVIDER_CONFIG':
      return 'store-not-ready';
    default:
      return 'sync-failed';
  }
}

export function fixFor(cause: Cause, facts: WhyFacts, key?: string): string[] {
  const vault = facts.store?.spec.provider?.azurekv?.vaultUrl ?? 'the vault';
  const vaultName = /^https:\/\/([^.]+)\./.exec(vault)?.[1] ?? '<vault>';
  switch (cause) {
    case 'wrong-vault-url':
      return [
        `check spec.provider.azurekv.vaultUrl of ${facts.storeKind} ${facts.storeName} (now ${vault}): it must be https://<vault-name>.vault.azure.net of an existing vault`,
        'az keyvault list --query "[].properties.vaultUri"',
      ];
    case 'identity-rejected':
      return [
        "the store's identity cannot get a token: check authType, identityId / clientId and tenantId, and the federated credential for workload identity",
      ];
    case 'missing-get':
      return [
        `grant the store's identity the 'Key Vault Secrets User' role on ${vaultName} (RBAC):`,
        `  az role assignment create --role "Key Vault Secrets User" --assignee <identity-client-id> --scope $(az keyvault show -n ${vaultName} --query id -o tsv)`,
        `or, with access policies: az keyvault set-policy -n ${vaultName} --spn <identity-client-id> --secret-permissions get list`,
      ];
    case 'secret-missing':
      return [
        `create '${key ?? '<name>'}' in ${vaultName} or correct remoteRef.key: az keyvault secret show --vault-name ${vaultName} --name ${key ?? '<name>'}`,
      ];
    case 'secret-disabled':
      return [
        `enable the secret's current version: az keyvault secret set-attributes --vault-name ${vaultName} --name ${key ?? '<name>'} --enabled true`,
      ];
    case 'property-missing':
      return [
        'the secret is JSON without that property: correct remoteRef.property, or add the property in Key Vault',
      ];
    case 'throttled':
      return [
        'Key Vault is answering 429: kvsync waits as long as Azure asks and loses nothing',
        'to use fewer requests: keep change detection on (--change-detection), enable Event Grid push, lengthen short refreshIntervals',
      ];
    case 'store-not-allowed':
      return [
        `the ClusterSecretStore's spec.conditions do not admit namespace ${facts.namespace}: add it there, or use a SecretStore in the namespace`,
      ];
    default:
      return [];
  }
}

export function describeOutcome(outcome: CheckOutcome): string {
  return outcome.message ?? outcome.code ?? 'failed';
}
