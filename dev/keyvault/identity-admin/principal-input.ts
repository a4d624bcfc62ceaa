import { AdminError } from '../admin/index.ts';
import type { AccessPolicyPermissions, Jwks } from '../identity/index.ts';

/**
 * Shapes of what tests and the admin API send to manage principals, grants and trusted issuers,
 * and the checks that turn JSON into them. Every check throws `AdminError('InvalidRequest')`
 * naming the field; none echoes a client secret.
 */

/** Names a principal for a grant: by client id, by object id, or the host's system-assigned identity. */
export type PrincipalRef = { clientId: string } | { objectId: string } | { systemAssigned: true };

/** A federated identity credential: assertions from `issuer` about `subject` stand in for the app. */
export interface FederatedCredentialSpec {
  issuer: string;
  subject: string;
  /** Default `['api://AzureADTokenExchange']`. */
  audiences?: string[];
}

interface PrincipalSpecBase {
  clientId: string;
  /** Default: a GUID derived from the client id (what tokens in open mode carry). */
  objectId?: string;
  federatedCredentials?: FederatedCredentialSpec[];
}

/** An app registration with its service principal; `secret` is what ClientSecretCredential sends. */
export interface ServicePrincipalSpec extends PrincipalSpecBase {
  secret?: string;
  displayName?: string;
}

/** A user-assigned managed identity, reached through IMDS by `client_id`. */
export interface ManagedIdentitySpec extends PrincipalSpecBase {
  /** Resource name; default the client id. */
  name?: string;
  /** ARM id (`msi_res_id`); default one built from `name`. */
  resourceId?: string;
}

/** Trust an OIDC issuer with a fixed JWKS, or with the JWKS served at a URL (HTTPS trusting `ca`). */
export type TrustIssuerSpec =
  { issuer: string; jwks: Jwks } | { issuer: string; jwksUrl: string; ca?: string };

const ACCESS_POLICY_NAMES: Record<keyof AccessPolicyPermissions, readonly string[]> = {
  secrets: ['get', 'list', 'set', 'delete', 'recover', 'backup', 'restore', 'purge', 'all'],
  keys: [
    ...['get', 'list', 'update', 'create', 'import', 'delete', 'recover', 'backup', 'restore'],
    ...['decrypt', 'encrypt', 'unwrapkey', 'wrapkey', 'verify', 'sign', 'purge', 'release', 'rotate'],
    ...['getrotationpolicy', 'setrotationpolicy', 'all'],
  ],
  certificates: [
    ...['get', 'list', 'update', 'create', 'import', 'delete', 'recover', 'backup', 'restore'],
    ...['managecontacts', 'manageissuers', 'getissuers', 'listissuers', 'setissuers', 'deleteissuers'],
    ...['purge', 'all'],
  ],
};

function invalid(message: string): never {
  throw new AdminError('InvalidRequest', message);
}

/** The body as a JSON object. */
export function jsonObject(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    invalid(`${what}: the body must be a JSON object`);
  return body as Record<string, unknown>;
}

