import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCertificateAuthority, issueServerCertificate } from '../../tls/index.ts';
import { publicJwk, type Jwks } from './jwt.ts';

/**
 * Test helpers: loopback HTTPS/HTTP servers that hand requests to the identity service, an OIDC
 * issuer whose assertions tests sign, and careful environment-variable swaps. Not shipped.
 */

export type Handler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

export interface TestServer {
  url: string;
  /** PEM of the CA that signed the server certificate (HTTPS only). */
  caPem: string;
  close(): Promise<void>;
}

function listen(
  server: Server,
  handler: Handler,
  scheme: 'http' | 'https',
): Promise<TestServer & { port: number }> {
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', `${scheme}://${request.headers.host ?? '127.0.0.1'}`);
    handler(request, response, url).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `${scheme}://127.0.0.1:${port}`,
        caPem: '',
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** An HTTPS server on a free loopback port, with a certificate from a fresh CA. */
export async function startHttpsServer(handler: Handler): Promise<TestServer> {
  const ca = createCertificateAuthority('identity test CA');
  const cert = issueServerCertificate(ca, {
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem });
  const started = await listen(server, handler, 'https');
  return { url: started.url, caPem: ca.certPem, close: started.close };
}

/** A plain-HTTP server on a free loopback port (the IMDS port). */
export async function startHttpServer(handler: Handler): Promise<TestServer> {
  const started = await listen(createHttpServer(), handler, 'http');
  return { url: started.url, caPem: '', close: started.close };
}

/** Answers 404 for anything a handler did not take. */
export function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end('{"error":"not found"}');
}

/** An OIDC issuer for tests: signs assertions with its own RSA key and publishes the JWKS. */
export interface TestIssuer {
  issuer: string;
  jwks: Jwks;
  /** Signs `claims` (RS256, the issuer's `kid`); `iss` defaults to the issuer. */
  sign(claims: Record<string, unknown>): string;
}

export function createTestIssuer(issuer = `https://oidc.test/${randomBytes(4).toString('hex')}`): TestIssuer {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  return {
    issuer,
    jwks: { keys: [publicJwk(privateKey, kid)] },
    sign: (claims) => signRs256({ iss: issuer, ...claims }, privateKey, kid),
  };
}

function signRs256(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/**
 * Sets environment variables (undefined deletes) for the duration of `body`, then puts the
 * previous values back, also when `body` throws.
 */
export async function withEnv<T>(
  vars: Record<string, string | undefined>,
  body: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

/** Environment variables that would steer @azure/identity away from the flow under test. */
export const IDENTITY_ENV_CLEARED: Record<string, undefined> = {
  AZURE_AUTHORITY_HOST: undefined,
  AZURE_CLIENT_ID: undefined,
  AZURE_TENANT_ID: undefined,
  AZURE_CLIENT_SECRET: undefined,
  AZURE_FEDERATED_TOKEN_FILE: undefined,
  AZURE_POD_IDENTITY_AUTHORITY_HOST: undefined,
  IDENTITY_ENDPOINT: undefined,
  IDENTITY_HEADER: undefined,
  IDENTITY_SERVER_THUMBPRINT: undefined,
  IMDS_ENDPOINT: undefined,
  MSI_ENDPOINT: undefined,
  MSI_SECRET: undefined,
  AZURE_ADDITIONALLY_ALLOWED_TENANTS: undefined,
};

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One HTTPS request trusting `caPem`; the body is parsed as JSON. */
export function httpsJson(
  url: string,
  caPem: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method: init.method ?? 'GET', ca: caPem, headers: init.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text ? JSON.parse(text) : {},
          });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}
