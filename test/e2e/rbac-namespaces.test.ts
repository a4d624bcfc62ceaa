import { join } from 'node:path';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startDevKeyVault, type DevKeyVault } from '../../dev/keyvault/dev-emulator.ts';
import { startKubeApiServer, type KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import type { Kvsync } from '../../src/main.ts';
import { renderCommittedChart } from '../deploy/chart-render.ts';
import { serveMissingKinds } from '../deploy/emulator-kinds.ts';
import {
  deniedRequests,
  kubectlOf,
  OPERATOR_NAMESPACE,
  OPERATOR_USER,
  ROOT,
  startOperatorAsAccount,
  until,
  within,
  incidentVault,
  rotateAndAwaitRestart,
} from './rbac-support.ts';

/**
 * Namespaced mode with two watched namespaces: the chart rendered with `rbac.namespaced` and
 * `watchedNamespaces: [team-a, team-b]` (and the reloader) is applied to the RBAC-enforcing
 * emulator, so the operator's account has Roles in those two namespaces only, plus the small
 * ClusterRole for ClusterSecretStores. The operator, run with the Deployment's own flags, syncs
 * in both (one through a ClusterSecretStore), restarts a workload there, leaves an
 * ExternalSecret in a third namespace alone, and never asks for anything it was not given.
 */

const ES_API = 'external-secrets.io/v1';
const WATCHED = ['team-a', 'team-b'];
const OTHER = 'team-c';
let cluster: KubeApiServer;
let vault: DevKeyVault;
let admin: KubeClient;
let operator: Kvsync | undefined;
let secrets: SecretClient;
const logLines: string[] = [];
let kubectl: ReturnType<typeof kubectlOf>;

const store = (namespace: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: vault, namespace: ${namespace} }
spec:
  provider:
    azurekv:
      authType: ManagedIdentity
      vaultUrl: https://our-vault.vault.azure.net
      identityId: 6a5e1b5c-0000-4000-8000-00000000c1a5
`;

const externalSecret = (namespace: string, name: string, storeRef: string) => `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  refreshInterval: 1h
  secretStoreRef: { ${storeRef} }
  target: { name: ${name} }
  data:
    - secretKey: password
      remoteRef: { key: postgresql-password }
`;

const CLUSTER_STORE = `
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: shared }
spec:
  provider:
    azurekv:
      authType: ManagedIdentity
      vaultUrl: https://our-vault.vault.azure.net
      identityId: 6a5e1b5c-0000-4000-8000-00000000c1a5
`;

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: team-a
  annotations: { reloader.stakater.com/auto: 'true' }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0
          envFrom: [{ secretRef: { name: credentials } }]
`;

/** The chart for two watched namespaces: its documents, and the flags its Deployment gives kvsync. */
async function renderedChart(): Promise<{ yaml: string; args: string[] }> {
  const rendered = await renderCommittedChart({
    rbac: { namespaced: true },
    watchedNamespaces: WATCHED,
    reloader: { enabled: true },
  });
  const documents = [...rendered.values()].flat() as Array<{ kind: string; spec?: unknown }>;
  const deployment = documents.find((d) => d.kind === 'Deployment') as {
    spec: { template: { spec: { containers: Array<{ args: string[] }> } } };
  };
  // What decides the rights needed; addresses and logging stay the test's.
  const args = deployment.spec.template.spec.containers[0]!.args.filter((arg) =>
    /^--(namespace|reloader|leader-elect|leader-election-id)\b/.test(arg),
  );
  return { yaml: documents.map((document) => stringify(document)).join('---\n'), args };
}

