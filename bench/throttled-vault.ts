import { performance } from 'node:perf_hooks';
import type { ExternalSecret } from '../src/api/index.ts';
import type { Benchmark } from './run.ts';
import {
  createObjects,
  externalSecret,
  namespace,
  startInformer,
  startKubeEmulator,
  store,
} from './support/kube.ts';
import { countCalls, seedSecrets, startKeyVaultEmulator, type KeyVaultEmulator } from './support/keyvault.ts';
import { logTail, startOperatorAsProcess } from './support/operator.ts';
import { withScope } from './support/scope.ts';
import { SecretWatch } from './support/secret-watch.ts';
import { round } from './support/stats.ts';

/**
 * `throttled-vault`: the emulator enforcing Azure's limit (4,000 requests per 10 s per vault,
 * sliding window, 429 with Retry-After), 5,000 ExternalSecrets on one vault at `refreshInterval:
 * 1m`, the operator as its own process with default flags (budget 2,000 per 10 s). Runs in real
 * time until every Secret holds its value, at least 70 s have passed and a refresh round (a
 * listing of the vault) has happened. The request rate comes from the emulator's counters,
 * sampled every 500 ms: `max_requests_per_10s` is the largest increase over any 10 s.
 */

const EXTERNAL_SECRETS = 5_000;
const VAULT = 'bench-throttled';
const NAMESPACE = 'bench-throttled';
const SAMPLE_EVERY_MS = 500;
const WINDOW_MS = 10_000;
const MIN_RUN_MS = 70_000;
const MAX_RUN_MS = 200_000;
/** A listing of 5,000 secrets is 200 pages of 25. */
const LISTING_PAGES = Math.ceil(EXTERNAL_SECRETS / 25);

const secretName = (i: number) => `throttled-${i}`;
const valueOf = (i: number) => `value-of-throttled-${i}`;

/** Samples the vault's request total and keeps the largest increase within any `WINDOW_MS`. */
class RateSampler {
  maxPerWindow = 0;
  readonly #samples: Array<{ atMs: number; total: number }> = [];
  readonly #keyVault: KeyVaultEmulator;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(keyVault: KeyVaultEmulator) {
    this.#keyVault = keyVault;
    this.#timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
  }

  async sample(): Promise<void> {
    const counters = await this.#keyVault.admin.counters();
    const now = { atMs: performance.now(), total: counters.byVault[VAULT] ?? 0 };
    this.#samples.push(now);
    for (const earlier of this.#samples)
      if (now.atMs - earlier.atMs <= WINDOW_MS + SAMPLE_EVERY_MS / 2)
        this.maxPerWindow = Math.max(this.maxPerWindow, now.total - earlier.total);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

export const throttledVault: Benchmark = {
  name: 'throttled-vault',
  run: () =>
    withScope(async (scope) => {
      const dir = scope.tempDir('throttled');
      const [kube, keyVault] = await Promise.all([
        startKubeEmulator(scope, dir),
        startKeyVaultEmulator(scope, [VAULT]),
      ]);
      await seedSecrets(
        keyVault,
        Array.from({ length: EXTERNAL_SECRETS }, (_, i) => [VAULT, secretName(i), valueOf(i)] as const),
        32,
      );
      const throttling = await keyVault.admin.configureThrottling({ enabled: true });
      await createObjects(kube.bulk, [namespace(NAMESPACE)]);
      await createObjects(kube.bulk, [store('SecretStore', 'vault', VAULT, NAMESPACE)]);

      const synced = new Set<string>();
      const watch = await SecretWatch.start(scope, kube.client, NAMESPACE);
      watch.onSeen((key, value) => {
        if (value !== undefined && value === valueOf(Number(key.slice(key.lastIndexOf('-') + 1))))
          synced.add(key);
      });
      const firstSync = new Map<string, string>();
      const refreshed = new Set<string>();
      await startInformer<ExternalSecret>(
        scope,
        kube.client,
        'bench-externalsecrets',
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: NAMESPACE },
        (informer) =>
          informer.onUpdate((es) => {
            const key = es.metadata.name!;
            const refreshTime = es.status?.refreshTime;
            if (!refreshTime) return;
            const first = firstSync.get(key);
            if (first === undefined) firstSync.set(key, refreshTime);
            else if (first !== refreshTime) refreshed.add(key);
          }),
      );

      const operator = await startOperatorAsProcess(scope, { dir, kubeconfig: kube.kubeconfig, keyVault });
      await keyVault.admin.resetCounters();
      const sampler = new RateSampler(keyVault);
      scope.defer(() => sampler.stop());
      const startMs = performance.now();
      await createObjects(
        kube.bulk,
        Array.from({ length: EXTERNAL_SECRETS }, (_, i) =>
          externalSecret({
            namespace: NAMESPACE,
            name: secretName(i),
            storeKind: 'SecretStore',
            storeName: 'vault',
            remoteKey: secretName(i),
            refreshInterval: '1m',
          }),
        ),
      );
      let allSyncedMs: number | undefined;
      let lists = 0;
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const elapsedMs = performance.now() - startMs;
        if (allSyncedMs === undefined && synced.size === EXTERNAL_SECRETS) allSyncedMs = elapsedMs;
        lists = countCalls(await keyVault.admin.counters(), { vault: VAULT, operation: 'getSecrets' });
        const done = allSyncedMs !== undefined && elapsedMs >= MIN_RUN_MS && lists >= LISTING_PAGES;
        if (done || elapsedMs >= MAX_RUN_MS) break;
      }
      sampler.stop();
      await sampler.sample();
      const counters = await keyVault.admin.counters();
      if (allSyncedMs === undefined)
        process.stderr.write(`throttled-vault: ${synced.size} synced\n${logTail(operator.logFile)}\n`);
      return {
        external_secrets: EXTERNAL_SECRETS,
        refresh_interval: '1m',
        azure_limit_per_10s: throttling.limits.other,
        kvsync_budget_per_10s: 2_000,
        max_requests_per_10s: sampler.maxPerWindow,
        throttled: countCalls(counters, { vault: VAULT, status: 429 }),
        all_synced: allSyncedMs !== undefined,
        synced: synced.size,
        all_synced_s: allSyncedMs === undefined ? -1 : round(allSyncedMs / 1000, 1),
        run_s: round((performance.now() - startMs) / 1000, 1),
        refreshed: refreshed.size,
        requests: counters.byVault[VAULT] ?? 0,
        gets: countCalls(counters, { vault: VAULT, operation: 'getSecret', status: 200 }),
        list_pages: lists,
      };
    }),
};
