import { Agent } from 'node:https';
import { performance } from 'node:perf_hooks';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { startDevKeyVault } from '../dev/keyvault/dev-emulator.ts';
import type { Benchmark } from './run.ts';

/**
 * `keyvault-get`: getSecret calls per second through the real SDK and a real ClientSecretCredential
 * against the Key Vault emulator on loopback, checked against the emulator's own request counters.
 */

const GETS = 4000;
const CONCURRENCY = 16;
const SECRETS = 50;

const keyvaultGet: Benchmark = {
  name: 'keyvault-get',
  async run() {
    const emulator = await startDevKeyVault({ vaults: ['bench-vault'], open: true });
    try {
      const credential = new ClientSecretCredential(emulator.tenantId, 'bench-client', 'bench-secret', {
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: emulator.caPem },
      });
      const agent = new Agent({ ca: emulator.caPem, keepAlive: true, maxSockets: CONCURRENCY });
      const client = new SecretClient(emulator.vaults['bench-vault']!, credential, {
        agent,
        retryOptions: { maxRetries: 0 },
      });
      for (let i = 0; i < SECRETS; i++) await client.setSecret(`bench-${i}`, `value-${i}`);
      await client.getSecret('bench-0');
      emulator.controls.resetCounters();
      let next = 0;
      const start = performance.now();
      const worker = async () => {
        while (next < GETS) {
          const i = next++;
          await client.getSecret(`bench-${i % SECRETS}`);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const elapsedMs = performance.now() - start;
      agent.destroy();
      const counted = emulator.controls.counters().byOperation['getSecret'] ?? 0;
      if (counted !== GETS) throw new Error(`emulator counted ${counted} getSecret calls, expected ${GETS}`);
      return {
        gets: GETS,
        concurrency: CONCURRENCY,
        getsPerSecond: Math.round(GETS / (elapsedMs / 1000)),
        elapsedMs: Math.round(elapsedMs),
      };
    } finally {
      await emulator.close();
    }
  },
};

export const keyVaultBenchmarks: Benchmark[] = [keyvaultGet];
