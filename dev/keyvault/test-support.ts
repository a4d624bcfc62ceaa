import { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { startKeyVaultEmulator, type KeyVaultEmulator, type KeyVaultEmulatorOptions } from './server.ts';

/**
 * Helpers for the emulator's own tests: a credential that always hands out the same opaque
 * token (the permissive identity accepts it), and client options that trust the emulator CA.
 * Not shipped.
 */

/** A credential that returns `token` and counts its calls. */
export function staticCredential(token = 'x'): TokenCredential & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    getToken: async (scopes: string | string[]) => {
      calls.push(Array.isArray(scopes) ? scopes : [scopes]);
      return { token, expiresOnTimestamp: Date.now() + 3600e3 };
    },
  };
}

/** SDK client options trusting `emulator`'s CA, with a fast poller and no retries. */
export function clientOptions(emulator: KeyVaultEmulator): {
  agent: Agent;
  retryOptions: { maxRetries: number };
} {
  return { agent: new Agent({ ca: emulator.caPem, keepAlive: true }), retryOptions: { maxRetries: 0 } };
}

/** Starts an emulator for a test file; the caller closes it in `afterAll`. */
export function startTestEmulator(options: KeyVaultEmulatorOptions = {}): Promise<KeyVaultEmulator> {
  return startKeyVaultEmulator({ vaults: ['test-vault'], ...options });
}

/** Fast poller settings for the delete/recover pollers. */
export const FAST_POLL = { intervalInMs: 10 } as const;
