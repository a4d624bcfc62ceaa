import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import type { Agent } from 'node:https';
import type { ProviderClock } from '../clock.ts';
import { invalidProviderConfig } from '../errors.ts';
import type { ProviderKubeAccess } from '../provider.ts';
import type { AuthPlan, SecretKeyRef, TenantSource } from './auth-plan.ts';
import type { AzureCloudEndpoints } from './clouds.ts';
import { serviceAccountAssertion } from './service-account-token.ts';

/**
 * Builds the `TokenCredential` of a store from its plan: reads the credential Secrets or the
 * ServiceAccount through `ProviderKubeAccess` (once per build) and chooses the identity
 * credential. Fails with ERR_INVALID_PROVIDER_CONFIG when what the Secrets hold cannot work.
 */

export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';

export interface StoreCredential {
  credential: TokenCredential;
  /** Who the credential is, for messages: no secret in it. */
  identity: string;
}

export interface CredentialContext {
  kube: ProviderKubeAccess;
  cloud: AzureCloudEndpoints;
  /** Shared HTTPS agent for the authority (not used for plain-HTTP IMDS). */
  agent: Agent;
  clock: ProviderClock;
}

/** Identifiers read from Secrets lose surrounding whitespace (a trailing newline is a classic). */
async function readText(kube: ProviderKubeAccess, ref: SecretKeyRef): Promise<string> {
  const value = (await kube.readSecretKey(ref)).toString('utf8').trim();
  if (!value)
    throw invalidProviderConfig(
      `${ref.field}: key '${ref.key}' of Secret ${ref.namespace}/${ref.name} is empty`,
    );
  return value;
}

async function resolveTenant(kube: ProviderKubeAccess, tenant: TenantSource): Promise<string> {
  return tenant.from === 'spec' ? tenant.tenantId : readText(kube, tenant.ref);
}

function authorityOptions(context: CredentialContext) {
  return {
    authorityHost: context.cloud.authorityHost,
    ...(context.cloud.knownAuthority ? {} : { disableInstanceDiscovery: true }),
    agent: context.agent,
  };
}

function checkCertificatePem(pem: string, ref: SecretKeyRef): void {
  if (!pem.includes('-----BEGIN CERTIFICATE-----') || !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    throw invalidProviderConfig(
      `${ref.field}: key '${ref.key}' of Secret ${ref.namespace}/${ref.name} must hold a PEM certificate and its private key`,
    );
}

async function servicePrincipal(
  plan: Extract<AuthPlan, { kind: 'ServicePrincipal' }>,
  context: CredentialContext,
): Promise<StoreCredential> {
  const [tenantId, clientId] = await Promise.all([
    resolveTenant(context.kube, plan.tenant),
    readText(context.kube, plan.clientId),
  ]);
  const proof = (await context.kube.readSecretKey(plan.proof.ref)).toString('utf8');
  const options = authorityOptions(context);
  if (plan.proof.type === 'clientSecret') {
    if (!proof.trim()) throw invalidProviderConfig(`${plan.proof.ref.field}: the client secret is empty`);
    return {
      credential: new ClientSecretCredential(tenantId, clientId, proof.trim(), options),
      identity: `service principal ${clientId} (client secret, tenant ${tenantId})`,
    };
  }
  checkCertificatePem(proof, plan.proof.ref);
  return {
    credential: new ClientCertificateCredential(tenantId, clientId, { certificate: proof }, options),
    identity: `service principal ${clientId} (certificate, tenant ${tenantId})`,
  };
}

async function workloadIdentity(
  plan: Extract<AuthPlan, { kind: 'WorkloadIdentity' }>,
  context: CredentialContext,
): Promise<StoreCredential> {
  const { namespace, name } = plan.serviceAccount;
  const annotations = await context.kube.serviceAccountAnnotations(namespace, name);
  const annotated = annotations[CLIENT_ID_ANNOTATION]?.trim();
  const fromSecret = plan.clientId ? await readText(context.kube, plan.clientId) : undefined;
  if (annotated && fromSecret && annotated !== fromSecret)
    throw invalidProviderConfig(
      `two client ids for WorkloadIdentity: ServiceAccount ${namespace}/${name} annotation ${CLIENT_ID_ANNOTATION} and ${plan.clientId!.field} differ; keep one`,
    );
  const clientId = annotated ?? fromSecret;
  if (!clientId)
    throw invalidProviderConfig(
      `authType WorkloadIdentity needs a client id: annotate ServiceAccount ${namespace}/${name} with ${CLIENT_ID_ANNOTATION}`,
    );
  const tenantId = plan.tenant
    ? await resolveTenant(context.kube, plan.tenant)
    : annotations[TENANT_ID_ANNOTATION]?.trim();
  if (!tenantId)
    throw invalidProviderConfig(
      `authType WorkloadIdentity needs a tenant: set spec.provider.azurekv.tenantId, authSecretRef.tenantId, or annotate ServiceAccount ${namespace}/${name} with ${TENANT_ID_ANNOTATION}`,
    );
  const assertion = serviceAccountAssertion(context.kube, plan.serviceAccount, context.clock);
  return {
    credential: new ClientAssertionCredential(tenantId, clientId, assertion, authorityOptions(context)),
    identity: `workload identity ${clientId} (ServiceAccount ${namespace}/${name}, tenant ${tenantId})`,
  };
}

/**
 * The credential for `plan`. ManagedIdentity uses IMDS as `@azure/identity` finds it (the SDK
 * reads `AZURE_POD_IDENTITY_AUTHORITY_HOST` itself); mounted WorkloadIdentity uses the
 * operator pod's `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and `AZURE_FEDERATED_TOKEN_FILE`, also
 * read by the SDK. Rejects with what the Kubernetes reads threw, or ERR_INVALID_PROVIDER_CONFIG.
 */
export async function buildCredential(plan: AuthPlan, context: CredentialContext): Promise<StoreCredential> {
  switch (plan.kind) {
    case 'ServicePrincipal':
      return servicePrincipal(plan, context);
    case 'WorkloadIdentity':
      return workloadIdentity(plan, context);
    case 'ManagedIdentity':
      return plan.identityId
        ? {
            credential: new ManagedIdentityCredential({ clientId: plan.identityId }),
            identity: `managed identity ${plan.identityId}`,
          }
        : { credential: new ManagedIdentityCredential(), identity: 'the system-assigned managed identity' };
    case 'WorkloadIdentityMounted':
      return {
        credential: new WorkloadIdentityCredential(authorityOptions(context)),
        identity: "the operator pod's workload identity (AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE)",
      };
  }
}
