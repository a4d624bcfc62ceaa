import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { createCertificateAuthority, issueServerCertificate } from '../tls/index.ts';
import { createCluster, type Cluster, type ClusterOptions } from './cluster.ts';
import { notFound, pathNotFound, unauthorized } from './errors.ts';
import { authenticateToken, bearerToken } from './http/authenticate.ts';
import {
  AGGREGATED_DISCOVERY_CONTENT_TYPE,
  aggregatedDiscovery,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  resourceList,
  VERSION_INFO,
  wantsAggregated,
} from './http/discovery.ts';
import { openApiDocument, openApiRoot } from './http/openapi.ts';
import { parseResourcePath } from './http/request.ts';
import type { Target } from './api/object-api.ts';
import { handleResource, type ResourceContext } from './http/resources.ts';
import { sendError, sendJson } from './http/respond.ts';
import { SERVICE_ACCOUNT_ISSUER, TokenAuthority } from './http/tokens.ts';
import { WatchRegistry } from './http/watch.ts';
import { requestAttributes } from './rbac/attributes.ts';
import { AuthorizationLog, recordingAuthorizer, type AuthorizationRecord } from './rbac/audit.ts';
import { allowAll, type Authorizer } from './rbac/authorizer.ts';
import { forbidden } from './rbac/forbidden.ts';
import { impersonate } from './rbac/impersonation.ts';
import { ownerReferencesPermissionCheck } from './rbac/owner-references.ts';
import { startRbac } from './rbac/start-rbac.ts';
import { ANONYMOUS_USER, type UserInfo } from './rbac/user.ts';

export interface KubeApiServerOptions extends ClusterOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Where to write the kubeconfig; default a new temporary directory. */
  kubeconfigPath?: string;
  /** Interval of BOOKMARK events on watches that allow them; default 5 s. */
  bookmarkIntervalMs?: number;
  /**
   * Enforce RBAC (default false: every authenticated request may do everything). When true, the
   * default ClusterRoles and ClusterRoleBindings are created at start, the admin token stays
   * all-powerful through `system:masters`, and ServiceAccount tokens get what their bindings grant.
   */
  rbac?: boolean;
  /**
   * The OwnerReferencesPermissionEnforcement admission plugin (default false, as upstream; on in
   * OpenShift): setting `blockOwnerDeletion` needs `update` on the owner's `finalizers`, changing
   * owner references needs `delete` on the object (see `rbac/owner-references.ts`).
   */
  ownerReferencesPermissionEnforcement?: boolean;
}

/** Options of the ServiceAccount tokens minted by `tokenFor` and `kubeconfigFor`. */
export interface ServiceAccountTokenOptions {
  /** Lifetime of the token; default one year, so that tests on a fake clock do not outlive it. */
  expirationSeconds?: number;
}

export interface KubeApiServer {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** Path of the kubeconfig that kubectl and client-node use as it is. */
  kubeconfig: string;
  /** The admin bearer token in that kubeconfig. */
  token: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** The cluster behind the server, for tests that need to look inside. */
  cluster: Cluster;
  /** Forgets the watch history: resuming from an older resourceVersion then gets ERROR 410. */
  compactWatchHistory(): void;
  /**
   * A bearer token of the ServiceAccount `namespace/name` for this API server, as the TokenRequest
   * API issues it. Throws a 404 KubeStatusError when the ServiceAccount does not exist; deleting
   * the account later revokes the token.
   */
  tokenFor(namespace: string, name: string, options?: ServiceAccountTokenOptions): string;
  /**
   * Writes a kubeconfig that acts as the ServiceAccount `namespace/name` (its namespace as the
   * context's) and resolves with its path, in a temporary directory that `close()` removes.
   */
  kubeconfigFor(namespace: string, name: string, options?: ServiceAccountTokenOptions): Promise<string>;
  /** Ends every open watch stream cleanly, as an apiserver does now and then. */
  dropWatches(): void;
  /**
   * The authorization decisions made on requests so far (RBAC on or off), one record per
   * distinct decision with its count, in the order first seen; only `username`'s when given
   * (e.g. `system:serviceaccount:kvsync-system:kvsync`). Access reviews are not included; past
   * 20,000 distinct decisions new ones are not kept.
   */
  authorizations(username?: string): AuthorizationRecord[];
  /** Stops serving, ends watches and controllers. Resolves when the port is free. */
  close(): Promise<void>;
}

