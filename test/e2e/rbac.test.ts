import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../../dev/keyvault/dev-emulator.ts';
import { startKubeApiServer, type KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import type { Kvsync } from '../../src/main.ts';
import { serveMissingKinds } from '../deploy/emulator-kinds.ts';
import {
  incidentVault,
  kubectlOf,
  ROOT as root,
  rotateAndAwaitRestart,
  startOperatorAsAccount,
  until,
} from './rbac-support.ts';

/**
 * Least privilege, proven: the Kubernetes API emulator enforces RBAC, `deploy/` is applied as an
 * administrator would (`kubectl apply -k`), and the operator runs with its own
 * ServiceAccount's token — with the reloader component, so that its rights are checked too. The
 * incident then plays out as in the other suites; a missing permission fails it with a 403, and
 * the log shows none.
 */

let cluster: KubeApiServer;
let vault: DevKeyVault;
let admin: KubeClient;
let operator: Kvsync;
let secrets: SecretClient;
let dir: string;
const logLines: string[] = [];

let kubectl: ReturnType<typeof kubectlOf>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvsync-rbac-'));
  cluster = await startKubeApiServer({ port: 0, rbac: true });
  kubectl = kubectlOf(cluster);
  vault = await startDevKeyVault({ vaults: ['our-vault'] });
  secrets = await incidentVault(vault);
  admin = createKubeClient({ kubeconfigPath: cluster.kubeconfig });
  // The emulator lacks a few kinds the base uses (Service, PodDisruptionBudget): serve them.
  serveMissingKinds(cluster);
  await kubectl(['apply', '--server-side', '-k', join(root, 'deploy/kustomize/crds')]);
  await kubectl(['apply', '--server-side', '-k', join(root, 'deploy/kustomize/base')]);
  await kubectl([
    'apply',
    '--server-side',
    '-f',
    join(root, 'deploy/kustomize/components/reloader/rbac.yaml'),
  ]);
  await cluster.cluster.idle();
  operator = await startOperatorAsAccount(
    cluster,
    vault,
    ['--leader-election-id', 'kvsync-controller', '--reloader', '--reloader-settle-period', '1s'],
    (line) => logLines.push(line),
  );
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await cluster?.close();
  await vault?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the operator under the RBAC of deploy/', () => {
  it('syncs, writes status and events, leads, and restarts the workload, with no 403 anywhere', async () => {
    await until('the operator to lead', async () => (operator.operator.isLeader() ? true : undefined));
    await kubectl(['apply', '-f', join(root, 'examples/incident')]);
    const synced = await until('database-credentials to sync', async () => {
      const es = await admin.get<{ status?: { conditions?: { reason?: string }[] } }>({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        namespace: 'default',
        name: 'database-credentials',
      });
      return es?.status?.conditions?.[0]?.reason === 'SecretSynced' ? es : undefined;
    });
    expect(synced).toBeDefined();
    const secret = await admin.get<{ data: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'default',
      name: 'database-credentials',
    });
    expect(Buffer.from(secret!.data.password!, 'base64').toString() === 'first-password').toBe(true);
    expect(await kubectl(['get', 'events', '-n', 'default', '-o', 'name'])).toMatch(/event/);

    // A rotation forced through the annotation reaches the Secret, and the reloader restarts `app`.
    await rotateAndAwaitRestart(kubectl, admin, secrets, {
      namespace: 'default',
      es: 'database-credentials',
      deployment: 'app',
    });
    const forbidden = logLines.filter((line) => /forbidden|403/i.test(line));
    expect(forbidden).toEqual([]);
  }, 90_000);
});
