/** What a route is, and the table that finds one for a request. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { KvsyncError } from '../errors.ts';

/** A request whose body has been read (at most the server's cap; empty when there is none). */
export interface RouteRequest {
  /** Upper case. A HEAD request reaches a GET route with method `HEAD`. */
  readonly method: string;
  /** Path and query; the origin is the server's own. */
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly raw: IncomingMessage;
}

export interface Route {
  /** `GET`, `POST`, `OPTIONS`, …; case-insensitive. */
  readonly method: string;
  /** An exact path (`/webhooks/eventgrid`), or a prefix ending in `/*` (`/api/*` matches `/api/x/y`). */
  readonly path: string;
  /**
   * Writes the response. A thrown error or rejection becomes a 500 (logged as
   * `{name, code, message}`) when nothing has been sent yet, else the connection is dropped.
   */
  handle(request: RouteRequest, response: ServerResponse): void | Promise<void>;
}

export type RouteMatch =
  { kind: 'found'; route: Route } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'not-found' };

/** Routes by exact path first, then by the longest matching prefix. */
export class RouteTable {
  readonly #routes = new Map<string, Map<string, Route>>();

  /** Throws ERR_INVALID_CONFIG when the same method and path are registered twice. */
  add(route: Route): void {
    const method = route.method.toUpperCase();
    const byMethod = this.#routes.get(route.path) ?? new Map<string, Route>();
    if (byMethod.has(method)) {
      throw new KvsyncError('ERR_INVALID_CONFIG', `http route ${method} ${route.path} is already registered`);
    }
    byMethod.set(method, route);
    this.#routes.set(route.path, byMethod);
  }

  match(method: string, path: string): RouteMatch {
    const byMethod = this.#routes.get(path) ?? this.#routes.get(this.#longestPrefix(path) ?? '');
    if (byMethod === undefined) return { kind: 'not-found' };
    const upper = method.toUpperCase();
    const route = byMethod.get(upper) ?? (upper === 'HEAD' ? byMethod.get('GET') : undefined);
    if (route !== undefined) return { kind: 'found', route };
    return { kind: 'method-not-allowed', allowed: [...byMethod.keys()].sort() };
  }

  #longestPrefix(path: string): string | undefined {
    let best: string | undefined;
    for (const pattern of this.#routes.keys()) {
      if (!pattern.endsWith('/*')) continue;
      const prefix = pattern.slice(0, -1);
      if (path.startsWith(prefix) && (best === undefined || pattern.length > best.length)) best = pattern;
    }
    return best;
  }
}
