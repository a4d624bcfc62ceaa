import { X509Certificate } from 'node:crypto';
import type { Principal } from '../contracts.ts';
import { ENTRA_ERRORS, type EntraError } from './entra-errors.ts';
import { formField } from './http.ts';
import { JWT_BEARER_ASSERTION_TYPE, TOKEN_EXCHANGE_AUDIENCE } from './ids.ts';
import {
  audienceClaim,
  decodeJwt,
  numericClaim,
  verifyJwtSignature,
  verifyWithJwks,
  type DecodedJwt,
  type Jwks,
} from './jwt.ts';
import { certificatePublicKey, derivedObjectId } from './principals.ts';
import type { PrincipalRegistry } from './registry.ts';

/**
 * Client authentication at the token endpoint (`grant_type=client_credentials`): a client secret
 * (ClientSecretCredential), a certificate-signed assertion (ClientCertificateCredential) or a
 * federated assertion from a trusted OIDC issuer (WorkloadIdentityCredential). Open mode accepts
 * any client id and secret and skips the federated-credential mapping, but still checks that
 * an assertion is well formed, current, meant for token exchange and signed by a trusted issuer.
 */

export interface ClientAuthContext {
  registry: PrincipalRegistry;
  open: boolean;
  tenantId: string;
  now(): Date;
  /** Audiences accepted in certificate assertions: the token endpoint URLs. */
  tokenEndpointAudiences: string[];
  /** The JWKS that verifies `issuer`'s assertions, or undefined when the issuer is not trusted. */
  issuerJwks(issuer: string): Promise<Jwks | undefined>;
}

export type ClientAuthResult = { principal: Principal } | { error: EntraError };

/** Tolerance for clock differences on `nbf` and `exp` of assertions, as Entra allows. */
const ASSERTION_SKEW_SECONDS = 300;

function normalizeUrl(value: string): string {
  return value.trim().replace(/\/+$/, '').toLowerCase();
}

function principalFor(context: ClientAuthContext, clientId: string, kind: Principal['kind']): Principal {
  const app = context.registry.findApplication(clientId);
  const principal: Principal = {
    objectId: app?.objectId ?? derivedObjectId(clientId),
    clientId: clientId.toLowerCase(),
    tenantId: context.tenantId,
    kind,
  };
  if (app?.displayName) principal.displayName = app.displayName;
  return principal;
}

function checkTimes(jwt: DecodedJwt, context: ClientAuthContext): EntraError | undefined {
  const now = Math.floor(context.now().getTime() / 1000);
  const exp = numericClaim(jwt.claims, 'exp');
  const nbf = numericClaim(jwt.claims, 'nbf');
  const expired = exp === undefined || exp + ASSERTION_SKEW_SECONDS <= now;
  const early = nbf !== undefined && nbf - ASSERTION_SKEW_SECONDS > now;
  return expired || early ? ENTRA_ERRORS.assertionTimeRange(now, nbf, exp) : undefined;
}

/** Authenticates the client of a token request; the form is the request body. */
export async function authenticateClient(
  form: URLSearchParams,
  context: ClientAuthContext,
): Promise<ClientAuthResult> {
  const clientId = formField(form, 'client_id');
  if (!clientId) return { error: ENTRA_ERRORS.missingParameter('client_id') };
  const assertion = formField(form, 'client_assertion');
  if (assertion) {
    const type = formField(form, 'client_assertion_type');
    if (type !== JWT_BEARER_ASSERTION_TYPE) return { error: ENTRA_ERRORS.invalidAssertionType(type) };
    const jwt = decodeJwt(assertion);
    if (!jwt) return { error: ENTRA_ERRORS.malformedAssertion() };
    const selfIssued = jwt.claims.iss === clientId && jwt.claims.sub === clientId;
    return selfIssued
      ? certificateAssertion(jwt, clientId, context)
      : federatedAssertion(jwt, clientId, context);
  }
  const secret = form.get('client_secret');
  if (secret) return clientSecret(clientId, secret, context);
  return { error: ENTRA_ERRORS.missingCredential() };
}

