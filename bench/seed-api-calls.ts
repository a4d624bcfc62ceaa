import { randomBytes } from 'node:crypto';
import { FakeClock } from '../src/runtime/index.ts';
import type { Benchmark } from './run.ts';
import {
  createObjects,
  externalSecret,
  namespace,
  startKubeEmulator,
  store,
  type KubeEmulator,
} from './support/kube.ts';
import {
  countCalls,
  operatorCalls,
  seedSecrets,
  startKeyVaultEmulator,
  type KeyVaultEmulator,
} from './support/keyvault.ts';
import { logTail, startOperatorInProcess, subscribeWebhook } from './support/operator.ts';
import { withScope } from './support/scope.ts';
import { SecretWatch } from './support/secret-watch.ts';
import { HttpActivity, Simulation } from './support/simulation.ts';
import { round } from './support/stats.ts';

/**
 * `seed-api-calls`: the incident's cluster — 15 ExternalSecrets on one vault at
 * `refreshInterval: 1m`, one rotation per hour (at minute 30:01) — for simulated hours on a
 * FakeClock, with the operator in this process and both emulators in their own. An hour is the
 * half-open interval [0, 60 min): its counters are read just before the timers of minute 60
 * fire. Key Vault requests are the emulator's counters minus the benchmark's own `setSecret`s.
 * Run twice: polling alone (one hour), and with Event Grid push, the vault declared in
 * `--push-vaults` and `--push-fallback-interval 1h` (two hours: the second shows that the
 * steady state is the first one's).
 */

const EXTERNAL_SECRETS = 15;
const POLL_VAULT = 'our-vault';
const PUSH_VAULT = 'our-vault-push';
const HOUR_MS = 3_600_000;
const ROTATION_AT_MS = 30 * 60_000 + 1_000;
const STEP_MS = 1_000;
/** ESO: one GET per data entry per refresh, 60 refreshes an hour at 1m. */
const ESO_MODEL_CALLS = EXTERNAL_SECRETS * 60;

const secretName = (i: number) => `service-${String(i).padStart(2, '0')}-password`;
const newValue = () => randomBytes(16).toString('base64url');

interface HourFigures {
  calls: number;
  /** Successful reads of a secret value. */
  gets: number;
  /** Pages of secret listings. */
  lists: number;
  /** 401 answers: the SDK's first, token-less request of each client (Key Vault's challenge). */
  challenges: number;
  stalenessS: number;
}

