import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { VaultError } from '../vault/errors.ts';

/**
 * Answers with the headers a real vault sends (reference §2.4) and Key Vault's error shape
 * `{"error":{"code","message","innererror"?}}`.
 */

/** Service version reported in `x-ms-keyvault-service-version`. */
export const SERVICE_VERSION = '1.9.79.2';
export const REGION = 'emulator';

function standardHeaders(response: ServerResponse): Record<string, string> {
  const headers: Record<string, string> = {
    'Cache-Control': 'no-cache',
    Pragma: 'no-cache',
    Expires: '-1',
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-region': REGION,
    'x-ms-keyvault-service-version': SERVICE_VERSION,
    'x-ms-keyvault-network-info': 'conn_type=Ipv4;addr=127.0.0.1;act_addr_fam=InterNetwork;',
    'Strict-Transport-Security': 'max-age=31536000;includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
  };
  const clientRequestId = response.req?.headers['x-ms-client-request-id'];
  if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
  return headers;
}

/** Sends `body` as JSON with `status`. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...standardHeaders(response),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    ...extraHeaders,
  });
  response.end(text);
}

/** Sends an empty answer (e.g. 204 for purge). */
export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { ...standardHeaders(response), 'Content-Length': '0' });
  response.end();
}

/** The error body Key Vault sends. */
export function errorBody(
  code: string,
  message: string,
  innerCode?: string,
): { error: { code: string; message: string; innererror?: { code: string } } } {
  return { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } };
}

/** Sends a VaultError as Key Vault would; anything else becomes a 500 that names no details. */
export function sendError(
  response: ServerResponse,
  error: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof VaultError) {
    sendJson(response, error.status, errorBody(error.code, error.message, error.innerCode), extraHeaders);
    return;
  }
  sendJson(response, 500, errorBody('InternalServerError', 'The emulator failed to process the request.'));
}
