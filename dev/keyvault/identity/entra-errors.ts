import type { ServerResponse } from 'node:http';
import { newGuid } from './ids.ts';
import { sendJson } from './http.ts';

/**
 * Entra ID (AAD) token-endpoint errors: the OAuth `error`, the `AADSTSnnnnn` code and the wording
 * Entra uses, sent in its body shape (`error_description` with trace and correlation ids,
 * `error_codes`, `timestamp`, …). MSAL surfaces `error` and `error_description` to callers.
 */

export interface EntraError {
  status: 400 | 401;
  error:
    'invalid_request' | 'invalid_client' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope';
  code: number;
  message: string;
}

function entra(
  status: EntraError['status'],
  error: EntraError['error'],
  code: number,
  message: string,
): EntraError {
  return { status, error, code, message };
}

const FIC_HINT =
  'Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ' +
  'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

/** The errors the emulated authority answers with. */
export const ENTRA_ERRORS = {
  tenantNotFound: (tenant: string) =>
    entra(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  postRequired: (method: string) =>
    entra(
      400,
      'invalid_request',
      900561,
      `The endpoint only accepts POST requests. Received a ${method} request.`,
    ),
  missingParameter: (name: string) =>
    entra(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  unsupportedGrantType: (grantType: string) =>
    entra(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    ),
  invalidScope: (scope: string) =>
    entra(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  applicationNotFound: (clientId: string, tenant: string) =>
    entra(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  missingCredential: () =>
    entra(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  invalidSecret: (clientId: string) =>
    entra(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  invalidAssertionType: (type: string | undefined) =>
    entra(
      400,
      'invalid_request',
      type === undefined ? 900144 : 50027,
      type === undefined
        ? "The request body must contain the following parameter: 'client_assertion_type'."
        : `The value of client_assertion_type '${type}' is not supported; expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`,
    ),
  malformedAssertion: () => entra(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  assertionSignature: (reason: string) =>
    entra(
      400,
      'invalid_client',
      700027,
      `Client assertion failed signature validation. [Reason - ${reason}]`,
    ),
  assertionTimeRange: (nowSeconds: number, nbf: number | undefined, exp: number | undefined) =>
    entra(
      400,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${isoSeconds(nowSeconds)}, assertion valid from ${nbf === undefined ? 'unknown' : isoSeconds(nbf)}, expiry time of assertion ${exp === undefined ? 'unknown' : isoSeconds(exp)}.`,
    ),
  assertionAudience: (audiences: string[]) =>
    entra(
      400,
      'invalid_request',
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'. ${FIC_HINT}`,
    ),
  assertionIssuer: (issuer: string) =>
    entra(
      400,
      'invalid_request',
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. ${FIC_HINT}`,
    ),
  noFederatedCredential: (issuer: string, subject: string, audiences: string[]) =>
    entra(
      400,
      'invalid_request',
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audiences.join(', ')}'. ${FIC_HINT}`,
    ),
  certificateAssertionAudience: (audiences: string[]) =>
    entra(
      400,
      'invalid_client',
      700021,
      `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Presented audience: '${audiences.join(', ')}'.`,
    ),
  badRequestBody: (reason: string) =>
    entra(400, 'invalid_request', 90014, `The request body could not be read: ${reason}.`),
} as const;

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function entraTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * Sends `error` in Entra's body shape. `correlationId` is the client's `client-request-id`
 * when it sent one; the trace id is fresh.
 */
export function sendEntraError(
  response: ServerResponse,
  error: EntraError,
  now: Date,
  correlationId?: string,
): void {
  const traceId = newGuid();
  const correlation = correlationId ?? newGuid();
  const timestamp = entraTimestamp(now);
  sendJson(
    response,
    error.status,
    {
      error: error.error,
      error_description: `AADSTS${error.code}: ${error.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [error.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${error.code}`,
    },
    { 'x-ms-request-id': traceId },
  );
}
