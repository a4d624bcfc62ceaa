import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../../dev/keyvault/dev-emulator.ts';
import { startKubeApiServer, type KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import { applyFolder } from '../../dev/sandbox/sandbox.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { Informer } from '../../src/runtime/index.ts';
import { startProcess, type Started } from './process.ts';

/**
 * High availability, as a Deployment runs kvsync: two `kvsync run` processes on one Lease. The
 * leader is killed (SIGKILL, no lease release) in the middle of syncing 120 ExternalSecrets; the
 * follower must take over within the lease duration, sync every ExternalSecret, and no Secret may
 * be written twice (each is created once and never modified, since Key Vault did not change).
 */

const root = resolve(import.meta.dirname, '../..');
const COUNT = 120;
const LEASE_MS = 3_000;
let cluster: KubeApiServer;
let vault: DevKeyVault;
let kube: KubeClient;
let dir: string;
let secretClient: SecretClient;
const processes: Started[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvsync-ha-'));
  cluster = await startKubeApiServer({ port: 0 });
  vault = await startDevKeyVault({ vaults: ['our-vault'] });
  kube = createKubeClient({ kubeconfigPath: cluster.kubeconfig });
  await applyFolder(kube, join(root, 'deploy/crds'));
  await kube.create({
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'azure', namespace: 'default' },
    spec: {
      provider: { azurekv: { authType: 'ManagedIdentity', vaultUrl: 'https://our-vault.vault.azure.net' } },
    },
  });
  // The test's own SecretClient gets managed-identity tokens from the emulator, as the replicas do.
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = vault.imdsEndpoint;
  secretClient = new SecretClient(vault.vaults['our-vault']!, new ManagedIdentityCredential(), {
    agent: new Agent({ ca: vault.caPem, keepAlive: true }),
  });
  for (let i = 0; i < COUNT; i++) await secretClient.setSecret(`s${i}`, `value-${i}`);
});

afterAll(async () => {
  for (const started of processes) started.child.kill('SIGKILL');
  await cluster?.close();
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startReplica(identity: string, extraFlags: string[] = []): Promise<Started> {
  const started = startProcess(
    process.execPath,
    [
      join(root, 'bin/kvsync.js'),
      'run',
      '--kubeconfig',
      cluster.kubeconfig,
      '--http-addr',
      '127.0.0.1:0',
      '--dashboard-addr',
      '',
      '--identity',
      identity,
      '--leader-election-namespace',
      'default',
      '--leader-election-lease-duration',
      `${LEASE_MS}ms`,
      '--leader-election-renew-deadline',
      '2s',
      '--leader-election-retry-period',
      '500ms',
      '--concurrent',
      '2',
      '--azure-ca-file',
      vault.caFile,
      '--azure-authority-host',
      vault.authorityHost,
      '--azure-vault-endpoint',
      `127.0.0.1:${new URL(vault.hostUrl).port}`,
      ...extraFlags,
    ],
    {
      ready: (line) => line.includes('"msg":"kvsync started"'),
      env: { ...process.env, AZURE_POD_IDENTITY_AUTHORITY_HOST: vault.imdsEndpoint },
    },
  );
  return started.then((replica) => {
    processes.push(replica);
    return replica;
  });
}

async function leaseHolder(name = 'kvsync-controller'): Promise<string | undefined> {
  const lease = await kube.get<{ spec: { holderIdentity?: string } }>({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: 'default',
    name,
  });
  return lease?.spec.holderIdentity || undefined;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two replicas on one Lease', () => {
  it('hands over when the leader is killed mid-sync, losing nothing and writing nothing twice', async () => {
    const secrets = new Informer<{ metadata: { name: string; namespace: string } }>({
      name: 'secrets',
      source: kube.listWatchSource({ apiVersion: 'v1', kind: 'Secret', namespace: 'default' }),
    });
    const writes = new Map<string, number>();
    const count = (secret: { metadata: { name: string } }) =>
      writes.set(secret.metadata.name, (writes.get(secret.metadata.name) ?? 0) + 1);
    secrets.onAdd(count);
    secrets.onUpdate(count);
    await secrets.start();

    const leader = await startReplica('replica-a');
    await until('replica-a to lead', async () => (await leaseHolder()) === 'replica-a' || undefined);
    await startReplica('replica-b');
    await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        kube.create({
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          metadata: { name: `es-${i}`, namespace: 'default' },
          spec: {
            refreshInterval: '1h',
            secretStoreRef: { name: 'azure', kind: 'SecretStore' },
            target: { name: `target-${i}` },
            data: [{ secretKey: 'value', remoteRef: { key: `s${i}` } }],
          },
        }),
      ),
    );
    const synced = () => [...writes.keys()].filter((name) => name.startsWith('target-')).length;
    await until('a third of the Secrets', () => synced() >= COUNT / 3 || undefined);
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    expect(synced()).toBeLessThan(COUNT);

    await until('replica-b to lead', async () => (await leaseHolder()) === 'replica-b' || undefined, 20_000);
    // client-go's rule: a follower may take an unreleased lease once it has not been renewed for
    // the lease duration (plus its retry period and our polling).
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + 3_000);
    await until('every Secret', () => synced() === COUNT || undefined, 60_000);
    const twice = [...writes].filter(([name, times]) => name.startsWith('target-') && times !== 1);
    expect(twice).toEqual([]);
    const ready = await until('every ExternalSecret Ready', async () => {
      const list = await kube.list<{ status?: { conditions?: { type: string; status: string }[] } }>({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        namespace: 'default',
      });
      const done = list.filter((es) =>
        es.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      return done.length === COUNT ? done.length : undefined;
    });
    expect(ready).toBe(COUNT);
    secrets.stop();
  }, 120_000);
});

