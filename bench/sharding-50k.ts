import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KubeClient } from '../src/kube/index.ts';
import { shardOf } from '../src/runtime/index.ts';
import type { Benchmark, Figure } from './run.ts';
import {
  createFleetExternalSecrets,
  createFleetScaffolding,
  fleetExternalSecret,
  fleetNamespaceName,
  fleetValueOf,
  fleetVaults,
  FleetProgress,
  seedFleet,
  type FleetLayout,
} from './support/fleet.ts';
import type { Child } from './support/child-process.ts';
import { startKubeEmulator, type KubeEmulator } from './support/kube.ts';
import { countCalls, startKeyVaultEmulator, type KeyVaultEmulator } from './support/keyvault.ts';
import { logTail, startOperatorAsProcess, type OperatorProcess } from './support/operator.ts';
import { withScope, type Scope } from './support/scope.ts';
import { ProcessMonitor, round, sampleProcess } from './support/stats.ts';

/**
 * `sharding-50k`: 50,000 ExternalSecrets (the scale-10k layout: 10 per namespace, 50 vaults),
 * synced once by one `kvsync run` and once by four replicas splitting the work with `--shards`.
 * Each run gets a fresh Kubernetes API emulator; the Key Vault emulator is seeded once and shared
 * (the runs only read it). The replicas are started, and for the four the shards spread one
 * replica per shard, before the first create; the clock runs from the first create until every
 * Secret holds its value. `KVSYNC_BENCH_SHARDING_COUNT` runs a smaller fleet on a small machine.
 */

const COUNT_ENV = 'KVSYNC_BENCH_SHARDING_COUNT';
const DEFAULT_EXTERNAL_SECRETS = 50_000;
const EXTERNAL_SECRETS_PER_NAMESPACE = 10;
const VAULTS = 50;
const REPLICAS = 4;
/**
 * 12 splits evenly over 4 replicas and also over the 3, 2 or 1 left when replicas die (it is
 * their least common multiple), so a lost replica does not leave one survivor with double work.
 * Each replica holds 3 shards, about a quarter of the keys (a shard's share varies by a few %).
 */
const SHARDS = 12;
const LEASE_NAMESPACE = 'default';
const LEASE_NAME = 'kvsync-bench-sharding';
const SPREAD_TIMEOUT_MS = 60_000;
const ALL_SYNCED_TIMEOUT_MS = 900_000;
const METRICS_TIMEOUT_MS = 60_000;
const HANDOVER_TIMEOUT_MS = 240_000;
const MB = 1024 * 1024;

type Mode = 'one-replica' | 'four-replicas';

/** The install guide's sizing: 512Mi of memory limit per 10,000 ExternalSecrets, at least 512Mi. */
const LIMIT_MB_PER_10K = 512;

/**
 * What a replica runs with: the chart's NODE_OPTIONS (`--max-old-space-size-percentage=50
 * --max-semi-space-size=16`) as they resolve in the container the install guide sizes for its
 * share of the fleet. Without a heap limit V8 grows lazily, and RSS says more about the machine
 * than about what a replica needs. `KVSYNC_BENCH_OPERATOR_NODE_OPTIONS` overrides (empty: Node's
 * defaults).
 */
function containerFor(externalSecretsPerReplica: number): { limitMb: number; nodeOptions: string } {
  const limitMb = Math.max(
    LIMIT_MB_PER_10K,
    Math.ceil((LIMIT_MB_PER_10K * externalSecretsPerReplica) / 10_000),
  );
  const nodeOptions =
    process.env.KVSYNC_BENCH_OPERATOR_NODE_OPTIONS ??
    `--max-old-space-size=${Math.floor(limitMb / 2)} --max-semi-space-size=16`;
  return { limitMb, nodeOptions };
}

function externalSecretCount(): number {
  const text = process.env[COUNT_ENV];
  if (text === undefined || text === '') return DEFAULT_EXTERNAL_SECRETS;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`${COUNT_ENV}: '${text}' is not a positive integer`);
  return count;
}

function layoutOf(externalSecrets: number): FleetLayout {
  return {
    externalSecrets,
    namespaces: Math.ceil(externalSecrets / EXTERNAL_SECRETS_PER_NAMESPACE),
    vaults: Math.min(VAULTS, externalSecrets),
  };
}

interface Replica {
  identity: string;
  operator: OperatorProcess;
  monitor: ProcessMonitor;
}

/**
 * One replica with the benchmarks' default flags (no leader election), or four with a Lease
 * per shard. `--leader-elect=true` comes after the support module's `--leader-elect=false`:
 * for a flag given twice, the last one wins (node:util parseArgs).
 */
