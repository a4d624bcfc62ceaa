import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { CountersSnapshot } from '../../dev/keyvault/admin/counters.ts';
import type { DeliveryRecord } from '../../dev/keyvault/admin/event-grid/delivery.ts';
import type { SubscribeOptions, SubscriptionInfo } from '../../dev/keyvault/admin/event-grid/subscription.ts';
import type { ThrottlingSettings, ThrottlingUpdate } from '../../dev/keyvault/admin/throttling.ts';
import { startDevServer, type Child } from './child-process.ts';
import type { Scope } from './scope.ts';

/**
 * The Key Vault emulator in its own process (`kvsync-dev keyvault`, open mode, memory only),
 * its admin API (counters, throttling, Event Grid) and SDK clients for the benchmark's own
 * writes (seeding and rotations).
 */

export interface KeyVaultReady {
  vaults: Record<string, string>;
  azureVaultUrls: Record<string, string>;
  caFile: string;
  imdsEndpoint: string;
  authorityHost: string;
  tenantId: string;
  adminUrl: string;
}

export interface KeyVaultEmulator {
  child: Child;
  ready: KeyVaultReady;
  caPem: string;
  /** `host:port` of the main HTTPS port, which serves `https://<vault>.vault.azure.net` by Host header. */
  mainEndpoint: string;
  admin: KeyVaultAdmin;
  /** A SecretClient for `vault` (its loopback URL), trusting the emulator CA. */
  secrets(vault: string): SecretClient;
}

export interface KeyVaultAdmin {
  counters(): Promise<CountersSnapshot>;
  resetCounters(): Promise<void>;
  configureThrottling(update: ThrottlingUpdate): Promise<ThrottlingSettings>;
  subscribe(options: SubscribeOptions): Promise<SubscriptionInfo>;
  deliveries(): Promise<DeliveryRecord[]>;
}

function adminClient(adminUrl: string): KeyVaultAdmin {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${adminUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Key Vault admin ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    counters: () => call<CountersSnapshot>('GET', '/counters'),
    resetCounters: () => call<void>('DELETE', '/counters'),
    configureThrottling: (update) => call<ThrottlingSettings>('PUT', '/throttling', update),
    subscribe: (options) => call<SubscriptionInfo>('POST', '/eventgrid/subscriptions', options),
    deliveries: async () =>
      (await call<{ deliveries: DeliveryRecord[] }>('GET', '/eventgrid/deliveries')).deliveries,
  };
}

export async function startKeyVaultEmulator(scope: Scope, vaults: string[]): Promise<KeyVaultEmulator> {
  const { child, ready } = await startDevServer<KeyVaultReady>(scope, [
    'keyvault',
    '--port',
    '0',
    ...vaults.flatMap((vault) => ['--vault', vault]),
  ]);
  const caPem = readFileSync(ready.caFile, 'utf8');
  const credential = new ClientSecretCredential(ready.tenantId, 'kvsync-bench', 'kvsync-bench-secret', {
    authorityHost: ready.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: caPem },
  });
  const agent = new Agent({ ca: caPem, keepAlive: true, maxSockets: 16 });
  scope.defer(() => agent.destroy());
  const clients = new Map<string, SecretClient>();
  return {
    child,
    ready,
    caPem,
    mainEndpoint: new URL(ready.authorityHost).host,
    admin: adminClient(ready.adminUrl),
    secrets(vault) {
      let client = clients.get(vault);
      if (!client) {
        client = new SecretClient(ready.vaults[vault]!, credential, { agent });
        clients.set(vault, client);
      }
      return client;
    },
  };
}

/**
 * Sets every `[vault, name, value]`, `concurrency` at a time (the emulator must not be
 * throttling). Each vault's first write goes alone: the SDK sends a client's first request
 * without its body to get Key Vault's challenge, and concurrent first writes of one client can
 * go out with a token but still without their body (400 "The request body must be a JSON object").
 */
export async function seedSecrets(
  keyVault: KeyVaultEmulator,
  entries: ReadonlyArray<readonly [vault: string, name: string, value: string]>,
  concurrency = 16,
): Promise<void> {
  const firsts = new Map<string, number>();
  entries.forEach(([vault], index) => firsts.has(vault) || firsts.set(vault, index));
  for (const index of firsts.values()) {
    const [vault, name, value] = entries[index]!;
    await keyVault.secrets(vault).setSecret(name, value);
  }
  const rest = entries.filter((_, index) => firsts.get(entries[index]![0]) !== index);
  let next = 0;
  const worker = async () => {
    while (next < rest.length) {
      const [vault, name, value] = rest[next++]!;
      await keyVault.secrets(vault).setSecret(name, value);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Requests counted for `vault`, except the benchmark's own writes (`setSecret`). */
export function operatorCalls(counters: CountersSnapshot, vault?: string): number {
  return counters.entries
    .filter((entry) => (vault === undefined || entry.vault === vault) && entry.operation !== 'setSecret')
    .reduce((sum, entry) => sum + entry.count, 0);
}

/** Requests counted for `vault` whose operation and status match (`undefined` matches any). */
export function countCalls(
  counters: CountersSnapshot,
  match: { vault?: string; operation?: string; status?: number },
): number {
  return counters.entries
    .filter(
      (entry) =>
        (match.vault === undefined || entry.vault === match.vault) &&
        (match.operation === undefined || entry.operation === match.operation) &&
        (match.status === undefined || entry.status === match.status),
    )
    .reduce((sum, entry) => sum + entry.count, 0);
}
