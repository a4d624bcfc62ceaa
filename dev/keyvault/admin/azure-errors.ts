import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/**
 * Answers shaped like Key Vault's own errors, for injected faults and emulated throttling:
 * `{"error":{"code","message","innererror"?}}` with the headers a real vault sends.
 */

/** `innererror.code` values Key Vault uses on 403 (reference §2.8). */
export type ForbiddenInnerCode =
  | 'ForbiddenByRbac'
  | 'AccessDenied'
  | 'ForbiddenByPolicy'
  | 'ForbiddenByFirewall'
  | 'ForbiddenByConnection'
  | 'SecretDisabled';

/** The body of one Azure error answer. */
export interface AzureErrorBody {
  error: { code: string; message: string; innererror?: { code: string } };
}

/** Reason text of a throttled answer, as a real vault words it. */
export const THROTTLED_MESSAGE =
  'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached';

const FORBIDDEN_MESSAGES: Record<ForbiddenInnerCode, string> = {
  ForbiddenByRbac:
    "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: appid=emulator\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nAssignment: (not found)\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\n",
  AccessDenied:
    "The user, group or application does not have secrets get permission on key vault '{vault};location=emulator'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287",
  ForbiddenByPolicy:
    "The user, group or application does not have secrets purge permission on key vault '{vault};location=emulator'.",
  ForbiddenByFirewall:
    'Client address is not authorized and caller is not a trusted service.\r\nClient address: 127.0.0.1',
  ForbiddenByConnection:
    'Public network access is disabled and request is not from a trusted service nor via an approved private link.',
  SecretDisabled: 'Operation get is not allowed on a disabled secret.',
};

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadParameter',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  408: 'RequestTimeout',
  409: 'Conflict',
  429: 'Throttled',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** Options of {@link azureErrorBody}; every field has a default fitting the status. */
export interface AzureErrorOptions {
  code?: string;
  message?: string;
  /** Only used on 403; default `ForbiddenByRbac`. */
  innerCode?: string;
  vault?: string;
}

/** Builds the body Key Vault would send with `status`. Names no secret values. */
export function azureErrorBody(status: number, options: AzureErrorOptions = {}): AzureErrorBody {
  const code =
    options.code ?? DEFAULT_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest');
  if (status === 403) {
    const inner = options.innerCode ?? 'ForbiddenByRbac';
    const template = FORBIDDEN_MESSAGES[inner as ForbiddenInnerCode] ?? 'Access denied.';
    const message = options.message ?? template.replace('{vault}', options.vault ?? 'vault');
    return { error: { code, message, innererror: { code: inner } } };
  }
  if (status === 429) return { error: { code, message: options.message ?? THROTTLED_MESSAGE } };
  const message = options.message ?? defaultMessage(status);
  const body: AzureErrorBody = { error: { code, message } };
  if (options.innerCode) body.error.innererror = { code: options.innerCode };
  return body;
}

function defaultMessage(status: number): string {
  if (status === 503) return 'The service is temporarily unavailable. Please retry later.';
  if (status >= 500) return 'An internal server error occurred. Please retry later.';
  return `The request failed with status ${status}.`;
}

/**
 * Writes an Azure-shaped error answer. `retryAfterSeconds` adds `Retry-After`; the real
 * service omits it on 429 (reference §5.2), which the JS SDK then does not retry.
 */
export function sendAzureError(
  response: ServerResponse,
  status: number,
  body: AzureErrorBody,
  retryAfterSeconds?: number,
): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    Expires: '-1',
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-region': 'emulator',
    'x-ms-keyvault-service-version': '1.9.0.0',
    'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
  };
  const clientRequestId = response.req?.headers['x-ms-client-request-id'];
  if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
  if (retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(Math.max(0, Math.ceil(retryAfterSeconds)));
  response.writeHead(status, headers);
  response.end(text);
}