function text(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    invalid(`${what}: '${field}' must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, field: string, what: string): string | undefined {
  return value === undefined ? undefined : text(value, field, what);
}

function stringList(value: unknown, field: string, what: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== ''))
    invalid(`${what}: '${field}' must be an array of non-empty strings`);
  return value as string[];
}

/** A principal reference from `clientId`, `objectId` or `systemAssigned: true` (exactly one). */
export function principalRef(source: Record<string, unknown>, what: string): PrincipalRef {
  const given = ['clientId', 'objectId', 'systemAssigned'].filter(
    (key) => source[key] !== undefined && source[key] !== null && source[key] !== '',
  );
  if (given.length !== 1)
    invalid(`${what}: name the principal by exactly one of clientId, objectId, systemAssigned`);
  if (given[0] === 'clientId') return { clientId: text(source.clientId, 'clientId', what) };
  if (given[0] === 'objectId') return { objectId: text(source.objectId, 'objectId', what) };
  if (source.systemAssigned !== true && source.systemAssigned !== 'true')
    invalid(`${what}: 'systemAssigned' must be true`);
  return { systemAssigned: true };
}

/** A federated credential from JSON. */
export function federatedCredentialSpec(body: unknown, what: string): FederatedCredentialSpec {
  const source = jsonObject(body, what);
  const audiences = source.audiences ?? (source.audience === undefined ? undefined : [source.audience]);
  return {
    issuer: text(source.issuer, 'issuer', what),
    subject: text(source.subject, 'subject', what),
    ...(audiences === undefined ? {} : { audiences: stringList(audiences, 'audiences', what) }),
  };
}

function federatedList(value: unknown, what: string): FederatedCredentialSpec[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalid(`${what}: 'federatedCredentials' must be an array`);
  return value.map((item) => federatedCredentialSpec(item, what));
}

/** A `POST /principals` body: `kind` chooses service principal or managed identity. */
export function principalSpec(
  body: unknown,
):
  | { kind: 'service-principal'; spec: ServicePrincipalSpec }
  | { kind: 'managed-identity'; spec: ManagedIdentitySpec } {
  const what = 'add principal';
  const source = jsonObject(body, what);
  const base = {
    clientId: text(source.clientId, 'clientId', what),
    ...(source.objectId === undefined ? {} : { objectId: text(source.objectId, 'objectId', what) }),
    ...(source.federatedCredentials === undefined
      ? {}
      : { federatedCredentials: federatedList(source.federatedCredentials, what)! }),
  };
  const optional = (field: string) => {
    const value = optionalText(source[field], field, what);
    return value === undefined ? {} : { [field]: value };
  };
  if (source.kind === 'service-principal') {
    if (source.secret !== undefined && typeof source.secret !== 'string')
      invalid(`${what}: 'secret' must be a string`);
    const secret = source.secret === undefined ? {} : { secret: source.secret as string };
    return { kind: 'service-principal', spec: { ...base, ...secret, ...optional('displayName') } };
  }
  if (source.kind === 'managed-identity')
    return { kind: 'managed-identity', spec: { ...base, ...optional('name'), ...optional('resourceId') } };
  return invalid(`${what}: 'kind' must be 'service-principal' or 'managed-identity'`);
}

/** Access-policy lists, checked against the permission names Azure accepts (case-insensitive). */
export function accessPolicyPermissions(value: unknown, what: string): AccessPolicyPermissions {
  const source = jsonObject(value, `${what}: 'permissions'`);
  const result: AccessPolicyPermissions = {};
  for (const [kind, names] of Object.entries(source)) {
    const allowed = ACCESS_POLICY_NAMES[kind as keyof AccessPolicyPermissions];
    if (!allowed) invalid(`${what}: permissions may list only secrets, keys and certificates`);
    const list = stringList(names, `permissions.${kind}`, what);
    const unknown = list.find((name) => !allowed.includes(name.trim().toLowerCase()));
    if (unknown !== undefined) invalid(`${what}: '${unknown.slice(0, 40)}' is not a ${kind} permission`);
    result[kind as keyof AccessPolicyPermissions] = list;
  }
  return result;
}

/** A `POST /issuers` body: `{issuer, jwks}` or `{issuer, jwksUrl, ca?}`. */
export function trustIssuerSpec(body: unknown): TrustIssuerSpec {
  const what = 'trust issuer';
  const source = jsonObject(body, what);
  const issuer = text(source.issuer, 'issuer', what);
  if ((source.jwks === undefined) === (source.jwksUrl === undefined))
    invalid(`${what}: give exactly one of 'jwks' and 'jwksUrl'`);
  if (source.jwks !== undefined) {
    const jwks = jsonObject(source.jwks, what);
    if (!Array.isArray(jwks.keys)) invalid(`${what}: 'jwks.keys' must be an array`);
    return { issuer, jwks: jwks as unknown as Jwks };
  }
  const jwksUrl = text(source.jwksUrl, 'jwksUrl', what);
  if (!URL.canParse(jwksUrl) || !/^https?:$/.test(new URL(jwksUrl).protocol))
    invalid(`${what}: 'jwksUrl' must be an http: or https: URL`);
  const ca = optionalText(source.ca, 'ca', what);
  return { issuer, jwksUrl, ...(ca === undefined ? {} : { ca }) };
}
