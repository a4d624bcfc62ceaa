import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EmulatorClock, EmulatorHooks, IdentityService } from './contracts.ts';
import { VAULT_ROUTES } from './http/all-routes.ts';
import { serveVaultRequest, sendVaultNotFound, type PipelineOptions } from './http/pipeline.ts';
import { errorBody, sendJson } from './http/respond.ts';
import { createPermissiveIdentity } from './permissive-identity.ts';
import { prepareTls } from './tls-material.ts';
import { KeyVaultStore } from './vault/store.ts';

/**
 * The Key Vault emulator's servers: one HTTPS loopback port per vault, a main HTTPS port that
 * answers `<vault>.vault.azure.net` by Host header and serves the Entra-style authority, and a
 * plain-HTTP IMDS port. See README.md for what is modelled.
 */

/** Where the identity service is reached; given to an identity factory before it is built. */
export interface IdentityEndpoints {
  /** `https://127.0.0.1:MAIN_PORT`: authority paths are routed to `handleAuthority`. */
  authorityHost: string;
  /** `http://127.0.0.1:IMDS_PORT`: what `AZURE_POD_IDENTITY_AUTHORITY_HOST` gets. */
  imdsEndpoint: string;
  /** The `open` option, passed on. */
  open: boolean;
  clock: EmulatorClock;
}

export interface KeyVaultEmulatorOptions {
  /** Vault names (3–24 characters, letters, digits and hyphens); default `['our-vault']`. */
  vaults?: string[];
  /** Main HTTPS port; 0 (default) picks a free one. Vault ports are always picked (or reused from `dir`). */
  port?: number;
  /** Keeps vault state, the CA and vault ports here across restarts; absent = memory only. */
  dir?: string;
  /**
   * The identity service, or a factory that gets the endpoints first (an authority needs to know
   * its own URL). Default: a permissive stand-in that accepts any token and grants everything.
   */
  identity?: IdentityService | ((endpoints: IdentityEndpoints) => IdentityService);
  /** Faults, counters, Event Grid; default none. */
  hooks?: EmulatorHooks;
  /** Default: the system clock. Object timestamps follow it. */
  clock?: EmulatorClock;
  /** Passed to an identity factory (open mode); the stand-in is always open. */
  open?: boolean;
  /** Reported as `adminUrl` (the admin API is composed by the caller). */
  adminUrl?: string;
}

export interface KeyVaultEmulator {
  /** Vault name → `https://127.0.0.1:PORT` (its own port). */
  vaults: Record<string, string>;
  /** Vault name → `https://NAME.vault.azure.net:MAIN_PORT` (needs a resolver mapping it to loopback). */
  azureVaultUrls: Record<string, string>;
  /** PEM file of the CA that signed every HTTPS port. */
  caFile: string;
  caPem: string;
  tenantId: string;
  authorityHost: string;
  imdsEndpoint: string;
  adminUrl?: string;
  /** `https://127.0.0.1:MAIN_PORT`. */
  hostUrl: string;
  /** The data, for tests that look inside. */
  store: KeyVaultStore;
  identity: IdentityService;
  /** Stops every server and drops connections; resolves when the ports are free. Idempotent. */
  close(): Promise<void>;
}

const VAULT_NAME = /^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/i;
const AZURE_SUFFIX = '.vault.azure.net';
const systemClock: EmulatorClock = { now: () => new Date() };