async function startReplicas(
  scope: Scope,
  dir: string,
  kube: KubeEmulator,
  keyVault: KeyVaultEmulator,
  mode: Mode,
  nodeOptions: string,
): Promise<Replica[]> {
  const identities =
    mode === 'one-replica' ? ['single'] : Array.from({ length: REPLICAS }, (_, i) => `replica-${i}`);
  return Promise.all(
    identities.map(async (identity) => {
      const replicaDir = join(dir, identity);
      mkdirSync(replicaDir);
      const flags =
        mode === 'one-replica'
          ? []
          : [
              '--leader-elect=true',
              '--identity',
              identity,
              '--shards',
              String(SHARDS),
              '--leader-election-namespace',
              LEASE_NAMESPACE,
              '--leader-election-id',
              LEASE_NAME,
            ];
      const operator = await startOperatorAsProcess(scope, {
        dir: replicaDir,
        kubeconfig: kube.kubeconfig,
        keyVault,
        flags,
        nodeOptions,
      });
      const monitor = new ProcessMonitor(operator.child.pid);
      scope.defer(() => monitor.stop());
      return { identity, operator, monitor };
    }),
  );
}

/** The holder of each shard Lease; undefined for a shard not held (yet). */
async function shardHolders(client: KubeClient): Promise<Array<string | undefined>> {
  return Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) => {
      const lease = await client.get<{ spec?: { holderIdentity?: string } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: LEASE_NAMESPACE,
        name: `${LEASE_NAME}-shard-${shard}`,
      });
      return lease?.spec?.holderIdentity || undefined;
    }),
  );
}

/**
 * Waits until every shard is held and each replica holds its share (a replica that started
 * alone first takes every shard, and hands them over once it sees the others). Returns the
 * shards of each replica, in the order of `replicas`.
 */
