import {
  createTestControls,
  startAdminServer,
  type EventGridOptions,
  type ExtraRoutes,
  type TestControls,
} from './admin/index.ts';
import { createIdentityService, type EmulatedIdentityService } from './identity/index.ts';
import {
  createIdentityAdmin,
  identityAdminRoutes,
  JwksUrlIssuers,
  readIdentityFile,
  writeIdentityFile,
  type IdentityAdmin,
} from './identity-admin/index.ts';
import { startKeyVaultEmulator, type KeyVaultEmulator } from './server.ts';

/**
 * The emulator with all its parts, as `kvsync-dev keyvault` and the sandbox run it: the data
 * plane, the real identity service (tokens, IMDS, authority, RBAC/access policies) and the admin
 * API (faults, counters, clock, Event Grid, principals and grants). The identity state
 * (principals, grants, trusted issuers, signing key) is kept in `dir/identity.json`.
 */

export interface DevKeyVaultOptions {
  vaults?: string[];
  port?: number;
  dir?: string;
  /** Open mode: any identity may do anything. Default true. */
  open?: boolean;
  /** Event Grid publisher options, e.g. `{ retryScale: 0.001 }` to run the retry schedule in milliseconds. */
  eventGrid?: EventGridOptions;
}

/**
 * A running composed emulator. Besides the endpoints, it carries the functions that manage
 * principals and grants (`addServicePrincipal`, `grantRole`, `trustIssuer`, …; the admin API's
 * `/principals`, `/vaults/…`, `/issuers`, `/open-mode` call the same ones).
 */
export interface DevKeyVault extends KeyVaultEmulator, IdentityAdmin {
  adminUrl: string;
  controls: TestControls;
  identity: EmulatedIdentityService;
}

/** Starts the composed emulator; `close()` stops every part and saves the identity state. */
export async function startDevKeyVault(options: DevKeyVaultOptions = {}): Promise<DevKeyVault> {
  const controls = createTestControls(options.eventGrid ? { eventGrid: options.eventGrid } : {});
  // The admin server starts first (the emulator reports its URL); its identity routes exist
  // only once the identity service does.
  let identityRoutes: ExtraRoutes | undefined;
  const admin = await startAdminServer(controls, {
    extraRoutes: (request, response, url) =>
      identityRoutes ? identityRoutes(request, response, url) : Promise.resolve(false),
  });
  const saved = readIdentityFile(options.dir);
  const urlIssuers = new JwksUrlIssuers();
  for (const entry of saved?.jwksUrlIssuers ?? []) urlIssuers.set(entry);
  let identity: EmulatedIdentityService | undefined;
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
          fetchJwks: urlIssuers.resolve,
          ...(saved ? { snapshot: saved.snapshot } : {}),
        })),
    });
    const service = identity!;
    const identityAdmin = createIdentityAdmin({
      identity: service,
      urlIssuers,
      vaultExists: (vault) => emulator.store.vault(vault) !== undefined,
    });
    identityRoutes = identityAdminRoutes(identityAdmin);
    let closing: Promise<void> | undefined;
    const closeAll = async () => {
      if (options.dir)
        writeIdentityFile(options.dir, { snapshot: service.snapshot(), jwksUrlIssuers: urlIssuers.list() });
      await emulator.close();
      await admin.close();
      controls.close();
    };
    return {
      ...emulator,
      ...identityAdmin,
      adminUrl: admin.url,
      controls,
      identity: service,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await admin.close();
    controls.close();
    throw error;
  }
}