beforeAll(async () => {
  cluster = await startKubeApiServer({ port: 0, rbac: true });
  kubectl = kubectlOf(cluster);
  vault = await startDevKeyVault({ vaults: ['our-vault'] });
  secrets = await incidentVault(vault);
  admin = createKubeClient({ kubeconfigPath: cluster.kubeconfig });
  serveMissingKinds(cluster);
  await kubectl(['apply', '--server-side', '-k', join(ROOT, 'deploy/kustomize/crds')]);
  for (const namespace of [OPERATOR_NAMESPACE, ...WATCHED, OTHER])
    await kubectl(['create', 'namespace', namespace]);
  const chart = await renderedChart();
  expect(chart.args).toContain('--namespace=team-a');
  expect(chart.args).toContain('--namespace=team-b');
  await kubectl(['apply', '--server-side', '-f', '-'], chart.yaml);
  await cluster.cluster.idle();
  const starting = startOperatorAsAccount(
    cluster,
    vault,
    [...chart.args, '--reloader-settle-period', '1s'],
    (line) => logLines.push(line),
  );
  operator = await within('the operator to start (every cache listed)', 30_000, starting).catch(
    (error: Error) => {
      void starting.then((late) => late.stop());
      const refused = deniedRequests(cluster.authorizations(OPERATOR_USER));
      throw new Error(`${error.message}; refused: ${refused.join('; ') || 'nothing'}`);
    },
  );
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await cluster?.close();
  await vault?.close();
});

async function reasonOf(namespace: string, name: string): Promise<string | undefined> {
  const es = await admin.get<{ status?: { conditions?: Array<{ reason?: string }> } }>({
    apiVersion: ES_API,
    kind: 'ExternalSecret',
    namespace,
    name,
  });
  return es?.status?.conditions?.[0]?.reason;
}

const synced = (namespace: string, name: string) =>
  until(`${namespace}/${name} to sync`, async () =>
    (await reasonOf(namespace, name)) === 'SecretSynced' ? true : undefined,
  );

describe('namespaced mode with two watched namespaces', () => {
  it('syncs and restarts in both, leaves a third alone, and needs no cluster-wide list of namespaced kinds', async () => {
    await until('the operator to lead', async () => (operator!.operator.isLeader() ? true : undefined));
    await kubectl(
      ['apply', '-f', '-'],
      [
        ...[...WATCHED, OTHER].map(store),
        ...[...WATCHED, OTHER].map((namespace) =>
          externalSecret(namespace, 'credentials', 'name: vault, kind: SecretStore'),
        ),
        CLUSTER_STORE,
        externalSecret('team-b', 'shared-credentials', 'name: shared, kind: ClusterSecretStore'),
        DEPLOYMENT,
      ].join('\n---\n'),
    );
    for (const namespace of WATCHED) await synced(namespace, 'credentials');
    await synced('team-b', 'shared-credentials');

    // The reloader watches team-a through its Role there: a rotation restarts the Deployment.
    await rotateAndAwaitRestart(kubectl, admin, secrets, {
      namespace: 'team-a',
      es: 'credentials',
      deployment: 'web',
    });

    // team-c: no status, no Secret, and not one request there from the operator.
    expect(await reasonOf(OTHER, 'credentials')).toBeUndefined();
    expect(
      await admin.get({ apiVersion: 'v1', kind: 'Secret', namespace: OTHER, name: 'credentials' }),
    ).toBeUndefined();
    const records = cluster.authorizations(OPERATOR_USER);
    expect(records.filter((r) => r.kind === 'resource' && r.namespace === OTHER)).toEqual([]);

    // Each watched namespace is listed and watched on its own; across the cluster, only what is cluster-scoped.
    const clusterWide = records.flatMap((r) =>
      r.kind === 'resource' && r.namespace === '' && (r.verb === 'list' || r.verb === 'watch')
        ? [`${r.verb} ${r.resource}`]
        : [],
    );
    expect([...new Set(clusterWide)].sort()).toEqual([
      'list clustersecretstores',
      'watch clustersecretstores',
    ]);
    for (const namespace of WATCHED)
      for (const resource of [
        'externalsecrets',
        'secretstores',
        'secrets',
        'pods',
        'configmaps',
        'deployments',
      ])
        expect(
          records.some(
            (r) =>
              r.kind === 'resource' &&
              r.verb === 'watch' &&
              r.resource === resource &&
              r.namespace === namespace,
          ),
          `watch ${resource} in ${namespace}`,
        ).toBe(true);
    expect(deniedRequests(records)).toEqual([]);
    expect(logLines.filter((line) => /forbidden|403/i.test(line))).toEqual([]);
  }, 120_000);
});
