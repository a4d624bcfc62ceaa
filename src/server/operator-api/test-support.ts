/**
 * For tests only (no index exports it): the operator API over an in-memory Kubernetes API
 * (`FakeKube`), served on a real HTTP server on port 0, and a reader of server-sent events.
 */
import { readFileSync } from 'node:fs';
import type { ExternalSecret, SecretStore } from '../../api/index.ts';
import type { Operator } from '../../controllers/operator.ts';
import { createProviderSource } from '../../controllers/provider-source.ts';
import { FakeKube, FakeProvider } from '../../controllers/test-support.ts';
import { createKubeClient } from '../../kube/index.ts';
import { createLogger, type Logger } from '../../observability/index.ts';
import { VaultBudget } from '../../refresh/budget.ts';
import { Informer, systemClock, type Clock } from '../../runtime/index.ts';
import { startHttpServer, type HttpServer } from '../http-server.ts';
import { createOperatorApi, type OperatorApi, type OperatorApiDeps } from './api.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { operatorApiRoutes } from './routes.ts';
import { serveOperatorApi } from './serve.ts';

export interface FakeOperatorApi {
  url: string;
  kube: FakeKube;
  provider: FakeProvider;
  api: OperatorApi;
  http: HttpServer;
  externalSecrets: Informer<ExternalSecret>;
  close(): Promise<void>;
}

const ES_API = 'external-secrets.io/v1';

/** `count` ExternalSecrets `ns-<i % namespaces>/es-<i>` reading `secret-<i>` through SecretStore `vault`. */
export function manyExternalSecrets(count: number, namespaces = 10): ExternalSecret[] {
  return Array.from({ length: count }, (_, i) => {
    const failed = i % 97 === 0;
    return {
      apiVersion: ES_API,
      kind: 'ExternalSecret' as const,
      metadata: { name: `es-${String(i).padStart(5, '0')}`, namespace: `ns-${i % namespaces}` },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'vault', kind: 'SecretStore' as const },
        target: { name: `secret-${i}` },
        data: [{ secretKey: 'value', remoteRef: { key: `secret-${i}` } }],
      },
      status: {
        refreshTime: '2026-01-01T00:00:00Z',
        nextRefreshTime: '2026-01-01T01:00:00Z',
        conditions: [
          failed
            ? { type: 'Ready', status: 'False' as const, reason: 'SecretSyncedError', message: 'boom' }
            : { type: 'Ready', status: 'True' as const, reason: 'SecretSynced', message: 'secret synced' },
        ],
        syncedVersions: [{ key: `secret-${i}`, secretKey: 'value', version: `v${i}aaaaaaaa` }],
      },
    };
  });
}

export function storeIn(namespace: string, name = 'vault'): SecretStore {
  return {
    apiVersion: ES_API,
    kind: 'SecretStore',
    metadata: { name, namespace },
    spec: {
      provider: { azurekv: { authType: 'ManagedIdentity', vaultUrl: 'https://our-vault.vault.azure.net' } },
    },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Valid', message: 'store validated' }] },
  };
}

/** Seeds `objects` into a FakeKube, starts informers, the API and an HTTP server with its routes and the dashboard's. */
export async function startFakeOperatorApi(
  objects: Array<ExternalSecret | SecretStore>,
  options: Partial<OperatorApiDeps> & { clock?: Clock } = {},
): Promise<FakeOperatorApi> {
  const kube = new FakeKube();
  for (const object of objects) kube.seed(object);
  const clock = options.clock ?? systemClock;
  const externalSecrets = new Informer<ExternalSecret>({
    name: 'externalsecrets',
    clock,
    source: kube.listWatchSource({ apiVersion: ES_API, kind: 'ExternalSecret' }),
  });
  await externalSecrets.start();
  const provider = new FakeProvider();
  const logger = createLogger({ level: 'error', format: 'json', write: () => {} });
  const api = await createOperatorApi({
    operator: { ready: () => true, isLeader: () => true, externalSecrets },
    kube,
    providers: { providerFor: async () => provider },
    clock,
    logger,
    flushDelayMs: 10,
    ...options,
  });
  const http = await startHttpServer({
    address: '127.0.0.1:0',
    logger,
    metrics: { render: async () => ({ contentType: 'text/plain', body: '' }) },
    health: { live: () => true, ready: () => ({ ready: true }) },
    routes: [...operatorApiRoutes(api, { heartbeatMs: 60_000 }), ...dashboardRoutes({ redirectRoot: true })],
    closeGraceMs: 100,
  });
  return {
    url: http.url,
    kube,
    provider,
    api,
    http,
    externalSecrets,
    async close() {
      api.stop();
      externalSecrets.stop();
      await http.close();
    },
  };
}