async function waitForSpread(client: KubeClient, replicas: readonly Replica[]): Promise<number[][]> {
  const deadline = performance.now() + SPREAD_TIMEOUT_MS;
  for (;;) {
    const holders = await shardHolders(client);
    const shardsOf = replicas.map(({ identity }) =>
      holders.flatMap((holder, shard) => (holder === identity ? [shard] : [])),
    );
    if (shardsOf.every((shards) => shards.length === SHARDS / replicas.length)) return shardsOf;
    if (performance.now() > deadline)
      throw new Error(`shards not spread after ${SPREAD_TIMEOUT_MS / 1000} s: ${holders.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Secret writes counted by a replica (`kvsync_secret_writes_total`, summed over namespaces):
 * `created` is how many ExternalSecrets it synced first, `updated` how many it wrote again.
 */
interface Writes {
  created: number;
  updated: number;
}

async function secretWrites(replica: Replica): Promise<Writes> {
  const response = await fetch(`${replica.operator.url}/metrics`, {
    signal: AbortSignal.timeout(METRICS_TIMEOUT_MS),
  });
  const writes: Writes = { created: 0, updated: 0 };
  for (const line of (await response.text()).split('\n')) {
    if (!line.startsWith('kvsync_secret_writes_total{')) continue;
    const result = /result="([a-z]+)"/.exec(line)?.[1];
    if (result === 'created' || result === 'updated') writes[result] += Number(line.split(' ').at(-1));
  }
  return writes;
}

const mb = (bytes: number) => round(bytes / MB);
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const hasExited = (child: Child) => child.process.exitCode !== null || child.process.signalCode !== null;

/** A fresh Kubernetes API emulator with the fleet's namespaces and stores, watched, and the replicas started. */
async function prepareRun(scope: Scope, keyVault: KeyVaultEmulator, layout: FleetLayout, mode: Mode) {
  // Four replicas are sized for the share each holds while one of them is down (N+1), as the guide says.
  const container = containerFor(
    Math.ceil(layout.externalSecrets / (mode === 'one-replica' ? 1 : REPLICAS - 1)),
  );
  const dir = scope.tempDir('sharding');
  const kube = await startKubeEmulator(scope, dir);
  const kubeMonitor = new ProcessMonitor(kube.child.pid);
  scope.defer(() => kubeMonitor.stop());
  // This process holds a cache of every Secret (the watch): it shares the machine's memory too.
  const benchMonitor = new ProcessMonitor(process.pid, 1_000);
  scope.defer(() => benchMonitor.stop());
  await createFleetScaffolding(kube, layout);
  const progress = await FleetProgress.start(scope, kube.client, layout);
  const startedMs = performance.now();
  const replicas = await startReplicas(scope, dir, kube, keyVault, mode, container.nodeOptions);
  const shards = mode === 'one-replica' ? undefined : await waitForSpread(kube.client, replicas);
  const readyS = round((performance.now() - startedMs) / 1000, 1);
  return { kube, kubeMonitor, benchMonitor, progress, replicas, shards, readyS, container };
}

type PreparedRun = Awaited<ReturnType<typeof prepareRun>>;

/**
 * Notes each of `processes` that exits, as `name (code N | SIGNAL)`, and aborts the returned
 * signal at the first: an emulator or a replica that died leaves Secrets unsynced until the
 * timeout. Exits after the run (the scope stopping them) are noted too; read the list before.
 */
function watchExits(processes: ReadonlyArray<{ name: string; child: Child }>) {
  const exits: string[] = [];
  const abort = new AbortController();
  for (const { name, child } of processes) {
    const note = () => {
      exits.push(`${name} (${child.process.signalCode ?? `code ${child.process.exitCode}`})`);
      abort.abort();
    };
    if (hasExited(child)) note();
    else child.process.once('exit', note);
  }
  return { exits, signal: abort.signal };
}

/**
 * Creates the ExternalSecrets and waits until every Secret holds its value, the timeout, or a
 * replica or an emulator exiting. Returns the span's marks, the CPU seconds each process spent
 * over it, and the processes that exited.
 */
async function syncFleet(run: PreparedRun, keyVault: KeyVaultEmulator, layout: FleetLayout) {
  const { kube, kubeMonitor, benchMonitor, progress, replicas } = run;
  const exited = watchExits([
    ...replicas.map(({ identity, operator }) => ({ name: identity, child: operator.child })),
    { name: 'kube-apiserver', child: kube.child },
    { name: 'keyvault', child: keyVault.child },
  ]);
  await keyVault.admin.resetCounters();
  const cpuOf = (pid: number) => sampleProcess(pid)?.cpuSeconds ?? 0;
  const replicaCpuBefore = replicas.map(({ operator }) => cpuOf(operator.child.pid));
  const kubeCpuBefore = cpuOf(kube.child.pid);
  const keyVaultCpuBefore = cpuOf(keyVault.child.pid);
  const startMs = performance.now();
  await createFleetExternalSecrets(kube, layout);
  const createdMs = performance.now();
  await progress.waitForAll(startMs, ALL_SYNCED_TIMEOUT_MS, exited.signal);
  const exits = [...exited.exits];
  for (const { monitor } of [...replicas, { monitor: kubeMonitor }, { monitor: benchMonitor }]) {
    monitor.sample();
    monitor.stop();
  }
  return {
    startMs,
    createdMs,
    replicaCpuS: replicas.map(({ monitor }, i) => monitor.cpuSeconds - replicaCpuBefore[i]!),
    kubeCpuS: kubeMonitor.cpuSeconds - kubeCpuBefore,
    keyVaultCpuS: cpuOf(keyVault.child.pid) - keyVaultCpuBefore,
    exits,
  };
}

/** On stderr: what was synced, what exited, and the last lines each process wrote. */
function reportFailure(mode: Mode, run: PreparedRun, exits: readonly string[]): void {
  const tails = [
    ...run.replicas.map((r) => `${r.identity}:\n${logTail(r.operator.logFile)}`),
    `kube-apiserver:\n${run.kube.child.stderrTail()}`,
  ];
  process.stderr.write(
    `sharding-50k (${mode}): ${run.progress.synced} synced; ` +
      `${exits.length ? `exited: ${exits.join(', ')}` : 'timed out'}\n${tails.join('\n')}\n`,
  );
}

/**
 * Four replicas, all synced: kills the last replica (SIGKILL: its Leases are not released) and
 * creates an ExternalSecret in one of its shards. Measures until every shard is held by a
 * survivor, and until that ExternalSecret's Secret holds its value (the survivors relist to
 * cache the shards they took). Returns the survivors' writes since `before`: a takeover that
 * rewrote the dead replica's Secrets would show as `updated`.
 */
async function measureHandover(
  run: PreparedRun,
  keyVault: KeyVaultEmulator,
  layout: FleetLayout,
  before: ReadonlyArray<Writes>,
) {
  const victim = run.replicas.at(-1)!;
  const survivors = run.replicas.slice(0, -1);
  const theirShards = run.shards!.at(-1)!;
  const namespace = fleetNamespaceName(0);
  let i = 0;
  while (!theirShards.includes(shardOf(`${namespace}/handover-${i}`, SHARDS))) i++;
  const name = `handover-${i}`;
  await keyVault.admin.resetCounters();
  victim.operator.child.process.kill('SIGKILL');
  const killedMs = performance.now();
  await run.kube.client.create(fleetExternalSecret(layout, 0, name));
  const synced = run.progress.watch.expect(`${namespace}/${name}`, fleetValueOf(0), HANDOVER_TIMEOUT_MS);
  synced.catch(() => {}); // awaited below, after the shards moved
  for (;;) {
    const holders = await shardHolders(run.kube.client);
    if (holders.every((holder) => holder !== undefined && holder !== victim.identity)) break;
    if (performance.now() - killedMs > HANDOVER_TIMEOUT_MS)
      throw new Error(`shards of ${victim.identity} not taken over: ${holders.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const movedMs = performance.now();
  const syncedMs = await synced;
  const after = await Promise.all(survivors.map(secretWrites));
  const counters = await keyVault.admin.counters();
  return {
    moved_s: round((movedMs - killedMs) / 1000, 1),
    new_synced_s: round((syncedMs - killedMs) / 1000, 1),
    created: sum(after.map((w, i) => w.created - before[i]!.created)),
    rewrites: sum(after.map((w, i) => w.updated - before[i]!.updated)),
    keyvault_gets: countCalls(counters, { operation: 'getSecret', status: 200 }),
    keyvault_requests: counters.total,
    survivors_rss_mb: survivors.map(({ operator }) => mb(sampleProcess(operator.child.pid)?.rssBytes ?? 0)),
  };
}

/** One run on a fresh Kubernetes API emulator; the figures of `bench/README.md`. */
function measureRun(
  keyVault: KeyVaultEmulator,
  layout: FleetLayout,
  mode: Mode,
): Promise<Record<string, Figure>> {
  return withScope(async (scope) => {
    const run = await prepareRun(scope, keyVault, layout, mode);
    const { progress, replicas } = run;
    const span = await syncFleet(run, keyVault, layout);
    if (!progress.allSynced) reportFailure(mode, run, span.exits);
    // Scraped after the monitors stopped: rendering a series per ExternalSecret costs the replica.
    // -1: the replica (or the cluster) is gone.
    const writes = await Promise.all(
      replicas.map((r) =>
        hasExited(r.operator.child) || hasExited(run.kube.child)
          ? { created: -1, updated: 0 }
          : secretWrites(r),
      ),
    );
    const counters = await keyVault.admin.counters();
    const peakRssMb = replicas.map(({ monitor }) => mb(monitor.peakRssBytes));
    const handover =
      mode === 'four-replicas' && progress.allSynced
        ? await measureHandover(run, keyVault, layout, writes)
        : undefined;
    return {
      replicas: replicas.map(({ identity }) => identity),
      ...(run.shards ? { shards: run.shards } : {}),
      container_limit_mb: run.container.limitMb,
      node_options: run.container.nodeOptions,
      ready_s: run.readyS,
      all_synced: progress.allSynced,
      synced: progress.synced,
      all_synced_s: progress.allSynced ? round((progress.lastSyncedMs - span.startMs) / 1000, 1) : -1,
      create_s: round((span.createdMs - span.startMs) / 1000, 1),
      exited: span.exits,
      synced_by_replica: writes.map((w) => w.created),
      rewrites: sum(writes.map((w) => w.updated)),
      peak_rss_mb: peakRssMb,
      peak_rss_mb_max: Math.max(...peakRssMb),
      peak_rss_mb_total: sum(peakRssMb),
      cpu_s: span.replicaCpuS.map((cpu) => round(cpu, 1)),
      cpu_s_total: round(sum(span.replicaCpuS), 1),
      kube_apiserver_peak_rss_mb: mb(run.kubeMonitor.peakRssBytes),
      kube_apiserver_cpu_s: round(span.kubeCpuS, 1),
      keyvault_cpu_s: round(span.keyVaultCpuS, 1),
      bench_peak_rss_mb: mb(run.benchMonitor.peakRssBytes),
      keyvault_gets: countCalls(counters, { operation: 'getSecret', status: 200 }),
      keyvault_requests: counters.total,
      ...(handover ? { handover } : {}),
    };
  });
}

export const sharding50k: Benchmark = {
  name: 'sharding-50k',
  run: () =>
    withScope(async (scope) => {
      const layout = layoutOf(externalSecretCount());
      const keyVault = await startKeyVaultEmulator(scope, fleetVaults(layout));
      const keyVaultMonitor = new ProcessMonitor(keyVault.child.pid, 1_000);
      scope.defer(() => keyVaultMonitor.stop());
      await seedFleet(keyVault, layout);
      const oneReplica = await measureRun(keyVault, layout, 'one-replica');
      const fourReplicas = await measureRun(keyVault, layout, 'four-replicas');
      return {
        external_secrets: layout.externalSecrets,
        namespaces: layout.namespaces,
        vaults: layout.vaults,
        shards: SHARDS,
        one_replica: oneReplica,
        four_replicas: fourReplicas,
        keyvault_peak_rss_mb: mb(keyVaultMonitor.peakRssBytes),
      };
    }),
};
