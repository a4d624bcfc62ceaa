import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { expect } from 'vitest';

/**
 * Raw HTTPS requests to the emulator, trusting its CA and sending its bearer token: for what
 * neither kubectl nor client-node lets a test send (malformed bodies, wrong content types).
 */

export interface ServerEndpoint {
  url: string;
  caPem: string;
  token: string;
}

export interface ApiRequestOptions {
  method?: string;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  accept?: string;
  /** `null` sends no Authorization header; default the server's token. */
  token?: string | null;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: T;
}

/** A Kubernetes object as the tests read it: typed metadata, the rest checked with `toMatchObject`. */
export interface KubeObjectBody {
  apiVersion?: string;
  kind?: string;
  metadata: V1ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface KubeListBody<T = KubeObjectBody> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface StatusBody {
  kind: string;
  apiVersion: string;
  metadata?: Record<string, unknown>;
  status?: string;
  message?: string;
  reason?: string;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** Sends one request; resolves with any status code, rejects only on transport errors. */
export function apiRequest<T = unknown>(
  server: ServerEndpoint,
  path: string,
  options: ApiRequestOptions = {},
): Promise<ApiResponse<T>> {
  const url = new URL(path, server.url);
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  const token = options.token === undefined ? server.token : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers, ca: server.caPem }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Asserts an HTTP status and a well-formed Status body with that code and reason. */
export function expectStatus(response: ApiResponse, code: number, reason: string): StatusBody {
  expect(response.status, response.text).toBe(code);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const status = response.json as StatusBody;
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
  return status;
}

/** Asserts a 2xx answer and returns its body. */
export function expectOk<T = KubeObjectBody>(response: ApiResponse<unknown>): T {
  expect(response.status, response.text).toBeGreaterThanOrEqual(200);
  expect(response.status, response.text).toBeLessThan(300);
  return response.json as T;
}

/** Collection or item path under a group version, e.g. `apis/apps/v1`, or `api/v1` for core. */
export function resourcePath(
  groupVersion: string,
  plural: string,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const prefix = groupVersion.includes('/') ? `/apis/${groupVersion}` : `/api/${groupVersion}`;
  let path = namespace ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`;
  if (name) path += `/${name}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

/** Creates an object by POST to `collectionPath` and returns it; fails the test on any error. */
export async function createObject(
  server: ServerEndpoint,
  collectionPath: string,
  body: unknown,
): Promise<KubeObjectBody> {
  return expectOk(await apiRequest(server, collectionPath, { method: 'POST', body }));
}

/** Reads an object; fails the test unless it exists. */
export async function readObject(server: ServerEndpoint, path: string): Promise<KubeObjectBody> {
  return expectOk(await apiRequest(server, path));
}

/** True when GET answers 404. */
export async function isGone(server: ServerEndpoint, path: string): Promise<boolean> {
  return (await apiRequest(server, path)).status === 404;
}

/** Applies a JSON merge patch and returns the result; fails the test on any error. */
export async function mergePatch(
  server: ServerEndpoint,
  path: string,
  patch: unknown,
): Promise<KubeObjectBody> {
  return expectOk(await apiRequest(server, path, { method: 'PATCH', body: patch, contentType: MERGE_PATCH }));
}

/** Lists a collection (optionally with a label selector); fails the test on any error. */
export async function listObjects(
  server: ServerEndpoint,
  collectionPath: string,
  labelSelector?: string,
): Promise<KubeObjectBody[]> {
  const query = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
  const list = expectOk<KubeListBody>(await apiRequest(server, collectionPath + query));
  return list.items;
}