function checkVaultNames(names: string[]): string[] {
  const lower = names.map((name) => name.toLowerCase());
  for (const name of lower)
    if (!VAULT_NAME.test(name))
      throw new Error(
        `invalid vault name "${name}": 3-24 letters, digits and single hyphens, starting with a letter`,
      );
  if (new Set(lower).size !== lower.length) throw new Error('vault names must be unique');
  return lower;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function listenPreferring(server: Server, preferred: number | undefined): Promise<number> {
  if (preferred) {
    try {
      return await listen(server, preferred);
    } catch {
      // Taken since the last run: any free port will do.
    }
  }
  return listen(server, 0);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function onRequest(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>) {
  return (request: IncomingMessage, response: ServerResponse) => {
    handler(request, response).catch(() => {
      if (!response.headersSent)
        sendJson(response, 500, errorBody('InternalServerError', 'The emulator failed.'));
      else response.destroy();
    });
  };
}

/** The vault a `*.vault.azure.net` host names, or undefined for other hosts. */
function azureVaultName(hostHeader: string | undefined): string | undefined {
  const hostname = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
  return hostname.endsWith(AZURE_SUFFIX) ? hostname.slice(0, -AZURE_SUFFIX.length) : undefined;
}

function resolveIdentity(options: KeyVaultEmulatorOptions, endpoints: IdentityEndpoints): IdentityService {
  if (!options.identity) return createPermissiveIdentity();
  return typeof options.identity === 'function' ? options.identity(endpoints) : options.identity;
}

/** What the servers share; `pipeline` is set once the identity service exists. */
interface Wiring {
  store: KeyVaultStore;
  tlsOptions: { key: string; cert: string };
  servers: Server[];
  pipeline?: PipelineOptions;
}

/** The main port: `*.vault.azure.net` hosts go to their vault, anything else to the authority. */
async function startMainServer(wiring: Wiring, port: number): Promise<number> {
  const main = createHttpsServer(
    wiring.tlsOptions,
    onRequest(async (request, response) => {
      const vault = azureVaultName(request.headers.host);
      if (vault !== undefined) {
        if (!wiring.store.vault(vault)) return sendVaultNotFound(response, request.headers.host ?? '');
        return serveVaultRequest(wiring.pipeline!, vault, request, response, `${vault}${AZURE_SUFFIX}`);
      }
      const url = new URL(request.url ?? '/', `https://${request.headers.host ?? '127.0.0.1'}`);
      if (await wiring.pipeline!.identity.handleAuthority(request, response, url)) return;
      sendJson(response, 404, errorBody('NotFound', 'Not a vault host name nor an authority path.'));
    }),
  );
  wiring.servers.push(main);
  return listen(main, port);
}

async function startImdsServer(wiring: Wiring): Promise<number> {
  const imds = createHttpServer(
    onRequest((request, response) =>
      wiring.pipeline!.identity.handleImds(
        request,
        response,
        new URL(request.url ?? '/', 'http://127.0.0.1'),
      ),
    ),
  );
  wiring.servers.push(imds);
  return listen(imds, 0);
}

/** One HTTPS port per vault (the saved one when `reusePorts` and free). Returns name → port. */
async function startVaultServers(
  wiring: Wiring,
  names: string[],
  reusePorts: boolean,
): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const name of names) {
    const server = createHttpsServer(
      wiring.tlsOptions,
      onRequest((request, response) =>
        serveVaultRequest(wiring.pipeline!, name, request, response, `127.0.0.1:${ports[name]}`),
      ),
    );
    wiring.servers.push(server);
    ports[name] = await listenPreferring(server, reusePorts ? wiring.store.savedPort(name) : undefined);
  }
  if (reusePorts) wiring.store.setPorts(ports);
  return ports;
}

/**
 * Starts the emulator on loopback. The caller owns the result and must `close()` it. With `dir`,
 * state is loaded from and saved to that directory; a missing directory is created.
 */
export async function startKeyVaultEmulator(
  options: KeyVaultEmulatorOptions = {},
): Promise<KeyVaultEmulator> {
  const names = checkVaultNames(options.vaults ?? ['our-vault']);
  const clock = options.clock ?? systemClock;
  const tls = prepareTls(options.dir);
  const store = new KeyVaultStore(names, options.dir);
  const wiring: Wiring = {
    store,
    tlsOptions: { key: tls.server.keyPem, cert: tls.server.certPem },
    servers: [],
  };
  const closeAll = () => Promise.all(wiring.servers.map(closeServer)).then(() => tls.dispose());
  try {
    const mainPort = await startMainServer(wiring, options.port ?? 0);
    const authorityHost = `https://127.0.0.1:${mainPort}`;
    const imdsEndpoint = `http://127.0.0.1:${await startImdsServer(wiring)}`;
    const open = options.open ?? false;
    const identity = resolveIdentity(options, { authorityHost, imdsEndpoint, open, clock });
    wiring.pipeline = { store, identity, hooks: options.hooks, clock, authorityHost, routes: VAULT_ROUTES };
    const ports = await startVaultServers(wiring, names, options.dir !== undefined);
    const urls = (make: (name: string) => string) =>
      Object.fromEntries(names.map((name) => [name, make(name)]));
    let closing: Promise<void> | undefined;
    return {
      vaults: urls((name) => `https://127.0.0.1:${ports[name]}`),
      azureVaultUrls: urls((name) => `https://${name}${AZURE_SUFFIX}:${mainPort}`),
      caFile: tls.caFile,
      caPem: tls.ca.certPem,
      tenantId: identity.tenantId,
      authorityHost,
      imdsEndpoint,
      ...(options.adminUrl ? { adminUrl: options.adminUrl } : {}),
      hostUrl: authorityHost,
      store,
      identity,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
