import { createHash, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { guidFromName, userAssignedIdentityResourceId } from './ids.ts';
import type { Jwks } from './jwt.ts';

/**
 * The emulated directory: managed identities, service principals (app registrations), the
 * federated credentials that let workload-identity assertions stand in for an app, and the
 * OIDC issuers trusted to sign those assertions. Plain data, serialisable to JSON; client
 * secrets are kept only as SHA-256 hashes.
 */

/** Thrown for registry input that Azure would refuse (missing ids, unknown roles, …). */
export class IdentityRegistryError extends Error {
  readonly code: 'InvalidInput' | 'UnknownRole';

  constructor(code: 'InvalidInput' | 'UnknownRole', message: string) {
    super(message);
    this.name = 'IdentityRegistryError';
    this.code = code;
  }
}

export interface ManagedIdentityInput {
  clientId: string;
  /** Defaults to a GUID derived from the client id. */
  objectId?: string;
  /** Resource name; defaults to the client id. */
  name?: string;
  /** ARM id (`msi_res_id`); defaults to one built from `name`. */
  resourceId?: string;
}

export interface ManagedIdentityRecord {
  clientId: string;
  objectId: string;
  name: string;
  resourceId: string;
}

export interface ServicePrincipalInput {
  clientId: string;
  objectId?: string;
  displayName?: string;
  /** A client secret; adding the same principal again adds secrets (rotation). */
  secret?: string;
  /** PEM certificate whose key signs client assertions (ClientCertificateCredential). */
  certificatePem?: string;
}

export interface ServicePrincipalRecord {
  clientId: string;
  objectId: string;
  displayName?: string;
  /** Hex SHA-256 of each accepted secret. */
  secretHashes: string[];
  certificatePems: string[];
}

export interface FederatedCredentialInput {
  /** The app (service principal or user-assigned identity) the assertion stands in for. */
  clientId: string;
  issuer: string;
  subject: string;
  /** Defaults to `['api://AzureADTokenExchange']`. */
  audiences?: string[];
}

export interface FederatedCredentialRecord {
  clientId: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface TrustedIssuerRecord {
  issuer: string;
  jwks: Jwks;
}

/** The system-assigned identity of the emulated host (IMDS without an identity parameter). */
export interface SystemAssignedIdentity {
  clientId: string;
  objectId: string;
}

export interface DirectorySnapshot {
  systemAssigned: SystemAssignedIdentity;
  managedIdentities: ManagedIdentityRecord[];
  servicePrincipals: ServicePrincipalRecord[];
  federatedCredentials: FederatedCredentialRecord[];
  trustedIssuers: TrustedIssuerRecord[];
}

/** Which user-assigned identity an IMDS request names; all absent means system-assigned. */
export interface ManagedIdentitySelector {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}

const OBJECT_ID_NAMESPACE = 'kvsync-object-id';

function required(value: string | undefined, field: string): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new IdentityRegistryError('InvalidInput', `${field} is required`);
  return trimmed;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The object id the directory gives an unregistered client id (stable across restarts). */
export function derivedObjectId(clientId: string): string {
  return guidFromName(OBJECT_ID_NAMESPACE, clientId.toLowerCase());
}

/** The default system-assigned identity for a tenant. */
export function defaultSystemAssigned(tenantId: string): SystemAssignedIdentity {
  return {
    clientId: guidFromName('kvsync-system-assigned-client', tenantId),
    objectId: guidFromName('kvsync-system-assigned-object', tenantId),
  };
}

/** Identities, credentials and trusted issuers. See the module comment. */
export class PrincipalDirectory {
  #state: DirectorySnapshot;

  constructor(tenantId: string) {
    this.#state = {
      systemAssigned: defaultSystemAssigned(tenantId),
      managedIdentities: [],
      servicePrincipals: [],
      federatedCredentials: [],
      trustedIssuers: [],
    };
  }

  get systemAssigned(): SystemAssignedIdentity {
    return { ...this.#state.systemAssigned };
  }

  /** Registers (or replaces, by client id) a user-assigned managed identity. */
  addManagedIdentity(input: ManagedIdentityInput): ManagedIdentityRecord {
    const clientId = required(input.clientId, 'clientId').toLowerCase();
    const name = input.name?.trim() || clientId;
    const record: ManagedIdentityRecord = {
      clientId,
      objectId: (input.objectId?.trim() || derivedObjectId(clientId)).toLowerCase(),
      name,
      resourceId: input.resourceId?.trim() || userAssignedIdentityResourceId(name),
    };
    const others = this.#state.managedIdentities.filter((mi) => mi.clientId !== clientId);
    this.#state.managedIdentities = [...others, record];
    return { ...record };
  }

  /** The user-assigned identity an IMDS selector names, or undefined. */
  findManagedIdentity(selector: ManagedIdentitySelector): ManagedIdentityRecord | undefined {
    const clientId = selector.clientId?.toLowerCase();
    const objectId = selector.objectId?.toLowerCase();
    const resourceId = selector.resourceId?.toLowerCase();
    const found = this.#state.managedIdentities.find(
      (mi) =>
        (clientId !== undefined && mi.clientId === clientId) ||
        (objectId !== undefined && mi.objectId === objectId) ||
        (resourceId !== undefined && mi.resourceId.toLowerCase() === resourceId),
    );
    return found && { ...found };
  }

  /**
   * Registers a service principal, or adds a secret or certificate to an existing one (same
   * client id), as adding a credential to an app registration does.
   */
  addServicePrincipal(input: ServicePrincipalInput): ServicePrincipalRecord {
    const clientId = required(input.clientId, 'clientId').toLowerCase();
    if (input.certificatePem !== undefined) certificatePublicKey(input.certificatePem);
    const existing = this.#state.servicePrincipals.find((sp) => sp.clientId === clientId);
    const record: ServicePrincipalRecord = existing ?? {
      clientId,
      objectId: derivedObjectId(clientId),
      secretHashes: [],
      certificatePems: [],
    };
    if (input.objectId?.trim()) record.objectId = input.objectId.trim().toLowerCase();
    if (input.displayName !== undefined) record.displayName = input.displayName;
    if (input.secret !== undefined) record.secretHashes.push(hashSecret(input.secret));
    if (input.certificatePem !== undefined) record.certificatePems.push(input.certificatePem);
    if (!existing) this.#state.servicePrincipals.push(record);
    return structuredClone(record);
  }

  findServicePrincipal(clientId: string): ServicePrincipalRecord | undefined {
    const found = this.#state.servicePrincipals.find((sp) => sp.clientId === clientId.toLowerCase());
    return found && structuredClone(found);
  }

  /** True when `secret` is one of the service principal's secrets (constant-time compare). */
  secretMatches(record: ServicePrincipalRecord, secret: string): boolean {
    const presented = Buffer.from(hashSecret(secret), 'hex');
    return record.secretHashes.some((hash) => timingSafeEqual(Buffer.from(hash, 'hex'), presented));
  }

  /** The app (managed identity or service principal) with this client id, for federation. */
  findApplication(clientId: string): { objectId: string; displayName?: string } | undefined {
    const mi = this.findManagedIdentity({ clientId });
    if (mi) return { objectId: mi.objectId, displayName: mi.name };
    const sp = this.findServicePrincipal(clientId);
    if (sp)
      return sp.displayName
        ? { objectId: sp.objectId, displayName: sp.displayName }
        : { objectId: sp.objectId };
    return undefined;
  }

  /** Adds a federated credential; an identical (client, issuer, subject) one is replaced. */
  addFederatedCredential(input: FederatedCredentialInput): FederatedCredentialRecord {
    const record: FederatedCredentialRecord = {
      clientId: required(input.clientId, 'clientId').toLowerCase(),
      issuer: required(input.issuer, 'issuer'),
      subject: required(input.subject, 'subject'),
      audiences: input.audiences?.length ? [...input.audiences] : ['api://AzureADTokenExchange'],
    };
    const others = this.#state.federatedCredentials.filter(
      (fic) =>
        !(fic.clientId === record.clientId && fic.issuer === record.issuer && fic.subject === record.subject),
    );
    this.#state.federatedCredentials = [...others, record];
    return structuredClone(record);
  }

  /** The federated credentials of an app. */
  federatedCredentials(clientId: string): FederatedCredentialRecord[] {
    return structuredClone(
      this.#state.federatedCredentials.filter((fic) => fic.clientId === clientId.toLowerCase()),
    );
  }

  /** Trusts `issuer`'s assertions, verified with `jwks` (replaces an earlier JWKS). */
  addTrustedIssuer(issuer: string, jwks: Jwks): void {
    const name = required(issuer, 'issuer');
    if (!Array.isArray(jwks?.keys))
      throw new IdentityRegistryError('InvalidInput', 'jwks.keys must be an array');
    const others = this.#state.trustedIssuers.filter((entry) => entry.issuer !== name);
    this.#state.trustedIssuers = [...others, { issuer: name, jwks: structuredClone(jwks) }];
  }

  trustedIssuerJwks(issuer: string): Jwks | undefined {
    const found = this.#state.trustedIssuers.find((entry) => entry.issuer === issuer);
    return found && structuredClone(found.jwks);
  }

  /** Stops trusting `issuer`'s static JWKS; true when it was trusted. */
  removeTrustedIssuer(issuer: string): boolean {
    const before = this.#state.trustedIssuers.length;
    this.#state.trustedIssuers = this.#state.trustedIssuers.filter((entry) => entry.issuer !== issuer);
    return this.#state.trustedIssuers.length !== before;
  }

  /** Removes every identity and credential with this client id; true when something went. */
  removePrincipal(clientId: string): boolean {
    const id = clientId.toLowerCase();
    const before = JSON.stringify(this.#state);
    this.#state.managedIdentities = this.#state.managedIdentities.filter((mi) => mi.clientId !== id);
    this.#state.servicePrincipals = this.#state.servicePrincipals.filter((sp) => sp.clientId !== id);
    this.#state.federatedCredentials = this.#state.federatedCredentials.filter((fic) => fic.clientId !== id);
    return JSON.stringify(this.#state) !== before;
  }

  snapshot(): DirectorySnapshot {
    return structuredClone(this.#state);
  }

  restore(snapshot: DirectorySnapshot): void {
    this.#state = structuredClone({
      systemAssigned: snapshot.systemAssigned ?? this.#state.systemAssigned,
      managedIdentities: snapshot.managedIdentities ?? [],
      servicePrincipals: snapshot.servicePrincipals ?? [],
      federatedCredentials: snapshot.federatedCredentials ?? [],
      trustedIssuers: snapshot.trustedIssuers ?? [],
    });
  }
}

/** The public key of a PEM certificate; throws IdentityRegistryError when it does not parse. */
export function certificatePublicKey(certificatePem: string): KeyObject {
  try {
    return createPublicKey(certificatePem);
  } catch (error) {
    throw new IdentityRegistryError(
      'InvalidInput',
      `certificatePem is not a PEM certificate: ${String(error)}`,
    );
  }
}