function clientSecret(clientId: string, secret: string, context: ClientAuthContext): ClientAuthResult {
  if (!context.open) {
    if (!context.registry.findServicePrincipal(clientId))
      return { error: ENTRA_ERRORS.applicationNotFound(clientId, context.tenantId) };
    if (!context.registry.servicePrincipalSecretMatches(clientId, secret))
      return { error: ENTRA_ERRORS.invalidSecret(clientId) };
  }
  return { principal: principalFor(context, clientId, 'service-principal') };
}

function certificateSignatureValid(jwt: DecodedJwt, certificatePems: string[]): boolean {
  return certificatePems.some((pem) => verifyJwtSignature(jwt, certificatePublicKey(pem)));
}

function x5cSignatureValid(jwt: DecodedJwt): boolean | undefined {
  const leaf = jwt.header.x5c?.[0];
  if (typeof leaf !== 'string') return undefined;
  try {
    return verifyJwtSignature(jwt, new X509Certificate(Buffer.from(leaf, 'base64')).publicKey);
  } catch {
    return false;
  }
}

/**
 * A service principal's own assertion (iss = sub = client id, aud = token endpoint), signed by a
 * registered certificate. Open mode also takes an `x5c` chain, or no verifiable key at all.
 */
function certificateAssertion(
  jwt: DecodedJwt,
  clientId: string,
  context: ClientAuthContext,
): ClientAuthResult {
  const sp = context.registry.findServicePrincipal(clientId);
  if (!context.open && !sp) return { error: ENTRA_ERRORS.applicationNotFound(clientId, context.tenantId) };
  const certificates = sp?.certificatePems ?? [];
  let valid: boolean | undefined =
    certificates.length > 0 ? certificateSignatureValid(jwt, certificates) : undefined;
  if (valid === undefined && context.open) valid = x5cSignatureValid(jwt) ?? true;
  if (!valid)
    return {
      error: ENTRA_ERRORS.assertionSignature('The key was not found or did not verify the signature.'),
    };
  const timeError = checkTimes(jwt, context);
  if (timeError) return { error: timeError };
  const audiences = audienceClaim(jwt.claims);
  const accepted = new Set(context.tokenEndpointAudiences.map(normalizeUrl));
  if (!audiences.some((aud) => accepted.has(normalizeUrl(aud))))
    return { error: ENTRA_ERRORS.certificateAssertionAudience(audiences) };
  return { principal: principalFor(context, clientId, 'service-principal') };
}

/** A federated (workload identity) assertion: see the module comment for the checks. */
async function federatedAssertion(
  jwt: DecodedJwt,
  clientId: string,
  context: ClientAuthContext,
): Promise<ClientAuthResult> {
  const { iss, sub } = jwt.claims;
  if (typeof iss !== 'string' || typeof sub !== 'string') return { error: ENTRA_ERRORS.malformedAssertion() };
  const credentials = context.open
    ? []
    : context.registry.federatedCredentials(clientId).filter((c) => c.issuer === iss);
  if (!context.open) {
    if (!context.registry.findApplication(clientId))
      return { error: ENTRA_ERRORS.applicationNotFound(clientId, context.tenantId) };
    if (credentials.length === 0) return { error: ENTRA_ERRORS.assertionIssuer(iss) };
  }
  const jwks = await context.issuerJwks(iss);
  if (!jwks) return { error: ENTRA_ERRORS.assertionIssuer(iss) };
  if (!verifyWithJwks(jwt, jwks))
    return {
      error: ENTRA_ERRORS.assertionSignature(
        'The key was not found in the issuer keys, or did not verify the signature.',
      ),
    };
  const timeError = checkTimes(jwt, context);
  if (timeError) return { error: timeError };
  const audiences = audienceClaim(jwt.claims);
  if (context.open) {
    if (!audiences.includes(TOKEN_EXCHANGE_AUDIENCE))
      return { error: ENTRA_ERRORS.assertionAudience(audiences) };
  } else {
    const matching = credentials.filter((c) => c.subject === sub);
    if (matching.length === 0) return { error: ENTRA_ERRORS.noFederatedCredential(iss, sub, audiences) };
    if (!matching.some((c) => c.audiences.some((aud) => audiences.includes(aud))))
      return { error: ENTRA_ERRORS.assertionAudience(audiences) };
  }
  return { principal: principalFor(context, clientId, 'workload-identity') };
}
