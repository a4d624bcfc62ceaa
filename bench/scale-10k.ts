import { performance } from 'node:perf_hooks';
import type { Benchmark } from './run.ts';
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
import { createObjects, startKubeEmulator } from './support/kube.ts';
import { countCalls, startKeyVaultEmulator } from './support/keyvault.ts';
import { logTail, startOperatorAsProcess } from './support/operator.ts';
import { withScope } from './support/scope.ts';
import { ProcessMonitor, round, sampleProcess } from './support/stats.ts';

/**
 * `scale-10k`: 10,000 ExternalSecrets in 1,000 namespaces over 50 vaults (one ClusterSecretStore
 * per vault, each ExternalSecret reading its own secret), created as fast as one client can while
 * the operator (its own process, default flags) runs. Measures the time from the first create
 * until every Secret holds its value, the operator's peak RSS and CPU time, and then how long a
 * newly created ExternalSecret takes to sync. The CPU seconds of each process tell which part
 * dominates on this machine.
 */

const EXTERNAL_SECRETS = 10_000;
const LAYOUT: FleetLayout = { externalSecrets: EXTERNAL_SECRETS, namespaces: 1_000, vaults: 50 };
const ALL_SYNCED_TIMEOUT_MS = 240_000;
const NEW_SYNC_TIMEOUT_MS = 30_000;
/**
 * The chart's NODE_OPTIONS (`--max-old-space-size-percentage=50 --max-semi-space-size=16`) as
 * they resolve in a container limited to 320Mi. Without them V8 grows its heap lazily: the
 * same run peaks near 700 MB although the live heap stays under 200 MB.
 */
export const CONTAINER_NODE_OPTIONS = '--max-old-space-size=160 --max-semi-space-size=16';

export const scale10k: Benchmark = {
  name: 'scale-10k',
  run: () =>
    withScope(async (scope) => {
      const dir = scope.tempDir('scale');
      const [kube, keyVault] = await Promise.all([
        startKubeEmulator(scope, dir),
        startKeyVaultEmulator(scope, fleetVaults(LAYOUT)),
      ]);
      await seedFleet(keyVault, LAYOUT);
      await createFleetScaffolding(kube, LAYOUT);
      const progress = await FleetProgress.start(scope, kube.client, LAYOUT);

      const nodeOptions = process.env.KVSYNC_BENCH_OPERATOR_NODE_OPTIONS ?? CONTAINER_NODE_OPTIONS;
      const operator = await startOperatorAsProcess(scope, {
        dir,
        kubeconfig: kube.kubeconfig,
        keyVault,
        nodeOptions,
      });
      const monitor = new ProcessMonitor(operator.child.pid);
      scope.defer(() => monitor.stop());
      const cpuBefore = {
        kube: sampleProcess(kube.child.pid)?.cpuSeconds ?? 0,
        keyVault: sampleProcess(keyVault.child.pid)?.cpuSeconds ?? 0,
        bench: process.cpuUsage(),
      };
      await keyVault.admin.resetCounters();

      const startMs = performance.now();
      await createFleetExternalSecrets(kube, LAYOUT);
      const createdMs = performance.now();
      await progress.waitForAll(startMs, ALL_SYNCED_TIMEOUT_MS);
      monitor.sample();
      const syncedInTime = progress.synced;
      const allSynced = progress.allSynced;
      const cpuAtSync = monitor.cpuSeconds;
      const benchCpu = process.cpuUsage(cpuBefore.bench);
      const cpu = {
        kube: (sampleProcess(kube.child.pid)?.cpuSeconds ?? 0) - cpuBefore.kube,
        keyVault: (sampleProcess(keyVault.child.pid)?.cpuSeconds ?? 0) - cpuBefore.keyVault,
      };
      const counters = await keyVault.admin.counters();
      if (!allSynced)
        process.stderr.write(
          `scale-10k: ${syncedInTime} synced after the timeout\n${logTail(operator.logFile)}\n`,
        );

      // One more, while the 10,000 are managed: it reads an existing secret into a new Secret.
      const newStartMs = performance.now();
      const seen = progress.watch
        .expect(`${fleetNamespaceName(0)}/newcomer`, fleetValueOf(0), NEW_SYNC_TIMEOUT_MS)
        .catch(() => undefined);
      await createObjects(kube.bulk, [fleetExternalSecret(LAYOUT, 0, 'newcomer')]);
      const newSeenMs = await seen;
      monitor.sample();

      return {
        external_secrets: EXTERNAL_SECRETS,
        namespaces: LAYOUT.namespaces,
        vaults: LAYOUT.vaults,
        all_synced: allSynced,
        synced: syncedInTime,
        all_synced_s: allSynced ? round((progress.lastSyncedMs - startMs) / 1000, 1) : -1,
        create_s: round((createdMs - startMs) / 1000, 1),
        peak_rss_mb: round(monitor.peakRssBytes / 1024 / 1024),
        operator_node_options: nodeOptions,
        cpu_s: round(cpuAtSync, 1),
        peak_open_fds: monitor.peakOpenFds,
        new_sync_ms: newSeenMs === undefined ? -1 : round(newSeenMs - newStartMs),
        kube_apiserver_cpu_s: round(cpu.kube, 1),
        keyvault_cpu_s: round(cpu.keyVault, 1),
        bench_cpu_s: round((benchCpu.user + benchCpu.system) / 1e6, 1),
        keyvault_gets: countCalls(counters, { operation: 'getSecret', status: 200 }),
        keyvault_requests: counters.total,
      };
    }),
};
