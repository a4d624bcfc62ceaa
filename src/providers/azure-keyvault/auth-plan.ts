import { invalidProviderConfig } from '../errors.ts';
import type { AzureKeyVaultStoreConfig, SecretKeySelector } from './config.ts';

/**
 * What a store's credential is made of, decided from the spec alone (no I/O): which auth
 * type, which Secrets and ServiceAccount it reads, in which namespaces. Incomplete or
 * contradictory specs fail here with messages that say what to add or remove.
 */

/** A Secret key the credential reads; `field` is where the spec names it. */
export interface SecretKeyRef {
  namespace: string;
  name: string;
  key: string;
  field: string;
}

export type TenantSource = { from: 'spec'; tenantId: string } | { from: 'secret'; ref: SecretKeyRef };

export interface ServiceAccountTarget {
  namespace: string;
  name: string;
  /** Extra audiences besides `api://AzureADTokenExchange`. */
  audiences: string[];
}

export type AuthPlan =
  | {
      kind: 'ServicePrincipal';
      tenant: TenantSource;
      clientId: SecretKeyRef;
      proof: { type: 'clientSecret' | 'clientCertificate'; ref: SecretKeyRef };
    }
  | { kind: 'ManagedIdentity'; identityId?: string }
  /** `serviceAccountRef` given: the operator requests the ServiceAccount's token itself. */
  | {
      kind: 'WorkloadIdentity';
      serviceAccount: ServiceAccountTarget;
      tenant?: TenantSource;
      clientId?: SecretKeyRef;
    }
  /** No `serviceAccountRef`: the operator pod's own federated token (webhook-injected env). */
  | { kind: 'WorkloadIdentityMounted' };

/** A Kubernetes object whose content the credential depends on. */
export interface CredentialObject {
  kind: 'Secret' | 'ServiceAccount';
  namespace: string;
  name: string;
}

const AUTH = 'spec.provider.azurekv.authSecretRef';

/**
 * ESO's referent rules: a ClusterSecretStore reference without a namespace resolves in the
 * consumer's namespace; a SecretStore may only name its own namespace.
 */
function resolveNamespace(
  config: AzureKeyVaultStoreConfig,
  namespace: string | undefined,
  field: string,
): string {
  if (config.storeKind === 'ClusterSecretStore') return namespace ?? config.consumerNamespace;
  const own = config.storeNamespace ?? config.consumerNamespace;
  if (namespace !== undefined && namespace !== own)
    throw invalidProviderConfig(
      `${field}.namespace '${namespace}' is not allowed: SecretStore ${own}/${config.storeName} can only refer to its own namespace`,
    );
  return own;
}

function secretRef(
  config: AzureKeyVaultStoreConfig,
  selector: SecretKeySelector | undefined,
  field: string,
): SecretKeyRef | undefined {
  if (!selector) return undefined;
  if (!selector.name || !selector.key) throw invalidProviderConfig(`${field} needs both name and key`);
  return {
    namespace: resolveNamespace(config, selector.namespace, field),
    name: selector.name,
    key: selector.key,
    field,
  };
}

function tenantSource(config: AzureKeyVaultStoreConfig): TenantSource | undefined {
  if (config.spec.tenantId) return { from: 'spec', tenantId: config.spec.tenantId };
  const ref = secretRef(config, config.spec.authSecretRef?.tenantId, `${AUTH}.tenantId`);
  return ref ? { from: 'secret', ref } : undefined;
}

function servicePrincipal(config: AzureKeyVaultStoreConfig): AuthPlan {
  const auth = config.spec.authSecretRef;
  if (!auth)
    throw invalidProviderConfig(
      'authType ServicePrincipal needs spec.provider.azurekv.authSecretRef with clientId and clientSecret or clientCertificate',
    );
  const tenant = tenantSource(config);
  if (!tenant)
    throw invalidProviderConfig(
      `authType ServicePrincipal needs a tenant: set spec.provider.azurekv.tenantId or ${AUTH}.tenantId`,
    );
  const clientId = secretRef(config, auth.clientId, `${AUTH}.clientId`);
  if (!clientId) throw invalidProviderConfig(`authType ServicePrincipal needs ${AUTH}.clientId`);
  const secret = secretRef(config, auth.clientSecret, `${AUTH}.clientSecret`);
  const certificate = secretRef(config, auth.clientCertificate, `${AUTH}.clientCertificate`);
  if (secret && certificate)
    throw invalidProviderConfig(
      `authType ServicePrincipal takes one of ${AUTH}.clientSecret and ${AUTH}.clientCertificate, not both`,
    );
  if (!secret && !certificate)
    throw invalidProviderConfig(
      `authType ServicePrincipal needs ${AUTH}.clientSecret or ${AUTH}.clientCertificate (a PEM with certificate and private key)`,
    );
  const proof = secret
    ? { type: 'clientSecret' as const, ref: secret }
    : { type: 'clientCertificate' as const, ref: certificate! };
  return { kind: 'ServicePrincipal', tenant, clientId, proof };
}

