import {
  IsomorphicFetchHttpLibrary,
  RequestContext,
  type HttpMethod,
  type KubeConfig,
  type ResponseContext,
} from '@kubernetes/client-node';
import { kubeApiErrorFromResponse, kubeTransportError } from './api-error.ts';

/**
 * HTTP to the API server the way client-node's generated clients do it: a `RequestContext`
 * that `KubeConfig.applySecurityAuthentication` fills in (bearer tokens, exec plugins, client
 * certificates, CA, proxy), sent by client-node's own fetch library. Bodies are JSON.
 */

export interface KubeRequest {
  method: HttpMethod;
  /** Path below the server URL, e.g. `/api/v1/namespaces/default/secrets`. */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  signal?: AbortSignal;
}

export interface KubeTransportOptions {
  /** Per request, not for watches; default 30000. */
  requestTimeoutMs?: number;
}

export class KubeTransport {
  readonly kubeConfig: KubeConfig;
  readonly #http = new IsomorphicFetchHttpLibrary();
  /**
   * client-node builds a new connection pool (undici Agent) for every request it authenticates,
   * so every call would pay a TLS handshake and leave an idle socket behind (thousands at
   * scale). The first pool is kept and reused; credentials that are headers (tokens, exec
   * plugins) are still applied per request. A kubeconfig whose client certificate changes at
   * run time would need a new transport.
   */
  #dispatcher: ReturnType<RequestContext['getDispatcher']> | null = null;
  readonly #requestTimeoutMs: number;

  constructor(kubeConfig: KubeConfig, options: KubeTransportOptions = {}) {
    this.kubeConfig = kubeConfig;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /**
   * Sends the request and returns the response with its body unread (for streams). Rejects with
   * a KubeApiError (`Transport`) when no response arrives.
   */
  async open(operation: string, request: KubeRequest): Promise<ResponseContext> {
    const context = await this.#context(operation, request);
    try {
      return await this.#http.send(context).toPromise();
    } catch (error) {
      throw kubeTransportError(operation, error);
    }
  }

  /**
   * Sends the request with the request timeout and resolves with the status and parsed JSON
   * body. Rejects with a KubeApiError for any status outside 2xx except those in `allowStatus`.
   */
  async call<T>(
    operation: string,
    request: KubeRequest,
    allowStatus: readonly number[] = [],
  ): Promise<{ status: number; body: T | undefined; text: string }> {
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const response = await this.open(operation, { ...request, signal });
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw kubeTransportError(operation, error);
    }
    const status = response.httpStatusCode;
    if ((status < 200 || status > 299) && !allowStatus.includes(status))
      throw kubeApiErrorFromResponse(operation, status, text);
    return { status, body: parseJson<T>(text), text };
  }

  async #context(operation: string, request: KubeRequest): Promise<RequestContext> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw kubeTransportError(operation, new Error('the kubeconfig has no current cluster'));
    const url = new URL(cluster.server.replace(/\/+$/, '') + request.path);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    const context = new RequestContext(url.toString(), request.method);
    context.setHeaderParam('Accept', 'application/json');
    if (request.body !== undefined) {
      context.setHeaderParam('Content-Type', request.contentType ?? 'application/json');
      context.setBody(JSON.stringify(request.body));
    }
    if (request.signal) context.setSignal(request.signal);
    try {
      await this.kubeConfig.applySecurityAuthentication(context);
    } catch (error) {
      throw kubeTransportError(operation, error);
    }
    if (this.#dispatcher) context.setDispatcher(this.#dispatcher);
    else this.#dispatcher = context.getDispatcher() ?? null;
    return context;
  }
}

function parseJson<T>(text: string): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