/** Waits until the emulator has delivered an event for `subject` (push runs), real time. */
async function eventDelivered(keyVault: KeyVaultEmulator, subject: string, before: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const deliveries = await keyVault.admin.deliveries();
    if (deliveries.slice(before).some((d) => d.outcome === 'delivered' && d.subjects.includes(subject)))
      return;
    if (Date.now() > deadline) throw new Error(`no Event Grid delivery for ${subject} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Emulators {
  kube: KubeEmulator;
  keyVault: KeyVaultEmulator;
}

/**
 * One run in its own namespace and vault (the operator is told `--namespace`), so that both runs
 * share the emulators: the managed-identity token cache of `@azure/identity` lives as long as
 * this process and would not be accepted by another emulator.
 */
function simulate(emulators: Emulators, push: boolean, hours: number): Promise<HourFigures[]> {
  const { kube, keyVault } = emulators;
  const vault = push ? PUSH_VAULT : POLL_VAULT;
  const namespaceName = push ? 'seed-push' : 'seed-poll';
  return withScope(async (scope) => {
    const dir = scope.tempDir(namespaceName);
    await seedSecrets(
      keyVault,
      Array.from({ length: EXTERNAL_SECRETS }, (_, i) => [vault, secretName(i), newValue()] as const),
    );
    await createObjects(kube.bulk, [namespace(namespaceName)]);
    await createObjects(kube.bulk, [
      store('SecretStore', 'azure-backend', vault, namespaceName),
      ...Array.from({ length: EXTERNAL_SECRETS }, (_, i) =>
        externalSecret({
          namespace: namespaceName,
          name: secretName(i),
          storeKind: 'SecretStore',
          storeName: 'azure-backend',
          remoteKey: secretName(i),
          refreshInterval: '1m',
        }),
      ),
    ]);
    const clock = new FakeClock(Date.now());
    const watch = await SecretWatch.start(scope, kube.client, namespaceName, () => clock.now());
    const activity = new HttpActivity();
    scope.defer(() => activity.stop());
    await keyVault.admin.resetCounters();
    const operator = await startOperatorInProcess(
      scope,
      {
        dir,
        kubeconfig: kube.kubeconfig,
        keyVault,
        flags: [
          '--namespace',
          namespaceName,
          ...(push ? ['--push-vaults', PUSH_VAULT, '--push-fallback-interval', '1h'] : []),
        ],
      },
      clock,
    );
    if (push) await subscribeWebhook(keyVault, vault, operator);
    const simulation = new Simulation({ clock, kvsync: operator.kvsync, activity });
    await waitForFirstSync(watch, namespaceName, operator.logFile);
    await simulation.settle(20);

    const figures: HourFigures[] = [];
    let rotationPending = false;
    const quietMs = () => (rotationPending ? 30 : 3);
    for (let hour = 0; hour < hours; hour++) {
      const hourStartMs = hour * HOUR_MS;
      await simulation.runUntil(hourStartMs + ROTATION_AT_MS, STEP_MS, quietMs);
      const rotated = secretName(hour % EXTERNAL_SECRETS);
      const value = newValue();
      rotationPending = true;
      const seen = watch.expect(`${namespaceName}/${rotated}`, value, 600_000);
      const deliveriesBefore = push ? (await keyVault.admin.deliveries()).length : 0;
      await keyVault.secrets(vault).setSecret(rotated, value);
      const rotatedAtMs = clock.now();
      if (push) await eventDelivered(keyVault, rotated, deliveriesBefore);
      await simulation.settle(30);
      void seen.then(
        () => (rotationPending = false),
        () => undefined,
      );
      await simulation.runUntil(hourStartMs + HOUR_MS - 1, STEP_MS, quietMs);
      if (rotationPending) throw new Error(`the rotation of hour ${hour + 1} never reached its Secret`);
      const counters = await keyVault.admin.counters();
      await keyVault.admin.resetCounters();
      figures.push({
        calls: operatorCalls(counters, vault),
        gets: countCalls(counters, { vault, operation: 'getSecret', status: 200 }),
        lists: countCalls(counters, { vault, operation: 'getSecrets' }),
        challenges: countCalls(counters, { vault, status: 401 }),
        stalenessS: ((await seen) - rotatedAtMs) / 1000,
      });
      await simulation.runUntil(hourStartMs + HOUR_MS, STEP_MS, quietMs);
    }
    return figures;
  });
}

/** Resolves once every ExternalSecret's Secret exists (the first sync, at simulated time 0). */
async function waitForFirstSync(watch: SecretWatch, namespaceName: string, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const keys = Array.from({ length: EXTERNAL_SECRETS }, (_, i) => `${namespaceName}/${secretName(i)}`);
  while (keys.some((key) => watch.valueOf(key) === undefined)) {
    if (Date.now() > deadline) throw new Error(`first sync not done within 60 s:\n${logTail(logFile)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const seedApiCalls: Benchmark = {
  name: 'seed-api-calls',
  async run() {
    const { polling, pushFirst, pushSecond } = await withScope(async (scope) => {
      const dir = scope.tempDir('seed');
      const [kube, keyVault] = await Promise.all([
        startKubeEmulator(scope, dir),
        startKeyVaultEmulator(scope, [POLL_VAULT, PUSH_VAULT]),
      ]);
      const [polling] = await simulate({ kube, keyVault }, false, 1);
      const [pushFirst, pushSecond] = await simulate({ kube, keyVault }, true, 2);
      return { polling, pushFirst, pushSecond };
    });
    return {
      external_secrets: EXTERNAL_SECRETS,
      refresh_interval: '1m',
      simulated_hours: 1,
      kvsync_calls: polling!.calls,
      kvsync_gets: polling!.gets,
      kvsync_lists: polling!.lists,
      kvsync_auth_challenges: polling!.challenges,
      eso_model_calls: ESO_MODEL_CALLS,
      fewer_calls_factor: round(ESO_MODEL_CALLS / polling!.calls, 1),
      max_staleness_s: round(polling!.stalenessS, 1),
      eso_model_max_staleness_s: 60,
      kvsync_calls_push: pushFirst!.calls,
      kvsync_gets_push: pushFirst!.gets,
      kvsync_lists_push: pushFirst!.lists,
      kvsync_calls_push_second_hour: pushSecond!.calls,
      max_staleness_push_s: round(Math.max(pushFirst!.stalenessS, pushSecond!.stalenessS), 1),
    };
  },
};
