import { join } from 'node:path';
import type { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevKeyVault, type DevKeyVault } from '../../dev/keyvault/dev-emulator.ts';
import { argoRolloutsCrd } from '../../dev/kube-apiserver/controllers/index.ts';
import { SERVICE_ACCOUNT_ISSUER } from '../../dev/kube-apiserver/http/tokens.ts';
import { startKubeApiServer, type KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import type { Kvsync } from '../../src/main.ts';
import { serveMissingKinds } from '../deploy/emulator-kinds.ts';
import {
  deniedRequests,
  grantsOfOperator,
  kubectlOf,
  kustomization,
  OPERATOR_USER,
  removeDirectory,
  ROOT,
  startOperatorAsAccount,
  unusedGrants,
  until,
  incidentVault,
} from './rbac-support.ts';

/**
 * No permission in excess: `deploy/` (the base with the reloader and sharding components) is
 * applied to the RBAC-enforcing emulator, the operator runs under its ServiceAccount through
 * every path that needs a right — sync through a workload-identity SecretStore (ServiceAccount
 * read, TokenRequest) and a ClusterSecretStore with a namespaceSelector (Namespace read), status
 * writes, the deletionPolicy finalizer and the deletion of a target, repeated events, shard and
 * member Leases, the Event Grid secret read through the API, and the reloader restarting a
 * Deployment, a StatefulSet, a DaemonSet and an Argo Rollout — and then every (group, resource,
 * verb) the applied Roles grant must appear among the requests the emulator authorized for it.
 */

/** Granted but not exercisable here, with the reason; each entry is `role: group resource verb`. */
const NOT_EXERCISED: Record<string, string> = {};

const ES_API = 'external-secrets.io/v1';
let cluster: KubeApiServer;
let vault: DevKeyVault;
let admin: KubeClient;
let operator: Kvsync | undefined;
let secrets: SecretClient;
let applied: string | undefined;
const logLines: string[] = [];
let kubectl: ReturnType<typeof kubectlOf>;

const STORES = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: { name: workload-identity, namespace: default }
spec:
  provider:
    azurekv:
      authType: WorkloadIdentity
      vaultUrl: https://our-vault.vault.azure.net
      serviceAccountRef: { name: app-identity }
---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: { name: shared }
spec:
  conditions:
    - namespaceSelector: { matchLabels: { kvsync-test/shared-store: 'yes' } }
  provider:
    azurekv:
      authType: ManagedIdentity
      vaultUrl: https://our-vault.vault.azure.net
      identityId: 6a5e1b5c-0000-4000-8000-00000000c1a5
`;

const externalSecret = (namespace: string, name: string, store: string, key: string, extra = '') => `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  refreshInterval: 1h
  secretStoreRef: { name: ${store}, kind: ${store === 'shared' ? 'ClusterSecretStore' : 'SecretStore'} }
  target: { name: ${name}${extra} }
  data:
    - secretKey: password
      remoteRef: { key: ${key} }
`;

/** A workload of `kind` reading database-credentials, under the Reloader annotation. */
const workload = (apiVersion: string, kind: string, name: string) => `
apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: ${name}
  namespace: default
  annotations: { reloader.stakater.com/auto: 'true' }
spec:
  ${kind === 'DaemonSet' ? '' : 'replicas: 1'}
  ${kind === 'StatefulSet' ? `serviceName: ${name}` : ''}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.example.com/app:1.0
          envFrom: [{ secretRef: { name: database-credentials } }]
`;

const WORKLOADS: ReadonlyArray<[apiVersion: string, kind: string, name: string]> = [
  ['apps/v1', 'Deployment', 'web'],
  ['apps/v1', 'StatefulSet', 'db'],
  ['apps/v1', 'DaemonSet', 'agent'],
  ['argoproj.io/v1alpha1', 'Rollout', 'canary'],
];

beforeAll(async () => {
  // With OpenShift's owner-reference admission check, as the finalizers rule is there for it.
  cluster = await startKubeApiServer({ port: 0, rbac: true, ownerReferencesPermissionEnforcement: true });
  kubectl = kubectlOf(cluster);
  vault = await startDevKeyVault({ vaults: ['our-vault'] });
  // Workload identity: the vault accepts this cluster's ServiceAccount tokens as assertions. It
  // reads the keys anonymously, which a cluster allows through this binding (upstream's advice).
  await kubectl([
    'create',
    'clusterrolebinding',
    'issuer-discovery',
    '--clusterrole=system:service-account-issuer-discovery',
    '--group=system:unauthenticated',
  ]);
  await vault.trustIssuer({
    issuer: SERVICE_ACCOUNT_ISSUER,
    jwksUrl: `${cluster.url}/openid/v1/jwks`,
    ca: cluster.caPem,
  });
  secrets = await incidentVault(vault);
  await secrets.setSecret('team-token', 'team-value');
  admin = createKubeClient({ kubeconfigPath: cluster.kubeconfig });
  serveMissingKinds(cluster);
  await kubectl(['apply', '--server-side', '-k', join(ROOT, 'deploy/kustomize/crds')]);
  await kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify(argoRolloutsCrd()));
  applied = await kustomization({
    resources: ['base'],
    components: ['components/reloader', 'components/sharding'],
  });
  await kubectl(['apply', '--server-side', '-k', applied]);
  await kubectl(
    ['apply', '-f', '-'],
    `
apiVersion: v1
kind: Namespace
metadata: { name: team-a, labels: { kvsync-test/shared-store: 'yes' } }
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-identity
  namespace: default
  annotations:
    azure.workload.identity/client-id: 0d4c1f52-0000-4000-8000-0000000000a1
    azure.workload.identity/tenant-id: ${vault.tenantId}
`,
  );
  await kubectl([
    'create',
    'secret',
    'generic',
    'kvsync-eventgrid',
    '-n',
    'kvsync-system',
    '--from-literal=shared-secret=not-a-real-secret',
  ]);
  await cluster.cluster.idle();
  operator = await startOperatorAsAccount(
    cluster,
    vault,
    [
      '--leader-election-id',
      'kvsync-controller',
      '--shards',
      '2',
      // Short leases, so that renewals (update of the shard Leases, patch of the member Lease) come soon.
      '--leader-election-lease-duration',
      '4s',
      '--leader-election-renew-deadline',
      '3s',
      '--leader-election-retry-period',
      '1s',
      '--event-grid-secret-ref',
      'kvsync-system/kvsync-eventgrid/shared-secret',
      '--reloader',
      '--reloader-settle-period',
      '1s',
      '--max-concurrent-rollouts',
      '4',
    ],
    (line) => logLines.push(line),
  );
}, 120_000);

afterAll(async () => {
  await operator?.stop();
  await cluster?.close();
  await vault?.close();
  await removeDirectory(applied);
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

/** True once the workload's restart is visible: kvsync's annotation on its pod template, or Argo's restartAt. */
async function restarted(apiVersion: string, kind: string, name: string): Promise<boolean> {
  const object = await admin.get<{
    spec: { restartAt?: string; template: { metadata?: { annotations?: Record<string, string> } } };
  }>({ apiVersion, kind, namespace: 'default', name });
  const annotations = Object.keys(object?.spec.template.metadata?.annotations ?? {});
  return object?.spec.restartAt !== undefined || annotations.some((key) => key.startsWith('kvsync.io/'));
}

describe('the RBAC of deploy/ grants nothing the operator does not use', () => {
  it('every granted verb is used over a run through every path, and nothing is refused', async () => {
    await until('both shards to be owned', async () =>
      operator!.operator.ownership().shards?.length === 2 ? true : undefined,
    );
    await kubectl(
      ['apply', '-f', '-'],
      [
        STORES,
        externalSecret(
          'default',
          'database-credentials',
          'workload-identity',
          'postgresql-password',
          ', deletionPolicy: Delete',
        ),
        externalSecret('team-a', 'team-credentials', 'shared', 'team-token'),
        // A missing key fails again and again: the repeated Warning is patched, not created anew.
        externalSecret('default', 'broken', 'workload-identity', 'no-such-secret'),
        ...WORKLOADS.map(([apiVersion, kind, name]) => workload(apiVersion, kind, name)),
      ].join('\n---\n'),
    );
    await until('database-credentials to sync', async () =>
      (await reasonOf('default', 'database-credentials')) === 'SecretSynced' ? true : undefined,
    );
    await until('team-credentials to sync through the ClusterSecretStore', async () =>
      (await reasonOf('team-a', 'team-credentials')) === 'SecretSynced' ? true : undefined,
    );
    await until('a repeated Warning about broken', async () => {
      const events = await admin.list<{ count?: number; involvedObject: { name: string } }>({
        apiVersion: 'v1',
        kind: 'Event',
        namespace: 'default',
      });
      return events.some((e) => e.involvedObject.name === 'broken' && (e.count ?? 1) > 1) ? true : undefined;
    });

    // A rotation reaches the Secret (replace), and the reloader restarts every kind of workload.
    await secrets.setSecret('postgresql-password', 'second-password');
    await kubectl(['annotate', 'es', 'database-credentials', `force-sync=${Date.now()}`, '--overwrite']);
    for (const [apiVersion, kind, name] of WORKLOADS)
      await until(`the restart of ${kind} ${name}`, async () =>
        (await restarted(apiVersion, kind, name)) ? true : undefined,
      );

    // deletionPolicy Delete: deleting the ExternalSecret deletes its Secret, then the finalizer goes.
    await kubectl(['delete', 'es', 'database-credentials', '--wait=true', '--timeout=30s']);
    expect(
      await admin.get({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'default',
        name: 'database-credentials',
      }),
    ).toBeUndefined();

    // Work in the background: shard Leases renewed (update), and the reloader's stale-pod report,
    // which marks the Secret (patch) and then looks up the ExternalSecret writing it (get).
    await until('a shard Lease to be renewed', async () => {
      const lease = await admin.get<{ spec?: { acquireTime?: string; renewTime?: string } }>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: 'kvsync-system',
        name: 'kvsync-controller-shard-0',
      });
      return lease?.spec?.renewTime && lease.spec.renewTime !== lease.spec.acquireTime ? true : undefined;
    });
    await until('the reloader to look up the writer of team-credentials', async () =>
      cluster
        .authorizations(OPERATOR_USER)
        .some(
          (r) =>
            r.kind === 'resource' &&
            r.verb === 'get' &&
            r.resource === 'externalsecrets' &&
            r.namespace === 'team-a',
        )
        ? true
        : undefined,
    );

    // A clean stop deletes the member Lease.
    await operator!.stop();
    operator = undefined;

    const records = cluster.authorizations(OPERATOR_USER);
    expect(deniedRequests(records)).toEqual([]);
    const grants = await grantsOfOperator(admin);
    expect(grants.length).toBeGreaterThan(0);
    expect(grants.filter((g) => [g.apiGroup, g.resource, g.verb].includes('*'))).toEqual([]);
    const unused = unusedGrants(grants, records).filter((grant) => !(grant in NOT_EXERCISED));
    expect(unused).toEqual([]);
    expect(logLines.filter((line) => /forbidden|403/i.test(line))).toEqual([]);
  }, 180_000);
});
