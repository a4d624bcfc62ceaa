import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../../dev/keyvault/dev-emulator.ts';
import { startKubeApiServer, type KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import { parseOperatorConfig } from '../../src/config/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { startKvsync, type Kvsync } from '../../src/main.ts';
import { serveMissingKinds } from '../deploy/emulator-kinds.ts';

/**
 * Least privilege, proven: the Kubernetes API emulator enforces RBAC, `deploy/` is applied as an
 * administrator would (`kubectl apply -k`), and the operator runs with its own
 * ServiceAccount's token — with the reloader component, so that its rights are checked too. The
 * incident then plays out as in the other suites; a missing permission fails it with a 403, and
 * the log shows none.
 */

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
let cluster: KubeApiServer;
let vault: DevKeyVault;
let admin: KubeClient;
let operator: Kvsync;
let secrets: SecretClient;
let dir: string;
const logLines: string[] = [];

async function kubectl(args: string[], input?: string): Promise<string> {
  const child = run('kubectl', ['--kubeconfig', cluster.kubeconfig, ...args], { maxBuffer: 16 << 20 });
  if (input !== undefined) child.child.stdin!.end(input);
  return (await child).stdout;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvsync-rbac-'));
  cluster = await startKubeApiServer({ port: 0, rbac: true });
  vault = await startDevKeyVault({ vaults: ['our-vault'] });
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = vault.imdsEndpoint;
  secrets = new SecretClient(vault.vaults['our-vault']!, new ManagedIdentityCredential(), {
    agent: new Agent({ ca: vault.caPem, keepAlive: true }),
  });
  await secrets.setSecret('postgresql-password', 'first-password');
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
  const kubeconfig = await cluster.kubeconfigFor('kvsync-system', 'kvsync');
  const config = parseOperatorConfig(
    [
      '--kubeconfig',
      kubeconfig,
      '--http-addr',
      '127.0.0.1:0',
      '--dashboard-addr',
      '',
      '--leader-election-namespace',
      'kvsync-system',
      '--leader-election-id',
      'kvsync-controller',
      '--reloader',
      '--reloader-settle-period',
      '1s',
      '--azure-ca-file',
      vault.caFile,
      '--azure-authority-host',
      vault.authorityHost,
      '--azure-vault-endpoint',
      `127.0.0.1:${new URL(vault.hostUrl).port}`,
    ],
    {},
  );
  operator = await startKvsync(config, { writeLog: (line) => logLines.push(line) });
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
    await secrets.setSecret('postgresql-password', 'second-password');
    await kubectl([
      'annotate',
      'es',
      'database-credentials',
      '-n',
      'default',
      `force-sync=${Date.now()}`,
      '--overwrite',
    ]);
    await until('the restart of app', async () => {
      const deployment = await admin.get<{
        spec: { template: { metadata?: { annotations?: Record<string, string> } } };
      }>({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'default',
        name: 'app',
      });
      return Object.keys(deployment?.spec.template.metadata?.annotations ?? {}).some((key) =>
        key.startsWith('kvsync.io/'),
      )
        ? true
        : undefined;
    });
    const forbidden = logLines.filter((line) => /forbidden|403/i.test(line));
    expect(forbidden).toEqual([]);
  }, 90_000);
});
