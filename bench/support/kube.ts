import { join } from 'node:path';
import { applyFolder } from '../../dev/sandbox/sandbox.ts';
import { createKubeClient, type KubeClient, type ListScope } from '../../src/kube/index.ts';
import { Informer, systemClock } from '../../src/runtime/index.ts';
import { BenchClient } from '../https-client.ts';
import { ROOT, startDevServer, type Child } from './child-process.ts';
import type { Scope } from './scope.ts';

/**
 * The Kubernetes API emulator in its own process, with the CRDs applied, a kvsync client (for
 * informers) and a keep-alive HTTPS client for creating thousands of objects fast.
 */

export interface KubeEmulator {
  child: Child;
  url: string;
  kubeconfig: string;
  client: KubeClient;
  /** Keep-alive client with the admin token, for bulk creates. */
  bulk: BenchClient;
}

const BULK_SOCKETS = 16;

export async function startKubeEmulator(scope: Scope, dir: string): Promise<KubeEmulator> {
  const kubeconfig = join(dir, 'kubeconfig');
  const { child, ready } = await startDevServer<{ url: string }>(scope, [
    'kube-apiserver',
    '--port',
    '0',
    '--kubeconfig',
    kubeconfig,
  ]);
  const client = createKubeClient({ kubeconfigPath: kubeconfig });
  const caPem = Buffer.from(client.kubeConfig.getCurrentCluster()!.caData!, 'base64').toString('utf8');
  const bulk = new BenchClient(ready.url, caPem, client.kubeConfig.getCurrentUser()!.token!, BULK_SOCKETS);
  scope.defer(() => bulk.close());
  await applyFolder(client, join(ROOT, 'deploy/crds'));
  return { child, url: ready.url, kubeconfig, client, bulk };
}

interface ObjectLike {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const PLURALS: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  SecretStore: { plural: 'secretstores', namespaced: true },
  ClusterSecretStore: { plural: 'clustersecretstores', namespaced: false },
  ExternalSecret: { plural: 'externalsecrets', namespaced: true },
};

function collectionPathOf(object: ObjectLike): string {
  const info = PLURALS[object.kind];
  if (!info) throw new Error(`bench cannot create ${object.kind}`);
  const base = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  return info.namespaced
    ? `${base}/namespaces/${object.metadata.namespace}/${info.plural}`
    : `${base}/${info.plural}`;
}

/** Creates every object, `concurrency` at a time; throws on the first answer other than 201. */
export async function createObjects(
  bulk: BenchClient,
  objects: ObjectLike[],
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      const object = objects[next++]!;
      const { status, text } = await bulk.send('POST', collectionPathOf(object), object);
      if (status !== 201)
        throw new Error(`create ${object.kind} ${object.metadata.name}: ${status} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export function namespace(name: string): ObjectLike {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

/** A store reading `https://<vault>.vault.azure.net` with the (emulated) managed identity, as the incident's. */
export function store(kind: StoreKind, name: string, vault: string, namespaceName?: string): ObjectLike {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind,
    metadata: { name, ...(kind === 'SecretStore' ? { namespace: namespaceName } : {}) },
    spec: {
      provider: { azurekv: { authType: 'ManagedIdentity', vaultUrl: `https://${vault}.vault.azure.net` } },
    },
  } as ObjectLike;
}

export interface ExternalSecretSpec {
  namespace: string;
  name: string;
  storeKind: StoreKind;
  storeName: string;
  remoteKey: string;
  refreshInterval: string;
}

/** An ExternalSecret with one data entry (`value` ← `remoteKey`); its target Secret has its name. */
export function externalSecret(spec: ExternalSecretSpec): ObjectLike {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: spec.name, namespace: spec.namespace },
    spec: {
      refreshInterval: spec.refreshInterval,
      secretStoreRef: { kind: spec.storeKind, name: spec.storeName },
      target: { name: spec.name },
      data: [{ secretKey: 'value', remoteRef: { key: spec.remoteKey } }],
    },
  } as ObjectLike;
}

/** A started informer over `scope`, stopped with the bench scope. */
export async function startInformer<T>(
  scope: Scope,
  client: KubeClient,
  name: string,
  listScope: ListScope,
  onStart?: (informer: Informer<T>) => void,
): Promise<Informer<T>> {
  const informer = new Informer<T>({
    name,
    clock: systemClock,
    source: client.listWatchSource<T>(listScope),
  });
  onStart?.(informer);
  scope.defer(() => informer.stop());
  await informer.start();
  return informer;
}
