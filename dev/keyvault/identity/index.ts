import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessDecision, EmulatorClock, IdentityService, Permission, Principal } from '../contracts.ts';
import { AccessTokenIssuer, type IssuedToken, type SigningKeySnapshot } from './access-tokens.ts';
import { handleAuthorityRequest, type AuthorityContext } from './authority.ts';
import { DEFAULT_LOCATION, DEFAULT_TENANT_ID } from './ids.ts';
import { handleImdsRequest, type ImdsContext } from './imds.ts';
import type { Jwks } from './jwt.ts';
import { PrincipalRegistry, type RegistrySnapshot } from './registry.ts';

/**
 * Identity and access for the Key Vault emulator: an Entra-style authority and an IMDS endpoint
 * that hand out tokens the official `@azure/identity` credentials accept, the check of those
 * tokens at the vault, and per-vault authorization (RBAC roles or access policies).
 */

export { AccessTokenIssuer, type IssuedToken, type SigningKeySnapshot } from './access-tokens.ts';
export type {
  AccessPolicyPermissions,
  AccessPolicyRecord,
  RoleAssignmentRecord,
  VaultAuthorization,
} from './access.ts';
export { ENTRA_ERRORS, type EntraError } from './entra-errors.ts';
export {
  DEFAULT_LOCATION,
  DEFAULT_RESOURCE_GROUP,
  DEFAULT_SUBSCRIPTION_ID,
  DEFAULT_TENANT_ID,
  TOKEN_EXCHANGE_AUDIENCE,
  stsIssuer,
  vaultResourceId,
} from './ids.ts';
export type { Jwk, Jwks } from './jwt.ts';
export {
  IdentityRegistryError,
  type FederatedCredentialInput,
  type ManagedIdentityInput,
  type ServicePrincipalInput,
} from './principals.ts';
export { PrincipalRegistry, type RegistrySnapshot } from './registry.ts';
export {
  ALL_PERMISSIONS,
  KEY_VAULT_ROLES,
  PERMISSION_ACTIONS,
  permissionsOfRole,
  type RoleDefinition,
} from './roles.ts';

/** A trusted issuer's keys: a JWKS, or a function that returns one (called per assertion). */
export type JwksProvider = Jwks | (() => Jwks | Promise<Jwks>);

export interface IdentityServiceOptions {
  /** Default `DEFAULT_TENANT_ID` (a fixed GUID). */
  tenantId?: string;
  /** HTTPS base URL where the server routes authority paths to `handleAuthority`. */
  authorityHost: string;
  /** Open mode (the sandbox default): any client id and secret, any managed identity, all permissions. Default false. */
  open?: boolean;
  /** Default: the system clock. Token times and assertion expiry follow it. */
  clock?: EmulatorClock;
  /** Issuers trusted for workload-identity assertions, besides those added to the registry. */
  federatedIssuers?: Record<string, JwksProvider>;
  /** Last resort for an issuer neither the registry nor `federatedIssuers` knows; undefined = untrusted. */
  fetchJwks?: (issuer: string) => Promise<Jwks | undefined>;
  /** Lifetime of issued access tokens. Default 3599 s, as Entra's `expires_in`. */
  tokenLifetimeSeconds?: number;
  /** Region named in 403 messages. Default `westeurope`. */
  location?: string;
  /** Start from a saved state (see `snapshot()`). */
  snapshot?: IdentitySnapshot;
}

/** The persistent state of the identity service, as JSON. Holds the token signing key. */
export interface IdentitySnapshot {
  version: 1;
  signingKey: SigningKeySnapshot;
  registry: RegistrySnapshot;
}

/** The emulator's identity service: the `IdentityService` contract plus test and admin handles. */
export interface EmulatedIdentityService extends IdentityService {
  readonly principals: PrincipalRegistry;
  readonly authorityHost: string;
  /** Whether open mode is on (see `IdentityServiceOptions.open`). */
  readonly open: boolean;
  setOpenMode(open: boolean): void;
  /** Issues a token directly (tests, admin API), as the token endpoints would. */
  issueToken(principal: Principal, resource: string): IssuedToken;
  /** The public keys of issued tokens. */
  jwks(): Jwks;
  snapshot(): IdentitySnapshot;
  /** Replaces registry and signing key; earlier tokens stop verifying if the key changes. */
  restore(snapshot: IdentitySnapshot): void;
}

const systemClock: EmulatorClock = { now: () => new Date() };

async function resolveJwks(provider: JwksProvider): Promise<Jwks | undefined> {
  try {
    return typeof provider === 'function' ? await provider() : provider;
  } catch {
    return undefined;
  }
}

/** Finds an issuer's JWKS: the registry first, then `federatedIssuers`, then `fetchJwks`. */
function trustedIssuerResolver(
  principals: PrincipalRegistry,
  options: IdentityServiceOptions,
): (issuer: string) => Promise<Jwks | undefined> {
  return async (issuer) => {
    const registered = principals.trustedIssuerJwks(issuer);
    if (registered) return registered;
    const provider = options.federatedIssuers?.[issuer];
    if (provider) return resolveJwks(provider);
    return options.fetchJwks ? options.fetchJwks(issuer).catch(() => undefined) : undefined;
  };
}

/**
 * Creates the identity service. Nothing listens: the emulator's servers pass authority paths to
 * `handleAuthority` (HTTPS) and IMDS requests to `handleImds` (plain HTTP port).
 */
export function createIdentityService(options: IdentityServiceOptions): EmulatedIdentityService {
  const tenantId = (options.tenantId ?? DEFAULT_TENANT_ID).toLowerCase();
  const clock = options.clock ?? systemClock;
  const location = options.location ?? DEFAULT_LOCATION;
  const principals = new PrincipalRegistry(tenantId);
  const tokens = new AccessTokenIssuer({
    tenantId,
    clock,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    ...(options.snapshot ? { signingKey: options.snapshot.signingKey } : {}),
  });
  if (options.snapshot) principals.restore(options.snapshot.registry);
  let open = options.open ?? false;

  const issuerJwks = trustedIssuerResolver(principals, options);
  const authorityContext = (): AuthorityContext => ({
    registry: principals,
    open,
    tenantId,
    now: () => clock.now(),
    issuerJwks,
    authorityHost: options.authorityHost,
    tokens,
  });
  const imdsContext = (): ImdsContext => ({ registry: principals, open, tenantId, tokens });

  return {
    tenantId,
    principals,
    authorityHost: options.authorityHost,
    get open() {
      return open;
    },
    setOpenMode(value: boolean) {
      open = value;
    },
    verifyAccessToken: (token, resource) => tokens.verify(token, resource),
    authorize(vault: string, principal: Principal, permission: Permission): AccessDecision {
      if (open) return { allowed: true };
      return principals.decide(vault, principal, permission, { tenantId, location });
    },
    handleAuthority: (request: IncomingMessage, response: ServerResponse, url: URL) =>
      handleAuthorityRequest(request, response, url, authorityContext()),
    handleImds: async (request: IncomingMessage, response: ServerResponse, url: URL) =>
      handleImdsRequest(request, response, url, imdsContext()),
    issueToken: (principal, resource) => tokens.issue(principal, resource),
    jwks: () => tokens.jwks(),
    snapshot: () => ({ version: 1, signingKey: tokens.snapshot(), registry: principals.snapshot() }),
    restore(snapshot: IdentitySnapshot) {
      tokens.restore(snapshot.signingKey);
      principals.restore(snapshot.registry);
    },
  };
}
