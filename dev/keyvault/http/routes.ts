import type { Permission, VaultObjectEvent } from '../contracts.ts';
import type { VaultData } from '../vault/model.ts';

/**
 * The route table's types and matcher. A route names the SDK operation (what counters and
 * faults see), the permission it needs, and whether it changes state (then the store is saved).
 */

/** What a handler gets for one authenticated, authorized request. */
export interface RequestContext {
  vault: VaultData;
  /** Origin the client used, e.g. `https://127.0.0.1:PORT`; ids and nextLinks are built on it. */
  baseUrl: string;
  apiVersion: string;
  /** The route pattern's groups, URI-decoded. */
  params: string[];
  searchParams: URLSearchParams;
  /** The emulator clock in Unix seconds. */
  nowSeconds(): number;
  /** The JSON body; `BadParameter` when it is not JSON. Undefined for an empty body. */
  readBody(): Promise<unknown>;
  /** Publishes a change (Event Grid). */
  emit(event: Omit<VaultObjectEvent, 'vault' | 'vaultUrl'>): void;
}

export interface Reply {
  status: number;
  /** JSON body; absent for 204. */
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** Matched against the path (case-insensitive); groups become `params`. */
  pattern: RegExp;
  /** The SDK's operation name, e.g. `getSecret`. */
  operation: string;
  permission: Permission;
  /** Index in `params` of the object name, when the path has one. */
  nameParam?: number;
  mutates: boolean;
  handle(context: RequestContext): Reply | Promise<Reply>;
}

export type RouteMatch =
  { kind: 'route'; route: Route; params: string[] } | { kind: 'method-not-allowed' } | { kind: 'not-found' };

function decode(part: string | undefined): string {
  if (part === undefined) return '';
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The first route whose pattern and method fit. */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  let pathMatched = false;
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.method === method) return { kind: 'route', route, params: match.slice(1).map(decode) };
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}

/** A path segment that captures an object name. */
export const NAME = '([^/]+)';

/** Builds a route whose path matches with or without a trailing slash; `named` routes capture the object name first. */
export function route(
  method: Route['method'],
  path: string,
  operation: string,
  permission: Route['permission'],
  handle: Route['handle'],
  mutates: boolean,
  named = true,
): Route {
  return {
    method,
    pattern: new RegExp(`^${path}/?$`, 'i'),
    operation,
    permission,
    mutates,
    handle,
    ...(named ? { nameParam: 0 } : {}),
  };
}
