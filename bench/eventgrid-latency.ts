import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Benchmark } from './run.ts';
import { createObjects, externalSecret, namespace, startKubeEmulator, store } from './support/kube.ts';
import { operatorCalls, seedSecrets, startKeyVaultEmulator } from './support/keyvault.ts';
import { logTail, startOperatorAsProcess, subscribeWebhook } from './support/operator.ts';
import { withScope } from './support/scope.ts';
import { SecretWatch } from './support/secret-watch.ts';
import { percentile, round } from './support/stats.ts';

/**
 * `eventgrid-latency`: 100 ExternalSecrets (refreshInterval 1h, so polling plays no part), each
 * reading its own secret; the emulator's Event Grid publisher delivers the vault's events to the
 * operator's webhook. 100 rotations, one after another: the time from `setSecret` returning to
 * the watch event in which the Kubernetes Secret holds the new value. Both emulators and the
 * operator run as processes of their own.
 */

const EXTERNAL_SECRETS = 100;
const VAULT = 'bench-push';
const NAMESPACE = 'bench-push';
const ROTATION_TIMEOUT_MS = 15_000;

const secretName = (i: number) => `rotate-${i}`;
const newValue = () => randomBytes(16).toString('base64url');

export const eventGridLatency: Benchmark = {
  name: 'eventgrid-latency',
  run: () =>
    withScope(async (scope) => {
      const dir = scope.tempDir('eventgrid');
      const [kube, keyVault] = await Promise.all([
        startKubeEmulator(scope, dir),
        startKeyVaultEmulator(scope, [VAULT]),
      ]);
      const initial = Array.from({ length: EXTERNAL_SECRETS }, () => newValue());
      await seedSecrets(
        keyVault,
        initial.map((value, i) => [VAULT, secretName(i), value] as const),
      );
      await createObjects(kube.bulk, [namespace(NAMESPACE), store('SecretStore', 'vault', VAULT, NAMESPACE)]);
      await createObjects(
        kube.bulk,
        initial.map((_, i) =>
          externalSecret({
            namespace: NAMESPACE,
            name: secretName(i),
            storeKind: 'SecretStore',
            storeName: 'vault',
            remoteKey: secretName(i),
            refreshInterval: '1h',
          }),
        ),
      );
      const watch = await SecretWatch.start(scope, kube.client, NAMESPACE);
      const operator = await startOperatorAsProcess(scope, { dir, kubeconfig: kube.kubeconfig, keyVault });
      try {
        await Promise.all(
          initial.map((value, i) => watch.expect(`${NAMESPACE}/${secretName(i)}`, value, 60_000)),
        );
      } catch (error) {
        throw new Error(`initial sync: ${(error as Error).message}\n${logTail(operator.logFile)}`);
      }
      await subscribeWebhook(keyVault, VAULT, operator);
      await keyVault.admin.resetCounters();

      const latenciesMs: number[] = [];
      for (let i = 0; i < EXTERNAL_SECRETS; i++) {
        const value = newValue();
        const seen = watch.expect(`${NAMESPACE}/${secretName(i)}`, value, ROTATION_TIMEOUT_MS);
        await keyVault.secrets(VAULT).setSecret(secretName(i), value);
        const returnedMs = performance.now();
        latenciesMs.push(Math.max(0, (await seen) - returnedMs));
      }
      const counters = await keyVault.admin.counters();
      const deliveries = await keyVault.admin.deliveries();
      return {
        external_secrets: EXTERNAL_SECRETS,
        rotations: latenciesMs.length,
        p50_ms: round(percentile(latenciesMs, 50)),
        p99_ms: round(percentile(latenciesMs, 99)),
        max_ms: round(Math.max(...latenciesMs)),
        mean_ms: round(latenciesMs.reduce((sum, ms) => sum + ms, 0) / latenciesMs.length),
        deliveries_failed: deliveries.filter((delivery) => delivery.outcome !== 'delivered').length,
        kvsync_calls_during_rotations: operatorCalls(counters, VAULT),
      };
    }),
};
