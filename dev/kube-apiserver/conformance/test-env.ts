import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../index.ts';
import { eventually } from './eventually.ts';
import { externalSecretCrd, esPath } from './fixtures.ts';
import { apiRequest, expectOk } from './http-helper.ts';
import { createKubectl, type Kubectl } from './kubectl-helper.ts';

/**
 * One emulator per `describe`: started on port 0 in `beforeAll`, with its kubeconfig in a
 * temporary directory and a kubectl runner bound to it, all removed in `afterAll`.
 */

export interface KubeEnvironment {
  readonly server: KubeApiServer;
  readonly kubectl: Kubectl;
}

export interface KubeEnvironmentOptions {
  /** Create the ExternalSecret CRD (by a raw POST) and wait until it is served. */
  externalSecretCrd?: boolean;
  /** Start the emulator with RBAC enforced (default false). */
  rbac?: boolean;
}

/** Registers the hooks; the returned object's properties are usable from `beforeAll` on. */
export function useKubeEnvironment(options: KubeEnvironmentOptions = {}): KubeEnvironment {
  let server: KubeApiServer | undefined;
  let kubectl: Kubectl | undefined;
  let directory: string | undefined;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'kvsync-conformance-'));
    server = await startKubeApiServer({
      port: 0,
      kubeconfigPath: join(directory, 'kubeconfig'),
      rbac: options.rbac ?? false,
    });
    kubectl = await createKubectl(server.kubeconfig);
    if (options.externalSecretCrd) await installExternalSecretCrd(server);
  });

  afterAll(async () => {
    await kubectl?.close();
    await server?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  return {
    get server() {
      if (!server) throw new Error('the emulator is not started yet (use it from beforeAll or a test)');
      return server;
    },
    get kubectl() {
      if (!kubectl) throw new Error('kubectl is not ready yet (use it from beforeAll or a test)');
      return kubectl;
    },
  };
}

/** Creates the ExternalSecret CRD and resolves once its resources answer. */
export async function installExternalSecretCrd(server: KubeApiServer): Promise<void> {
  const created = await apiRequest(server, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
    method: 'POST',
    body: externalSecretCrd(),
  });
  expectOk(created);
  await eventually(async () => {
    const list = await apiRequest(server, esPath('default'));
    expect(list.status, list.text).toBe(200);
  });
}