async function createExternalSecrets(namespace: string, from: number, to: number): Promise<void> {
  await Promise.all(
    Array.from({ length: to - from }, (_, offset) =>
      kube.create({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: `es-${from + offset}`, namespace },
        spec: {
          refreshInterval: '1h',
          secretStoreRef: { name: 'azure', kind: 'SecretStore' },
          target: { name: `target-${from + offset}` },
          data: [{ secretKey: 'value', remoteRef: { key: `s${(from + offset) % COUNT}` } }],
        },
      }),
    ),
  );
}

async function shardHolders(name: string, shards: number): Promise<(string | undefined)[]> {
  return Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const lease = await kube.get<{ spec: { holderIdentity?: string } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: 'default',
        name: `${name}-shard-${shard}`,
      });
      return lease?.spec.holderIdentity || undefined;
    }),
  );
}

/** A namespace with the SecretStore `azure` on our-vault. */
async function createNamespaceWithStore(namespace: string): Promise<void> {
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await kube.create({
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: 'azure', namespace },
    spec: {
      provider: { azurekv: { authType: 'ManagedIdentity', vaultUrl: 'https://our-vault.vault.azure.net' } },
    },
  });
}

describe('three replicas with --shards 4', () => {
  it('share the work, each ExternalSecret synced once, and take over the shards of a killed replica', async () => {
    const namespace = 'sharded';
    await createNamespaceWithStore(namespace);
    const writes = new Map<string, number>();
    const secrets = new Informer<{ metadata: { name: string } }>({
      name: 'sharded-secrets',
      source: kube.listWatchSource({ apiVersion: 'v1', kind: 'Secret', namespace }),
    });
    const count = (secret: { metadata: { name: string } }) =>
      writes.set(secret.metadata.name, (writes.get(secret.metadata.name) ?? 0) + 1);
    secrets.onAdd(count);
    secrets.onUpdate(count);
    await secrets.start();
    const flags = ['--shards', '4', '--leader-election-id', 'kvsync-sharded', '--namespace', namespace];
    const replicas = await Promise.all(
      ['shard-a', 'shard-b', 'shard-c'].map((id) => startReplica(id, flags)),
    );
    const spread = await until('the shards spread over the three replicas', async () => {
      const holders = await shardHolders('kvsync-sharded', 4);
      return holders.every(Boolean) && new Set(holders).size === 3 ? holders : undefined;
    });
    expect(spread).toHaveLength(4);

    await createExternalSecrets(namespace, 0, 60);
    const synced = () => [...writes.keys()].filter((name) => name.startsWith('target-')).length;
    await until('the first 60 Secrets', () => synced() === 60 || undefined, 60_000);
    // Each replica caches, and its API shows, only the ExternalSecrets of its shards.
    const ids = ['shard-a', 'shard-b', 'shard-c'];
    const urlOf = (id: string) => (JSON.parse(replicas[ids.indexOf(id)]!.firstLine) as { http: string }).http;
    const cached = async (live: readonly string[]) =>
      Promise.all(
        live.map(async (id) => {
          const url = (JSON.parse(replicas[ids.indexOf(id)]!.firstLine) as { http: string }).http;
          const answer = (await (await fetch(`${url}/api/v1/externalsecrets`)).json()) as {
            items: unknown[];
          };
          return answer.items.length;
        }),
      );
    const split = await cached(ids);
    expect(split.reduce((a, b) => a + b)).toBe(60);
    expect(split.every((count) => count > 0 && count < 60)).toBe(true);
    // Asked about an ExternalSecret of another replica's shard, a replica names the holder.
    const holders = await shardHolders('kvsync-sharded', 4);
    const elsewhere = await Promise.all(
      ids.map(async (id) => {
        const answer = await fetch(`${urlOf(id)}/api/v1/externalsecrets/${namespace}/es-0`);
        return {
          id,
          status: answer.status,
          body: (await answer.json()) as { error?: string; message?: string },
        };
      }),
    );
    const notHere = elsewhere.filter((answer) => answer.status === 404);
    expect(notHere).toHaveLength(2);
    const holder = elsewhere.find((answer) => answer.status === 200)!.id;
    expect(holders).toContain(holder);
    for (const answer of notHere) {
      expect(answer.body.error).toBe('NotHeldHere');
      expect(answer.body.message).toContain(`held by replica ${holder}`);
    }

    // Kill the holder of shard 0; its shards must move to the two survivors.
    const victim = spread[0]!;
    replicas[ids.indexOf(victim)]!.child.kill('SIGKILL');
    const moved = await until(
      'the killed replica’s shards to move',
      async () => {
        const holders = await shardHolders('kvsync-sharded', 4);
        return holders.every((holder) => holder && holder !== victim) ? holders : undefined;
      },
      4 * LEASE_MS + 10_000,
    );
    expect(new Set(moved).size).toBe(2);
    await createExternalSecrets(namespace, 60, 100);
    await until('all 100 Secrets', () => synced() === 100 || undefined, 60_000);
    const survivors = ids.filter((id) => id !== victim);
    const after = await until('the survivors to cache all 100', async () => {
      const counts = await cached(survivors);
      return counts.reduce((a, b) => a + b) === 100 ? counts : undefined;
    });
    expect(after.every((count) => count < 100)).toBe(true);
    expect([...writes].filter(([name, times]) => name.startsWith('target-') && times !== 1)).toEqual([]);
    secrets.stop();
  }, 180_000);
});

