import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../dev/kube-apiserver/index.ts';
import { createKubeClient, type KubeClient } from '../../../src/kube/index.ts';
import { createExternalSecretStatusHooks, type ExternalSecretHooks } from '../../../src/reloader/index.ts';
import type { Obj } from './fixtures.ts';

/**
 * The API-backed ExternalSecret hooks against the emulator. The CRD here keeps unknown status
 * fields; kvsync's own CRD must declare `rejectedVersions` and `stalePods` for them to be kept.
 */

const ES = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' };
const NS = 'default';

let server: KubeApiServer;
let kube: KubeClient;
let hooks: ExternalSecretHooks;

beforeAll(async () => {
  server = await startKubeApiServer({ controllers: false });
  kube = createKubeClient({ kubeconfigPath: server.kubeconfig });
  hooks = createExternalSecretStatusHooks(kube);
  await kube.create({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'externalsecrets.external-secrets.io' },
    spec: {
      group: 'external-secrets.io',
      names: {
        kind: 'ExternalSecret',
        plural: 'externalsecrets',
        singular: 'externalsecret',
        listKind: 'ExternalSecretList',
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  });
});
afterAll(() => server?.close());

async function externalSecret(name: string, target: string | undefined, version: string): Promise<Obj> {
  const es = await kube.create<Obj>({
    ...ES,
    metadata: { name, namespace: NS },
    spec: target ? { target: { name: target } } : {},
  });
  await kube.patchStatus(
    { ...ES, namespace: NS, name },
    {
      status: { syncedVersions: [{ key: `kv-${name}`, version, secretKey: 'password' }] },
    },
  );
  return es;
}

const statusOf = async (name: string) => (await kube.get<Obj>({ ...ES, namespace: NS, name }))!;

describe('createExternalSecretStatusHooks', () => {
  it('finds the writer of a Secret by owner reference, else by target name, with its versions', async () => {
    const owner = await externalSecret('db-es', 'db', 'v1');
    await kube.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: NS,
        ownerReferences: [{ ...ES, name: 'db-es', uid: owner.metadata.uid, controller: true }],
      },
    });
    await externalSecret('cache', undefined, 'v7');
    await kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cache', namespace: NS } });
    expect(await hooks.writerOf(NS, 'db')).toEqual({
      ref: { apiVersion: ES.apiVersion, namespace: NS, name: 'db-es', uid: owner.metadata.uid },
      versions: [{ key: 'kv-db-es', version: 'v1', secretKey: 'password' }],
    });
    expect((await hooks.writerOf(NS, 'cache'))?.ref.name).toBe('cache');
    expect(await hooks.writerOf(NS, 'nobody-writes-this')).toBeUndefined();
  });

  it('keeps rejectedVersions per workload, idempotently', async () => {
    await externalSecret('api', undefined, 'v2');
    const ref = { apiVersion: ES.apiVersion, namespace: NS, name: 'api' };
    const rejection = {
      key: 'kv-api',
      version: 'v2',
      workload: 'Deployment/web',
      rejectedAt: '2026-01-01T00:00:00.000Z',
      reason: 'r',
    };
    await hooks.syncRejections(ref, 'Deployment/web', [rejection]);
    const written = await statusOf('api');
    expect(written.status?.['rejectedVersions']).toEqual([rejection]);
    await hooks.syncRejections(ref, 'Deployment/web', [rejection]);
    expect((await statusOf('api')).metadata.resourceVersion).toBe(written.metadata.resourceVersion);
    await hooks.syncRejections(ref, 'StatefulSet/db', [{ ...rejection, workload: 'StatefulSet/db' }]);
    await hooks.syncRejections(ref, 'Deployment/web', []);
    expect((await statusOf('api')).status?.['rejectedVersions']).toEqual([
      { ...rejection, workload: 'StatefulSet/db' },
    ]);
    await hooks.syncRejections(ref, 'StatefulSet/db', []);
    expect((await statusOf('api')).status?.['rejectedVersions']).toBeUndefined();
    expect((await statusOf('api')).status?.['syncedVersions']).toHaveLength(1);
  });

  it('shows stale pods as counts and workload names, and clears them', async () => {
    await externalSecret('web', undefined, 'v3');
    const ref = { apiVersion: ES.apiVersion, namespace: NS, name: 'web' };
    const report = {
      secret: 'web',
      count: 2,
      workloads: ['Deployment/a', 'Deployment/b'],
      dataChangedAt: '2026-01-01T00:00:00Z',
    };
    await hooks.reportStalePods(ref, report);
    const written = await statusOf('web');
    expect(written.status?.['stalePods']).toEqual({
      count: 2,
      workloads: ['Deployment/a', 'Deployment/b'],
      dataChangedAt: '2026-01-01T00:00:00Z',
    });
    await hooks.reportStalePods(ref, report);
    expect((await statusOf('web')).metadata.resourceVersion).toBe(written.metadata.resourceVersion);
    await hooks.reportStalePods(ref, { ...report, count: 0, workloads: [] });
    expect((await statusOf('web')).status?.['stalePods']).toBeUndefined();
  });
});
