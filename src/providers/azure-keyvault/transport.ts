import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { getCACertificates } from 'node:tls';

/**
 * The HTTPS connection pool shared by the Key Vault clients and credentials of one cache:
 * keep-alive sockets (one TLS handshake per vault host, not per reconcile), optional extra CA,
 * and an optional redirect of `*.vault.azure.net` to a local emulator that keeps the host name
 * for SNI, certificate checks and the Host header.
 */

export interface VaultEndpointOverride {
  /** Host names ending with this (e.g. `.vault.azure.net`) are redirected. */
  hostSuffix: string;
  connectTo: { host: string; port: number };
}

export interface VaultAgentOptions {
  /** Extra CA (PEM) trusted besides Node's default CAs. */
  caPem?: string;
  vaultEndpointOverride?: VaultEndpointOverride;
  /** Per host; default 64. */
  maxSockets?: number;
}

class RedirectingAgent extends Agent {
  readonly #override: VaultEndpointOverride;

  constructor(options: AgentOptions, override: VaultEndpointOverride) {
    super(options);
    this.#override = override;
  }

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? '';
    if (!host.toLowerCase().endsWith(this.#override.hostSuffix.toLowerCase()))
      return super.createConnection(options, callback);
    const { connectTo } = this.#override;
    return super.createConnection(
      { ...options, servername: host, host: connectTo.host, hostname: connectTo.host, port: connectTo.port },
      callback,
    );
  }
}

/**
 * A keep-alive HTTPS agent for Key Vault and the authority. The caller owns it and frees its
 * sockets with `destroy()`.
 */
export function createVaultAgent(options: VaultAgentOptions = {}): Agent {
  const agentOptions: AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 64,
    // `ca` replaces Node's list: keep the default one (bundled roots and NODE_EXTRA_CA_CERTS).
    ...(options.caPem ? { ca: [...getCACertificates('default'), options.caPem] } : {}),
  };
  return options.vaultEndpointOverride
    ? new RedirectingAgent(agentOptions, options.vaultEndpointOverride)
    : new Agent(agentOptions);
}
