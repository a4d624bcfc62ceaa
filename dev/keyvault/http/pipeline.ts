import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  EmulatorClock,
  EmulatorHooks,
  IdentityService,
  Principal,
  VaultRequestInfo,
} from '../contracts.ts';
import { VaultError } from '../vault/errors.ts';
import type { KeyVaultStore } from '../vault/store.ts';
import { checkApiVersion } from './api-version.ts';
import { bearerToken, challengeHeader, resourceForHost, sendChallenge } from './auth.ts';
import { readJsonBody } from './body.ts';
import { errorBody, sendEmpty, sendError, sendJson } from './respond.ts';
import { matchRoute, type RequestContext, type Route } from './routes.ts';

/**
 * One data-plane request, in the order Azure and the SDK need: challenge (before the body is
 * read), token check, route, api-version, authorization, hooks (faults, throttling), handler,
 * save. `afterResponse` sees every routed request with its final status.
 */

export interface PipelineOptions {
  store: KeyVaultStore;
  identity: IdentityService;
  hooks: EmulatorHooks | undefined;
  clock: EmulatorClock;
  authorityHost: string;
  routes: readonly Route[];
}

interface Target {
  vault: string;
  /** `https://host[:port]` as the client addressed it. */
  baseUrl: string;
  hostname: string;
}

function targetOf(request: IncomingMessage, vault: string, fallbackHost: string): Target {
  const host =
    request.headers.host && /^[a-z0-9.\-:[\]]+$/i.test(request.headers.host)
      ? request.headers.host
      : fallbackHost;
  const baseUrl = `https://${host.toLowerCase()}`;
  return { vault, baseUrl, hostname: new URL(baseUrl).hostname };
}

/** Authenticates; returns the principal, or undefined once a 401 is sent. */
function authenticate(
  options: PipelineOptions,
  request: IncomingMessage,
  response: ServerResponse,
  target: Target,
): Principal | undefined {
  const resource = resourceForHost(target.hostname);
  const challenge = challengeHeader(options.authorityHost, options.identity.tenantId, resource);
  const token = bearerToken(request);
  if (!token) {
    sendChallenge(response, challenge, 'AKV10000: Request is missing a Bearer or PoP token.');
    return undefined;
  }
  const verified = options.identity.verifyAccessToken(token, resource);
  if ('error' in verified) {
    sendChallenge(response, challenge, verified.error);
    return undefined;
  }
  return verified.principal;
}

function context(
  options: PipelineOptions,
  request: IncomingMessage,
  target: Target,
  url: URL,
  params: string[],
  apiVersion: string,
): RequestContext {
  const vault = options.store.vault(target.vault)!;
  return {
    vault,
    baseUrl: target.baseUrl,
    apiVersion,
    params,
    searchParams: url.searchParams,
    nowSeconds: () => Math.floor(options.clock.now().getTime() / 1000),
    readBody: () => readJsonBody(request),
    emit: (event) => {
      try {
        options.hooks?.onObjectEvent?.({ ...event, vault: target.vault, vaultUrl: target.baseUrl });
      } catch {
        // Events are best effort: a failing publisher never fails the write.
      }
    },
  };
}

async function serveRoute(
  options: PipelineOptions,
  request: IncomingMessage,
  response: ServerResponse,
  target: Target,
  url: URL,
  route: Route,
  params: string[],
  principal: Principal,
  info: VaultRequestInfo,
): Promise<void> {
  const apiVersion = checkApiVersion(url.searchParams);
  const decision = options.identity.authorize(target.vault, principal, route.permission);
  if (!decision.allowed) throw new VaultError(403, 'Forbidden', decision.message, decision.innerCode);
  if (await options.hooks?.beforeRequest?.(info, response)) return;
  const reply = await route.handle(context(options, request, target, url, params, apiVersion));
  if (route.mutates) options.store.save();
  if (reply.body === undefined) sendEmpty(response, reply.status);
  else sendJson(response, reply.status, reply.body);
}

/**
 * Serves one request addressed to `vault` (which must exist in the store). Never throws: errors
 * become Key Vault error answers.
 */
export async function serveVaultRequest(
  options: PipelineOptions,
  vault: string,
  request: IncomingMessage,
  response: ServerResponse,
  fallbackHost: string,
): Promise<void> {
  const target = targetOf(request, vault, fallbackHost);
  const url = new URL(request.url ?? '/', target.baseUrl);
  const method = request.method ?? 'GET';
  const match = matchRoute(options.routes, method, url.pathname);
  let info: VaultRequestInfo | undefined;
  if (match.kind === 'route') {
    const objectName = match.route.nameParam !== undefined ? match.params[match.route.nameParam] : undefined;
    const routed: VaultRequestInfo = {
      vault,
      operation: match.route.operation,
      method,
      ...(objectName ? { objectName } : {}),
    };
    info = routed;
    response.once('finish', () => options.hooks?.afterResponse?.(routed, response.statusCode));
  }
  try {
    const principal = authenticate(options, request, response, target);
    if (!principal) return;
    if (match.kind === 'not-found')
      throw new VaultError(
        404,
        'NotFound',
        `No operation is served at ${method} ${url.pathname.slice(0, 200)}.`,
      );
    if (match.kind === 'method-not-allowed')
      throw new VaultError(
        405,
        'MethodNotAllowed',
        `The method ${method} is not allowed on ${url.pathname.slice(0, 200)}.`,
      );
    await serveRoute(options, request, response, target, url, match.route, match.params, principal, info!);
  } catch (error) {
    sendError(response, error);
  }
}

/** Answers a request for a vault this emulator does not have. */
export function sendVaultNotFound(response: ServerResponse, host: string): void {
  sendJson(response, 404, errorBody('VaultNotFound', `No vault is served at ${host.slice(0, 200)}.`));
}
