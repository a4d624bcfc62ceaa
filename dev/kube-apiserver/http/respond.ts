import type { ServerResponse } from 'node:http';
import { KubeStatusError, internalError } from '../errors.ts';

/** Writing responses: JSON everywhere (errors included), content negotiation for Tables. */

export function sendJson(
  response: ServerResponse,
  code: number,
  body: unknown,
  warnings: string[] = [],
): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length > 0) headers['Warning'] = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  response.writeHead(code, headers);
  response.end(text);
}

export function sendError(response: ServerResponse, error: unknown): void {
  const status =
    error instanceof KubeStatusError ? error : internalError((error as Error)?.message ?? String(error));
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, status.code, status.toStatus());
}

/** True when the client asked for `meta.k8s.io/v1` Table output (as kubectl get does). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /(^|;)\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