function workloadIdentity(config: AzureKeyVaultStoreConfig): AuthPlan {
  const account = config.spec.serviceAccountRef;
  if (!account) return { kind: 'WorkloadIdentityMounted' };
  const field = 'spec.provider.azurekv.serviceAccountRef';
  const tenant = tenantSource(config);
  const clientId = secretRef(config, config.spec.authSecretRef?.clientId, `${AUTH}.clientId`);
  return {
    kind: 'WorkloadIdentity',
    serviceAccount: {
      namespace: resolveNamespace(config, account.namespace, field),
      name: account.name,
      audiences: account.audiences ?? [],
    },
    ...(tenant ? { tenant } : {}),
    ...(clientId ? { clientId } : {}),
  };
}

/** The credential plan of `config`; throws ERR_INVALID_PROVIDER_CONFIG when it cannot work. */
export function planAuth(config: AzureKeyVaultStoreConfig): AuthPlan {
  switch (config.spec.authType ?? 'ServicePrincipal') {
    case 'ServicePrincipal':
      return servicePrincipal(config);
    case 'ManagedIdentity':
      return config.spec.identityId
        ? { kind: 'ManagedIdentity', identityId: config.spec.identityId }
        : { kind: 'ManagedIdentity' };
    case 'WorkloadIdentity':
      return workloadIdentity(config);
  }
}

/** Every Secret key the plan reads. */
export function secretKeyRefs(plan: AuthPlan): SecretKeyRef[] {
  const refs: Array<SecretKeyRef | undefined> = [];
  if (plan.kind === 'ServicePrincipal')
    refs.push(plan.tenant.from === 'secret' ? plan.tenant.ref : undefined, plan.clientId, plan.proof.ref);
  if (plan.kind === 'WorkloadIdentity')
    refs.push(plan.tenant?.from === 'secret' ? plan.tenant.ref : undefined, plan.clientId);
  return refs.filter((ref): ref is SecretKeyRef => ref !== undefined);
}

/** The Secrets and ServiceAccount the plan reads, each once. */
export function credentialObjects(plan: AuthPlan): CredentialObject[] {
  const objects: CredentialObject[] = [];
  const add = (object: CredentialObject) => {
    if (
      !objects.some(
        (o) => o.kind === object.kind && o.namespace === object.namespace && o.name === object.name,
      )
    )
      objects.push(object);
  };
  if (plan.kind === 'WorkloadIdentity')
    add({ kind: 'ServiceAccount', namespace: plan.serviceAccount.namespace, name: plan.serviceAccount.name });
  for (const ref of secretKeyRefs(plan)) add({ kind: 'Secret', namespace: ref.namespace, name: ref.name });
  return objects;
}

/**
 * True when a ClusterSecretStore's credential references leave the namespace to the consumer:
 * the credential then differs per consumer namespace and cannot be checked for the store alone.
 */
export function isReferentConfig(config: AzureKeyVaultStoreConfig): boolean {
  if (config.storeKind !== 'ClusterSecretStore') return false;
  const spec = config.spec;
  const authType = spec.authType ?? 'ServicePrincipal';
  if (authType === 'ManagedIdentity') return false;
  if (authType === 'WorkloadIdentity' && !spec.serviceAccountRef) return false;
  const selectors: Array<{ namespace?: string } | undefined> = [
    spec.authSecretRef?.clientId,
    spec.authSecretRef?.tenantId,
    spec.authSecretRef?.clientSecret,
    spec.authSecretRef?.clientCertificate,
    authType === 'WorkloadIdentity' ? spec.serviceAccountRef : undefined,
  ];
  return selectors.some((selector) => selector !== undefined && selector.namespace === undefined);
}
