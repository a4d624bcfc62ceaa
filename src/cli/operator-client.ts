/**
 * How the CLI reaches the operator, for what only the operator knows (Key Vault access checked
 * with the store's identity, Key Vault's current version, Event Grid arrival, the request budget,
 * the reloader). Two ways:
 *
 * - through the Kubernetes API's Service proxy (the default, in a real cluster): the user's
 *   kubeconfig and RBAC (`services/proxy` on the operator's Service) decide who may ask; nothing
 *   to expose, no port-forward. `GET /api/v1/namespaces/NS/services/NAME:PORT/proxy/api/v1/…`.
 * - at an explicit URL (`--operator-url`, env KVSYNC_OPERATOR_URL): the sandbox, or a
 *   port-forward. A URL ending in `/metrics` (the sandbox's `metricsUrl`) is taken as the base.
 *
 * Failures never throw: every answer is a result, so that commands can report what they could
 * not check and go on.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { OPERATOR_API_PREFIX, TOKEN_HEADER } from '../server/operator-api/wire.ts';

export type OperatorAnswer<T> =
  | { ok: true; body: T }
  | {
      ok: false;
      /** HTTP status; 0 when the operator could not be reached at all. */
      status: number;
      /** The API's error name (`NotFound`, `Unauthorized`, …) or `Unreachable`. */
      error: string;
      message: string;
    };

export interface OperatorClient {
  /** Where the operator is, for messages: `http://127.0.0.1:8080` or `Service kvsync-system/kvsync:http`. */
  readonly where: string;
  get<T>(path: string): Promise<OperatorAnswer<T>>;
  post<T>(path: string, token: string | undefined): Promise<OperatorAnswer<T>>;
}

interface RawAnswer {
  status: number;
  text: string;
}

const TIMEOUT_MS = 30_000;

function parse<T>(raw: RawAnswer, where: string): OperatorAnswer<T> {
  let body: unknown;
  try {
    body = raw.text ? JSON.parse(raw.text) : undefined;
  } catch {
    body = undefined;
  }
  if (raw.status >= 200 && raw.status < 300) return { ok: true, body: body as T };
  const status = body as { kind?: string; message?: string; error?: string } | undefined;
  // A Kubernetes Status: the API server answered, not the operator (no Service, no endpoints, RBAC).
  if (status?.kind === 'Status')
    return {
      ok: false,
      status: 0,
      error: 'Unreachable',
      message: `${where}: ${raw.status} ${status.message ?? ''}`.trim(),
    };
  return {
    ok: false,
    status: raw.status,
    error: status?.error ?? `HTTP${raw.status}`,
    message: status?.message ?? `the operator answered ${raw.status}`,
  };
}

function unreachable<T>(where: string, error: unknown): OperatorAnswer<T> {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  return { ok: false, status: 0, error: 'Unreachable', message: `${where}: ${cause}` };
}

/** The operator at `url` (its base, or its `/metrics`). */
export function operatorAtUrl(url: string): OperatorClient {
  const base = url.replace(/\/+$/, '').replace(/\/metrics$/, '');
  const call = async <T>(method: string, path: string, token?: string): Promise<OperatorAnswer<T>> => {
    try {
      const response = await fetch(`${base}${OPERATOR_API_PREFIX}${path}`, {
        method,
        headers: { accept: 'application/json', ...(token ? { [TOKEN_HEADER]: token } : {}) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return parse<T>({ status: response.status, text: await response.text() }, base);
    } catch (error) {
      return unreachable<T>(base, error);
    }
  };
  return {
    where: base,
    get: (path) => call('GET', path),
    post: (path, token) => call('POST', path, token),
  };
}

/** The operator through the Kubernetes API's Service proxy, with the kubeconfig's credentials. */
export function operatorThroughProxy(
  kubeConfig: KubeConfig,
  service: { namespace: string; name: string; port: string },
): OperatorClient {
  const where = `Service ${service.namespace}/${service.name}:${service.port}`;
  const http = new IsomorphicFetchHttpLibrary();
  const prefix =
    `/api/v1/namespaces/${encodeURIComponent(service.namespace)}/services/` +
    `${encodeURIComponent(service.name)}:${encodeURIComponent(service.port)}/proxy`;
  const call = async <T>(
    method: 'GET' | 'POST',
    path: string,
    token?: string,
  ): Promise<OperatorAnswer<T>> => {
    try {
      const server = kubeConfig.getCurrentCluster()?.server;
      if (!server)
        return {
          ok: false,
          status: 0,
          error: 'Unreachable',
          message: 'the kubeconfig has no current cluster',
        };
      const context = new RequestContext(
        `${server.replace(/\/+$/, '')}${prefix}${OPERATOR_API_PREFIX}${path}`,
        method,
      );
      context.setHeaderParam('Accept', 'application/json');
      if (token) context.setHeaderParam(TOKEN_HEADER, token);
      context.setSignal(AbortSignal.timeout(TIMEOUT_MS));
      await kubeConfig.applySecurityAuthentication(context);
      const response = await http.send(context).toPromise();
      return parse<T>({ status: response.httpStatusCode, text: await response.body.text() }, where);
    } catch (error) {
      return unreachable<T>(where, error);
    }
  };
  return {
    where,
    get: (path) => call('GET', path),
    post: (path, token) => call('POST', path, token),
  };
}

/**
 * The sandbox's operator, when `cwd/.kvsync/sandbox.json` exists and names the kubeconfig in use
 * (so that `KUBECONFIG=.kvsync/kubeconfig kvsync why …` works without flags). Undefined otherwise.
 */
export function sandboxOperatorUrl(
  cwd: string | undefined,
  kubeconfig: string | undefined,
): string | undefined {
  if (!cwd || !kubeconfig) return undefined;
  try {
    const file = resolve(cwd, '.kvsync/sandbox.json');
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as {
      kubeconfig?: string;
      operatorUrl?: string;
      metricsUrl?: string;
    };
    if (!endpoints.kubeconfig || resolve(cwd, endpoints.kubeconfig) !== resolve(cwd, kubeconfig))
      return undefined;
    return endpoints.operatorUrl ?? endpoints.metricsUrl;
  } catch {
    return undefined;
  }
}
