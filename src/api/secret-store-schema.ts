import {
  arraySchema,
  booleanSchema,
  enumSchema,
  integerSchema,
  intOrStringSchema,
  namespaceNameSchema,
  objectSchema,
  resourceSchema,
  stringSchema,
  type JsonSchema,
} from './json-schema.ts';
import {
  conditionSchema,
  labelSelectorSchema,
  secretKeySelectorSchema,
  serviceAccountSelectorSchema,
} from './meta.ts';
import { AZURE_AUTH_TYPES, AZURE_ENVIRONMENT_TYPES, STORE_CAPABILITIES } from './secret-store-types.ts';

/**
 * The `openAPIV3Schema` of SecretStore and ClusterSecretStore (both kinds, both versions: ESO's
 * store shape did not change between v1beta1 and v1 for what kvsync reads).
 *
 * Decision: `spec.provider` types `azurekv` fully and sets `x-kubernetes-preserve-unknown-fields`
 * on the provider object itself (ESO types every provider instead). A store written for another
 * provider is therefore accepted and stored unchanged, and the store controller reports it as
 * not supported, rather than `kubectl apply` failing with "unknown field". `minProperties` and
 * `maxProperties` of 1 keep ESO's "exactly one provider" rule.
 */

function customCloudConfigSchema(): JsonSchema {
  return objectSchema(
    {
      activeDirectoryEndpoint: stringSchema('The Microsoft Entra (AAD) endpoint for authentication.'),
      audience: stringSchema('Audience of the federated credential (workload identity).'),
      keyVaultDNSSuffix: stringSchema('DNS suffix of Key Vault URLs.'),
      keyVaultEndpoint: stringSchema('The Key Vault service endpoint.'),
      resourceManagerEndpoint: stringSchema('The Azure Resource Manager endpoint.'),
    },
    'Endpoints of a private Azure cloud (Azure Stack); requires useAzureSDK.',
    { required: ['activeDirectoryEndpoint'] },
  );
}

function azureKvSchema(): JsonSchema {
  return objectSchema(
    {
      authSecretRef: objectSchema(
        {
          clientCertificate: secretKeySelectorSchema,
          clientId: secretKeySelectorSchema,
          clientSecret: secretKeySelectorSchema,
          tenantId: secretKeySelectorSchema,
        },
        'Secrets holding the service principal credentials.',
      ),
      authType: enumSchema(AZURE_AUTH_TYPES, 'How to authenticate to Key Vault.', {
        default: 'ServicePrincipal',
      }),
      customCloudConfig: customCloudConfigSchema(),
      environmentType: enumSchema(AZURE_ENVIRONMENT_TYPES, 'The Azure cloud.', { default: 'PublicCloud' }),
      identityId: stringSchema('Client id of the user-assigned managed identity to use.'),
      serviceAccountRef: serviceAccountSelectorSchema,
      tenantId: stringSchema('The Microsoft Entra tenant; required for ServicePrincipal.'),
      useAzureSDK: booleanSchema('ESO: use the azcore SDK path. kvsync ignores it.', { default: false }),
      vaultUrl: stringSchema('The vault, e.g. https://my-vault.vault.azure.net.'),
    },
    'Azure Key Vault.',
    { required: ['vaultUrl'] },
  );
}

function providerSchema(): JsonSchema {
  return objectSchema({ azurekv: azureKvSchema() }, 'The provider; exactly one may be set.', {
    minProperties: 1,
    maxProperties: 1,
    'x-kubernetes-preserve-unknown-fields': true,
  });
}

function namespaceConditionSchema(): JsonSchema {
  return objectSchema(
    {
      namespaceRegexes: arraySchema(stringSchema(), 'Namespaces matching any of these regular expressions.'),
      namespaceSelector: labelSelectorSchema,
      namespaces: arraySchema(namespaceNameSchema(), 'Namespaces by name.'),
    },
    'Namespaces allowed to use a ClusterSecretStore.',
  );
}

function specSchema(): JsonSchema {
  return objectSchema(
    {
      conditions: arraySchema(
        namespaceConditionSchema(),
        'ClusterSecretStore only: which namespaces may use it.',
      ),
      controller: stringSchema('The controller class that handles this store; empty means any.'),
      provider: providerSchema(),
      refreshInterval: intOrStringSchema(
        'How often the store is validated again: seconds, or a Go duration. 0 uses the operator default.',
      ),
      retrySettings: objectSchema(
        {
          maxRetries: integerSchema(undefined, { format: 'int32' }),
          retryInterval: stringSchema(),
        },
        'Retries of provider calls (ignored by Azure).',
      ),
    },
    'The desired state of a store.',
    { required: ['provider'] },
  );
}

function statusSchema(): JsonSchema {
  return objectSchema({
    capabilities: enumSchema(STORE_CAPABILITIES, 'What the store can do.'),
    conditions: arraySchema(conditionSchema()),
  });
}

/** The whole `openAPIV3Schema` of SecretStore or ClusterSecretStore (every served version). */
export function secretStoreSchema(kind: 'SecretStore' | 'ClusterSecretStore'): JsonSchema {
  const description =
    kind === 'SecretStore'
      ? 'SecretStore is a namespaced location of secrets, referenced by ExternalSecrets in its namespace.'
      : 'ClusterSecretStore is a cluster-wide location of secrets, usable from the namespaces its conditions allow.';
  return resourceSchema(description, specSchema(), statusSchema());
}