describe('Event Grid on two replicas', () => {
  it('passes a delivery that reached the follower on to the leader, which syncs at once', async () => {
    const namespace = 'pushed';
    const secretFile = join(dir, 'eventgrid-secret');
    writeFileSync(secretFile, 'relay-test-shared-secret', { mode: 0o600 });
    await createNamespaceWithStore(namespace);
    await secretClient.setSecret('relayed', 'first');
    // Without the relay only a listing an hour away would find the new version.
    const flags = [
      '--leader-election-id',
      'kvsync-push',
      '--namespace',
      namespace,
      '--event-grid-secret-file',
      secretFile,
      '--push-fallback-interval',
      '1h',
    ];
    await startReplica('push-a', flags);
    const holder = () => leaseHolder('kvsync-push');
    await until('push-a to lead', async () => (await holder()) === 'push-a' || undefined);
    const follower = await startReplica('push-b', flags);
    const followerUrl = (JSON.parse(follower.firstLine) as { http: string }).http;
    await kube.create({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'relayed', namespace },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'azure', kind: 'SecretStore' },
        target: { name: 'relayed' },
        data: [{ secretKey: 'value', remoteRef: { key: 'relayed' } }],
      },
    });
    const valueOf = async () => {
      const secret = await kube.get<{ data?: { value?: string } }>({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace,
        name: 'relayed',
      });
      return secret?.data?.value && Buffer.from(secret.data.value, 'base64').toString();
    };
    await until('the first value', async () => (await valueOf()) === 'first' || undefined);

    await vault.controls.subscribe({
      name: 'to-the-follower',
      vault: 'our-vault',
      endpointUrl: `${followerUrl}/webhooks/eventgrid`,
      schema: 'EventGridSchema',
      secret: { in: 'header', name: 'x-kvsync-secret', value: 'relay-test-shared-secret' },
    });
    await secretClient.setSecret('relayed', 'second');
    await until('the pushed value', async () => (await valueOf()) === 'second' || undefined, 15_000);
    expect(await holder()).toBe('push-a');
    const metrics = await (await fetch(`${followerUrl}/metrics`)).text();
    expect(metrics).toMatch(/kvsync_eventgrid_relayed_total\{outcome="sent"\} 1\b/);
  }, 60_000);
});
