import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Jwks } from '../identity/index.ts';

/**
 * OIDC issuers trusted by JWKS URL (e.g. the Kubernetes emulator's `/openid/v1/jwks`). The keys
 * are fetched again for every workload-identity assertion, so an issuer that rotates its keys
 * or restarts with new ones keeps working; assertions are exchanged about once an hour per
 * credential, so the cost does not matter.
 */

/** An issuer whose keys are read from `jwksUrl`; `ca` (PEM) replaces the system roots for HTTPS. */
export interface JwksUrlIssuer {
  issuer: string;
  jwksUrl: string;
  ca?: string;
}

const MAX_JWKS_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_JWKS_BYTES) response.destroy(new Error('the JWKS is larger than 1 MiB'));
      else chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/**
 * Fetches and checks a JWKS document (`{"keys": [...]}`) over HTTP(S). Rejects with an Error
 * naming the URL's origin and path (never its query) when unreachable, not 200, or not a JWKS.
 */
export function fetchJwks(
  source: Omit<JwksUrlIssuer, 'issuer'>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Jwks> {
  const url = new URL(source.jwksUrl);
  const where = `${url.origin}${url.pathname}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Jwks>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json' },
        timeout: timeoutMs,
        ...(source.ca ? { ca: source.ca } : {}),
      },
      (response) => {
        readBody(response)
          .then((text) => {
            if (response.statusCode !== 200) throw new Error(`GET ${where} answered ${response.statusCode}`);
            const jwks = JSON.parse(text) as Jwks;
            if (!Array.isArray(jwks?.keys)) throw new Error(`GET ${where} did not return a JWKS`);
            resolve(jwks);
          })
          .catch((error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${where} timed out after ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new Error(`GET ${where} failed: ${error.message}`)));
    request.end();
  });
}

/** The issuers trusted by URL. Not persisted here: the composer saves `list()`. */
export class JwksUrlIssuers {
  readonly #entries = new Map<string, JwksUrlIssuer>();

  /** Trusts (or re-points) `entry.issuer`. */
  set(entry: JwksUrlIssuer): void {
    this.#entries.set(entry.issuer, structuredClone(entry));
  }

  delete(issuer: string): boolean {
    return this.#entries.delete(issuer);
  }

  has(issuer: string): boolean {
    return this.#entries.has(issuer);
  }

  list(): JwksUrlIssuer[] {
    return [...this.#entries.values()].map((entry) => structuredClone(entry));
  }

  /**
   * The identity service's `fetchJwks`: the current keys of a URL-trusted issuer, or undefined
   * when the issuer is not trusted by URL or its keys cannot be fetched (the assertion is then
   * refused as from an untrusted issuer).
   */
  readonly resolve = async (issuer: string): Promise<Jwks | undefined> => {
    const entry = this.#entries.get(issuer);
    return entry ? fetchJwks(entry).catch(() => undefined) : undefined;
  };
}
