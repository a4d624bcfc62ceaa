import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestControls, startAdminServer, type TestControls } from './admin/index.ts';
import {
  createIdentityService,
  type EmulatedIdentityService,
  type IdentitySnapshot,
} from './identity/index.ts';
import { startKeyVaultEmulator, type KeyVaultEmulator } from './server.ts';

/**
 * The emulator with all its parts, as `kvsync-dev keyvault` runs it: the data plane, the real
 * identity service (tokens, IMDS, authority, RBAC/access policies) and the admin API (faults,
 * counters, clock, Event Grid). The identity state (principals, signing key) is kept in `dir`.
 */

export interface DevKeyVaultOptions {
  vaults?: string[];
  port?: number;
  dir?: string;
  /** Open mode: any identity may do anything. Default true. */
  open?: boolean;
}

export interface DevKeyVault extends KeyVaultEmulator {
  adminUrl: string;
  controls: TestControls;
}

const IDENTITY_FILE = 'identity.json';

function readIdentitySnapshot(dir: string | undefined): IdentitySnapshot | undefined {
  if (!dir) return undefined;
  try {
    return JSON.parse(readFileSync(join(dir, IDENTITY_FILE), 'utf8')) as IdentitySnapshot;
  } catch {
    return undefined;
  }
}

/** Starts the composed emulator; `close()` stops every part and saves the identity state. */
export async function startDevKeyVault(options: DevKeyVaultOptions = {}): Promise<DevKeyVault> {
  const controls = createTestControls();
  const admin = await startAdminServer(controls);
  let identity: EmulatedIdentityService | undefined;
  const snapshot = readIdentitySnapshot(options.dir);
  try {
    const emulator = await startKeyVaultEmulator({
      ...options,
      hooks: controls.hooks,
      clock: controls.clock,
      adminUrl: admin.url,
      identity: (endpoints) =>
        (identity = createIdentityService({
          authorityHost: endpoints.authorityHost,
          open: options.open ?? true,
          ...(snapshot ? { snapshot } : {}),
        })),
    });
    return {
      ...emulator,
      adminUrl: admin.url,
      controls,
      close: async () => {
        if (options.dir && identity)
          writeFileSync(join(options.dir, IDENTITY_FILE), JSON.stringify(identity.snapshot()), {
            mode: 0o600,
          });
        await emulator.close();
        await admin.close();
        controls.close();
      },
    };
  } catch (error) {
    await admin.close();
    controls.close();
    throw error;
  }
}
