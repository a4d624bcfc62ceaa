import { performance } from 'node:perf_hooks';
import type { KubeClient } from '../../src/kube/index.ts';
import { createObjects, externalSecret, namespace, store, type KubeEmulator } from './kube.ts';
import { seedSecrets, type KeyVaultEmulator } from './keyvault.ts';
import type { Scope } from './scope.ts';
import { SecretWatch } from './secret-watch.ts';

/**
 * A fleet of ExternalSecrets as the scale benchmarks lay it out: ExternalSecret `k` is
 * `app-k` in namespace `team-(k mod namespaces)`, reads its own secret `app-k` from vault
 * `scale-(k mod vaults)` through one ClusterSecretStore per vault, at `refreshInterval: 1h`
 * (polling plays no part), and its target Secret has its name.
 */

export interface FleetLayout {
  externalSecrets: number;
  namespaces: number;
  vaults: number;
}

export const fleetVaultName = (v: number): string => `scale-${String(v).padStart(2, '0')}`;
export const fleetNamespaceName = (n: number): string => `team-${String(n).padStart(4, '0')}`;
export const fleetSecretName = (k: number): string => `app-${k}`;
/** The value seeded for secret `app-k`; compared by the watch, never printed. */
export const fleetValueOf = (k: number): string => `value-of-app-${k}`;

export function fleetVaults(layout: FleetLayout): string[] {
  return Array.from({ length: layout.vaults }, (_, v) => fleetVaultName(v));
}

/** ExternalSecret `k`; `name` other than `app-k` gives a second reader of the same secret. */
export function fleetExternalSecret(layout: FleetLayout, k: number, name = fleetSecretName(k)) {
  return externalSecret({
    namespace: fleetNamespaceName(k % layout.namespaces),
    name,
    storeKind: 'ClusterSecretStore',
    storeName: fleetVaultName(k % layout.vaults),
    remoteKey: fleetSecretName(k),
    refreshInterval: '1h',
  });
}

/** Writes every ExternalSecret's secret into its vault (32 writes at a time). */
export async function seedFleet(keyVault: KeyVaultEmulator, layout: FleetLayout): Promise<void> {
  await seedSecrets(
    keyVault,
    Array.from(
      { length: layout.externalSecrets },
      (_, k) => [fleetVaultName(k % layout.vaults), fleetSecretName(k), fleetValueOf(k)] as const,
    ),
    32,
  );
}

/** Creates the namespaces and the ClusterSecretStores: all the fleet needs but its ExternalSecrets. */
export async function createFleetScaffolding(kube: KubeEmulator, layout: FleetLayout): Promise<void> {
  await createObjects(kube.bulk, [
    ...Array.from({ length: layout.namespaces }, (_, n) => namespace(fleetNamespaceName(n))),
    ...fleetVaults(layout).map((vault) => store('ClusterSecretStore', vault, vault)),
  ]);
}

/** Creates every ExternalSecret through the bulk client (16 requests at a time). */
export async function createFleetExternalSecrets(kube: KubeEmulator, layout: FleetLayout): Promise<void> {
  await createObjects(
    kube.bulk,
    Array.from({ length: layout.externalSecrets }, (_, k) => fleetExternalSecret(layout, k)),
  );
}

/**
 * Counts the fleet's Secrets that hold their expected value, from a watch on managed Secrets.
 * Each counts once, at the first watch event in which it holds the value.
 */
export class FleetProgress {
  readonly watch: SecretWatch;
  readonly #total: number;
  readonly #synced = new Set<string>();
  /** `performance.now()` of the last Secret to reach its value; 0 before the first. */
  lastSyncedMs = 0;

  private constructor(watch: SecretWatch, layout: FleetLayout) {
    this.watch = watch;
    this.#total = layout.externalSecrets;
    const expected = new Map<string, string>();
    for (let k = 0; k < layout.externalSecrets; k++)
      expected.set(`${fleetNamespaceName(k % layout.namespaces)}/${fleetSecretName(k)}`, fleetValueOf(k));
    watch.onSeen((key, value) => {
      if (value === undefined || expected.get(key) !== value || this.#synced.has(key)) return;
      this.#synced.add(key);
      this.lastSyncedMs = performance.now();
    });
  }

  /** Starts the watch (stopped with `scope`) and resolves once it has listed. */
  static async start(scope: Scope, client: KubeClient, layout: FleetLayout): Promise<FleetProgress> {
    return new FleetProgress(await SecretWatch.start(scope, client), layout);
  }

  get synced(): number {
    return this.#synced.size;
  }

  get allSynced(): boolean {
    return this.#synced.size === this.#total;
  }

  /**
   * Resolves once every Secret holds its value, `timeoutMs` after `startMs` (performance.now()),
   * or once `signal` aborts (e.g. when the operator exited: nothing more will sync).
   */
  async waitForAll(startMs: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    while (!this.allSynced && !signal?.aborted && performance.now() - startMs < timeoutMs)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