interface Routes {
  cluster: Cluster;
  ctx: ResourceContext;
  tokens: TokenAuthority;
  authorizer: Authorizer;
  serverAddress: () => string;
}

/** Paths a real apiserver serves without credentials. */
const PUBLIC_PATHS = new Set([
  '/healthz',
  '/livez',
  '/readyz',
  '/version',
  '/openid/v1/jwks',
  '/.well-known/openid-configuration',
]);

function serveNonResource(
  routes: Routes,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
): boolean {
  const registry = routes.cluster.registry;
  const aggregated = wantsAggregated(request.headers.accept);
  const json = (body: object | undefined, contentType?: string) => {
    if (!body) throw pathNotFound();
    if (contentType) response.setHeader('Content-Type', contentType);
    sendJsonTyped(response, body, contentType);
  };
  if (pathname === '/healthz' || pathname === '/livez' || pathname === '/readyz') {
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  } else if (pathname === '/version') json(VERSION_INFO);
  else if (pathname === '/api')
    json(
      aggregated ? aggregatedDiscovery(registry, true) : legacyApiVersions(routes.serverAddress()),
      aggregated ? AGGREGATED_DISCOVERY_CONTENT_TYPE : undefined,
    );
  else if (pathname === '/apis')
    json(
      aggregated ? aggregatedDiscovery(registry, false) : legacyGroupList(registry),
      aggregated ? AGGREGATED_DISCOVERY_CONTENT_TYPE : undefined,
    );
  else if (pathname === '/api/v1') json(resourceList(registry, '', 'v1'));
  else if (/^\/apis\/[^/]+$/.test(pathname)) json(legacyGroup(registry, pathname.split('/')[2]!));
  else if (/^\/apis\/[^/]+\/[^/]+$/.test(pathname))
    json(resourceList(registry, pathname.split('/')[2]!, pathname.split('/')[3]!));
  else if (pathname === '/openapi/v3') json(openApiRoot(registry));
  else if (pathname.startsWith('/openapi/v3/'))
    json(openApiDocumentAt(routes, pathname.slice('/openapi/v3/'.length)));
  else if (pathname === '/openid/v1/jwks') json(routes.tokens.jwks());
  else if (pathname === '/.well-known/openid-configuration') {
    json({
      issuer: SERVICE_ACCOUNT_ISSUER,
      jwks_uri: `${routes.serverAddress()}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
  } else return false;
  return true;
}

function sendJsonTyped(response: ServerResponse, body: object, contentType: string | undefined): void {
  if (!contentType) return sendJson(response, 200, body);
  const text = JSON.stringify(body);
  response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) });
  response.end(text);
}

function openApiDocumentAt(routes: Routes, path: string): object | undefined {
  const parts = path.split('/');
  if (parts[0] === 'api' && parts.length === 2)
    return openApiDocument(routes.cluster.registry, '', parts[1]!);
  if (parts[0] === 'apis' && parts.length === 3)
    return openApiDocument(routes.cluster.registry, parts[1]!, parts[2]!);
  return undefined;
}

/** Who sent the request: the bearer token's user, anonymous on public paths, 401 otherwise. */
function identify(routes: Routes, request: IncomingMessage, pathname: string): UserInfo {
  const user = authenticateToken(routes.tokens, routes.cluster.api, bearerToken(request));
  if (user) return user;
  if (PUBLIC_PATHS.has(pathname)) return ANONYMOUS_USER;
  throw unauthorized();
}

async function route(routes: Routes, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'https://emulator');
  const pathname = url.pathname.replace(/\/+$/, '') || '/';
  const user = impersonate(identify(routes, request, pathname), request.headersDistinct, routes.authorizer);
  const path = parseResourcePath(pathname);
  const attributes = requestAttributes(user, request.method ?? 'GET', url.pathname, path, url.searchParams);
  const decision = routes.authorizer.authorize(attributes);
  if (!decision.allowed) throw forbidden(attributes, decision.reason);
  if (serveNonResource(routes, request, response, pathname)) return;
  if (!path) throw pathNotFound();
  await handleResource(routes.ctx, request, response, path, url.searchParams, user);
}

interface KubeconfigUser {
  userName: string;
  token: string;
  namespace: string;
}

function kubeconfigYaml(url: string, caPem: string, { userName, token, namespace }: KubeconfigUser): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'kvsync-emulator',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: userName, user: { token } }],
    contexts: [
      { name: 'kvsync-emulator', context: { cluster: 'kvsync-emulator', user: userName, namespace } },
    ],
    'current-context': 'kvsync-emulator',
    preferences: {},
  });
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/**
 * Starts the Kubernetes API emulator on HTTPS with a fresh CA and admin token, and writes a
 * kubeconfig for it. The caller owns the returned server and must `close()` it.
 */
export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const host = options.host ?? '127.0.0.1';
  const ca = createCertificateAuthority('kvsync kube-apiserver emulator CA');
  const leaf = issueServerCertificate(ca, {
    commonName: 'kube-apiserver',
    dnsNames: [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
    ipAddresses: [
      '127.0.0.1',
      '::1',
      ...(/^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== '127.0.0.1' ? [host] : []),
    ],
  });
  const cluster = createCluster(options);
  const tokens = new TokenAuthority();
  const watches = new WatchRegistry(options.bookmarkIntervalMs ?? 5000);
  const authorizer = options.rbac ? startRbac(cluster) : allowAll;
  const authorizations = new AuthorizationLog();
  // Requests (their impersonation and admission checks) are recorded; access reviews are not.
  const recorded = recordingAuthorizer(authorizer, authorizations);
  let url = '';
  const routes: Routes = {
    cluster,
    tokens,
    authorizer: recorded,
    ctx: {
      api: cluster.api,
      tokens,
      watches,
      authorizer,
      ...(options.ownerReferencesPermissionEnforcement
        ? {
            writeValidator: (user: UserInfo, target: Target) =>
              ownerReferencesPermissionCheck(recorded, cluster.registry, user, target),
          }
        : {}),
    },
    serverAddress: () => url,
  };
  const server = createServer({ key: leaf.keyPem, cert: leaf.certPem }, (request, response) => {
    route(routes, request, response).catch((error: unknown) => sendError(response, error));
  });
  server.keepAliveTimeout = 30_000;
  const address = await listen(server, options.port ?? 0, host);
  url = `https://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const kubeconfig =
    options.kubeconfigPath ?? join(mkdtempSync(join(tmpdir(), 'kvsync-kube-')), 'kubeconfig');
  const admin = { userName: 'kvsync-admin', token: tokens.adminToken, namespace: 'default' };
  writeFileSync(kubeconfig, kubeconfigYaml(url, ca.certPem, admin), { mode: 0o600 });
  const tokenFor = (namespace: string, name: string, tokenOptions: ServiceAccountTokenOptions = {}) =>
    serviceAccountToken(cluster, tokens, namespace, name, tokenOptions);
  let accountDirectory: Promise<string> | undefined;
  return {
    url,
    kubeconfig,
    token: tokens.adminToken,
    caPem: ca.certPem,
    cluster,
    tokenFor,
    async kubeconfigFor(namespace, name, tokenOptions) {
      const token = tokenFor(namespace, name, tokenOptions);
      accountDirectory ??= mkdtemp(join(tmpdir(), 'kvsync-kube-sa-'));
      const path = join(await accountDirectory, `kubeconfig-${namespace}-${name}`);
      const user = { userName: `${namespace}-${name}`, token, namespace };
      await writeFile(path, kubeconfigYaml(url, ca.certPem, user), { mode: 0o600 });
      return path;
    },
    compactWatchHistory: () => cluster.store.compactHistory(),
    dropWatches: () => watches.endAll(),
    authorizations: (username) => authorizations.records(username),
    async close() {
      await new Promise<void>((resolve) => {
        watches.endAll();
        cluster.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (accountDirectory) await rm(await accountDirectory, { recursive: true, force: true });
    },
  };
}

const ONE_YEAR_SECONDS = 365 * 24 * 3600;

function serviceAccountToken(
  cluster: Cluster,
  tokens: TokenAuthority,
  namespace: string,
  name: string,
  options: ServiceAccountTokenOptions,
): string {
  const account = cluster.client.get('serviceaccounts', namespace, name);
  if (!account) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  return tokens.issue({
    namespace,
    name,
    uid: account.metadata.uid!,
    expirationSeconds: options.expirationSeconds ?? ONE_YEAR_SECONDS,
    nowMs: cluster.api.clock.now().getTime(),
  }).token;
}