export interface EventReader {
  /** The next event of `name` (skipping others), parsed. */
  next<T>(name: string): Promise<T>;
  close(): void;
}

/** Opens `url` as an event stream and reads events from it. */
export async function readEvents(url: string): Promise<EventReader> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pending: Array<{ event: string; data: string }> = [];
  const pull = async (): Promise<void> => {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended');
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data !== undefined) pending.push({ event, data });
    }
  };
  return {
    async next<T>(name: string): Promise<T> {
      for (;;) {
        const index = pending.findIndex((item) => item.event === name);
        if (index >= 0) return JSON.parse(pending.splice(0, index + 1).pop()!.data) as T;
        await pull();
      }
    },
    close: () => abort.abort(),
  };
}

/** The parts of a running sandbox (`dev/sandbox`) the operator API needs; structural, so that src/ does not import dev/. */
export interface SandboxParts {
  operator: {
    http: HttpServer;
    operator: Operator;
    logger: Logger;
  };
  endpoints: { kubeconfig: string; caFile: string; authorityHost: string };
  vault: { hostUrl: string };
}

/**
 * Makes the sandbox's operator serve the operator API and the dashboard on its HTTP server:
 * nothing to do for what the composition root already serves; what it does not serve yet is
 * added with a provider source and budget of its own (same emulator endpoints as the operator).
 * Returns the base URL and a function that stops what was added.
 */
export async function attachOperatorApi(
  sandbox: SandboxParts,
  options: { tokenFile?: string },
): Promise<{ url: string; detach(): Promise<void> }> {
  const { http } = sandbox.operator;
  const served = await fetch(`${http.url}/api/v1/info`).then((response) => response.ok);
  const stops: Array<() => Promise<void> | void> = [];
  if (!served) {
    const kube = createKubeClient({ kubeconfigPath: sandbox.endpoints.kubeconfig });
    const budget = new VaultBudget({ clock: systemClock });
    const providers = createProviderSource(kube, {
      clock: systemClock,
      gate: budget,
      authorityHost: sandbox.endpoints.authorityHost,
      caPem: readFileSync(sandbox.endpoints.caFile, 'utf8'),
      vaultEndpointOverride: {
        hostSuffix: '.vault.azure.net',
        connectTo: { host: '127.0.0.1', port: Number(new URL(sandbox.vault.hostUrl).port) },
      },
    });
    const api = await serveOperatorApi({
      http,
      operator: sandbox.operator.operator,
      kube,
      providers,
      budget,
      budgetPer10s: 2000,
      clock: systemClock,
      logger: sandbox.operator.logger,
      ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
      health: { live: () => true, ready: () => ({ ready: true }) },
      metrics: { render: async () => ({ contentType: 'text/plain', body: '' }) },
    });
    stops.push(
      () => api.stop(),
      () => providers.close(),
    );
  }
  const page = await fetch(`${http.url}/dashboard/`).then((response) => response.ok);
  if (!page) for (const route of dashboardRoutes()) http.addRoute(route);
  return {
    url: http.url,
    async detach() {
      for (const stop of stops) await stop();
    },
  };
}
