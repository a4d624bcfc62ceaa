import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSecretStore, Condition, SecretStore } from '../../api/index.ts';
import { KvsyncError } from '../../errors.ts';
import { FakeClock, Informer } from '../../runtime/index.ts';
import {
  FakeEventRecorder,
  FakeKube,
  FakeProvider,
  RecordingMetrics,
  makeClusterSecretStore,
  makeSecretStore,
  settle,
} from '../test-support.ts';
import { StoreReconciler, storeKey, storeRequeueMs } from './reconciler.ts';
import type { AnyStore, StoreKind } from './resolve.ts';

/* Store validation and its Ready condition (reference eso.md §4.2). */

const DEFAULT_REQUEUE_MS = 5 * 60_000;

async function setup(stores: AnyStore[], options: { controllerClass?: string } = {}) {
  const clock = new FakeClock();
  const kube = new FakeKube();
  for (const store of stores) kube.seed(store);
  const secretStores = new Informer<SecretStore>({ name: 'ss', clock, source: kube.source('SecretStore') });
  const clusterSecretStores = new Informer<ClusterSecretStore>({
    name: 'css',
    clock,
    source: kube.source('ClusterSecretStore'),
  });
  await Promise.all([secretStores.start(), clusterSecretStores.start()]);
  const provider = new FakeProvider();
  const connections: string[] = [];
  let connectError: Error | undefined;
  const events = new FakeEventRecorder();
  const metrics = new RecordingMetrics();
  const becameReady: string[] = [];
  const reconciler = new StoreReconciler({
    clock,
    kube,
    secretStores,
    clusterSecretStores,
    providers: {
      providerFor: async (kind, store, consumerNamespace) => {
        connections.push(`${kind} ${store.metadata.name} for '${consumerNamespace}'`);
        if (connectError) throw connectError;
        return provider;
      },
    },
    events,
    metrics,
    controllerClass: options.controllerClass ?? 'default',
    defaultRequeueMs: DEFAULT_REQUEUE_MS,
    onBecameReady: (kind: StoreKind, store: AnyStore) => becameReady.push(storeKey(kind, store)),
  });
  const informers = [secretStores, clusterSecretStores];
  return {
    clock,
    kube,
    provider,
    connections,
    events,
    metrics,
    becameReady,
    reconciler,
    failConnect: (error: Error | undefined) => (connectError = error),
    /** Reconciles `key` and lets the informers see the status written. */
    async reconcile(key: string) {
      const result = await reconciler.reconcile(key);
      await settle();
      return result;
    },
    ready(kind: StoreKind, namespace: string | undefined, name: string): Condition | undefined {
      const store = kube.object<AnyStore>(kind, namespace, name);
      return store?.status?.conditions?.find((condition) => condition.type === 'Ready');
    },
    stop: () => informers.forEach((informer) => informer.stop()),
  };
}

let current: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(() => current?.stop());

async function start(stores: AnyStore[], options: { controllerClass?: string } = {}) {
  current = await setup(stores, options);
  return current;
}

const KEY = 'SecretStore:default/vault';

describe('StoreReconciler', () => {
  it('validates a store, writes Ready=True Valid, records an event, tells onBecameReady and requeues', async () => {
    const t = await start([makeSecretStore('vault', 'default')]);
    const result = await t.reconcile(KEY);
    expect(t.provider.calls).toEqual(['validate']);
    expect(t.connections).toEqual(["SecretStore vault for 'default'"]);
    expect(t.kube.object<SecretStore>('SecretStore', 'default', 'vault')?.status).toEqual({
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Valid',
          message: 'store validated',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
      capabilities: 'ReadWrite',
    });
    expect(t.events.reasons()).toEqual(['Normal/Valid']);
    expect(t.events.events[0]?.object).toMatchObject({
      kind: 'SecretStore',
      namespace: 'default',
      name: 'vault',
    });
    expect(t.becameReady).toEqual([KEY]);
    expect(t.metrics.calls).toEqual(['storeCondition SecretStore default/vault true']);
    expect(result).toEqual({ requeueAfterMs: DEFAULT_REQUEUE_MS });
  });

  it('re-validates on every reconcile but writes status and events only on change', async () => {
    const t = await start([makeSecretStore('vault', 'default')]);
    await t.reconcile(KEY);
    await t.clock.advance(DEFAULT_REQUEUE_MS);
    await t.reconcile(KEY);
    expect(t.provider.calls).toEqual(['validate', 'validate']);
    expect(t.kube.writes('SecretStore')).toHaveLength(1);
    expect(t.events.events).toHaveLength(1);
    expect(t.becameReady).toHaveLength(1);
  });

  it('writes Ready=False InvalidProviderConfig with a Warning event when validation fails, once per message', async () => {
    const t = await start([makeSecretStore('vault', 'default')]);
    t.provider.validateError = new KvsyncError('ERR_PROVIDER_UNAUTHENTICATED', 'managed identity not found');
    await t.reconcile(KEY);
    expect(t.ready('SecretStore', 'default', 'vault')).toMatchObject({
      status: 'False',
      reason: 'InvalidProviderConfig',
      message: expect.stringContaining('managed identity not found'),
    });
    expect(t.events.reasons()).toEqual(['Warning/InvalidProviderConfig']);
    expect(t.becameReady).toEqual([]);
    expect(t.metrics.calls).toEqual(['storeCondition SecretStore default/vault false']);
    await t.reconcile(KEY);
    expect(t.events.events).toHaveLength(1);
    t.provider.validateError = new KvsyncError('ERR_PROVIDER_UNAUTHENTICATED', 'token expired');
    await t.reconcile(KEY);
    expect(t.events.reasons()).toEqual(['Warning/InvalidProviderConfig', 'Warning/InvalidProviderConfig']);
  });

  it('reports a provider that cannot be built as InvalidProviderConfig', async () => {
    const t = await start([makeSecretStore('vault', 'default')]);
    t.failConnect(new KvsyncError('ERR_INVALID_PROVIDER_CONFIG', 'tenantId is required'));
    await t.reconcile(KEY);
    expect(t.ready('SecretStore', 'default', 'vault')).toMatchObject({
      status: 'False',
      reason: 'InvalidProviderConfig',
      message: expect.stringContaining('tenantId is required'),
    });
  });

  it('keeps lastTransitionTime until Ready flips, and tells onBecameReady when it recovers', async () => {
    const t = await start([makeSecretStore('vault', 'default')]);
    t.provider.validateError = new Error('down');
    await t.reconcile(KEY);
    const failedAt = t.ready('SecretStore', 'default', 'vault')?.lastTransitionTime;
    await t.clock.advance(60_000);
    t.provider.validateError = new Error('still down');
    await t.reconcile(KEY);
    expect(t.ready('SecretStore', 'default', 'vault')?.lastTransitionTime).toBe(failedAt);
    await t.clock.advance(60_000);
    t.provider.validateError = undefined;
    await t.reconcile(KEY);
    expect(t.ready('SecretStore', 'default', 'vault')).toMatchObject({
      status: 'True',
      reason: 'Valid',
      lastTransitionTime: '2026-01-01T00:02:00Z',
    });
    expect(t.becameReady).toEqual([KEY]);
    expect(t.events.reasons()).toEqual([
      'Warning/InvalidProviderConfig',
      'Warning/InvalidProviderConfig',
      'Normal/Valid',
    ]);
  });

  it('reports a store that breaks the store rules as InvalidStoreConfiguration without building a provider', async () => {
    const store = makeSecretStore('vault', 'default');
    store.spec.provider.azurekv = {
      authType: 'ServicePrincipal',
      vaultUrl: 'https://our-vault.vault.azure.net',
      tenantId: 't',
      authSecretRef: { clientId: { name: 'sp', key: 'id', namespace: 'elsewhere' } },
    };
    const t = await start([store]);
    await t.reconcile(KEY);
    expect(t.ready('SecretStore', 'default', 'vault')).toMatchObject({
      status: 'False',
      reason: 'InvalidStoreConfiguration',
    });
    expect(t.connections).toEqual([]);
    expect(t.events.reasons()).toEqual(['Warning/InvalidStoreConfiguration']);
  });

  it('reports a provider other than azurekv as not supported (InvalidProviderConfig)', async () => {
    const store = makeSecretStore('vault', 'default');
    store.spec.provider = { aws: { service: 'SecretsManager', region: 'eu-west-1' } };
    const t = await start([store]);
    await t.reconcile(KEY);
    const ready = t.ready('SecretStore', 'default', 'vault');
    expect(ready).toMatchObject({ status: 'False', reason: 'InvalidProviderConfig' });
    expect(ready?.message).toContain('aws');
    expect(t.connections).toEqual([]);
  });

  it('shows a ClusterSecretStore with referent authentication as Ready with ValidationUnknown, unvalidated', async () => {
    const store = makeClusterSecretStore('shared');
    store.spec.provider.azurekv = {
      authType: 'WorkloadIdentity',
      vaultUrl: 'https://our-vault.vault.azure.net',
      serviceAccountRef: { name: 'workload' },
    };
    const t = await start([store]);
    await t.reconcile('ClusterSecretStore:shared');
    expect(t.ready('ClusterSecretStore', undefined, 'shared')).toMatchObject({
      status: 'True',
      reason: 'ValidationUnknown',
    });
    expect(t.connections).toEqual([]);
    expect(t.becameReady).toEqual(['ClusterSecretStore:shared']);
    expect(t.metrics.calls).toEqual(['storeCondition ClusterSecretStore shared true']);
  });

  it("validates a ClusterSecretStore whose credentials name their namespace, for no consumer's namespace", async () => {
    const t = await start([makeClusterSecretStore('shared')]);
    await t.reconcile('ClusterSecretStore:shared');
    expect(t.connections).toEqual(["ClusterSecretStore shared for ''"]);
    expect(t.ready('ClusterSecretStore', undefined, 'shared')).toMatchObject({
      status: 'True',
      reason: 'Valid',
    });
  });

  it('forgets the metrics of a store that no longer exists and does not requeue', async () => {
    const t = await start([]);
    expect(await t.reconcile(KEY)).toBeUndefined();
    expect(await t.reconcile('ClusterSecretStore:gone')).toBeUndefined();
    expect(t.metrics.calls).toEqual([
      'storeCondition SecretStore default/vault undefined',
      'storeCondition ClusterSecretStore gone undefined',
    ]);
  });

  it('leaves a store of another controller class alone', async () => {
    const t = await start([makeSecretStore('vault', 'default', { controller: 'other' })]);
    expect(await t.reconcile(KEY)).toBeUndefined();
    expect(t.connections).toEqual([]);
    expect(t.kube.writes()).toEqual([]);
  });

  it("requeues after the store's refreshInterval", async () => {
    const store = makeSecretStore('vault', 'default');
    store.spec.refreshInterval = '90s';
    const t = await start([store]);
    expect(await t.reconcile(KEY)).toEqual({ requeueAfterMs: 90_000 });
  });
});

describe('storeRequeueMs', () => {
  const withInterval = (refreshInterval: number | string | undefined): AnyStore => {
    const store = makeSecretStore('vault', 'default');
    if (refreshInterval !== undefined) store.spec.refreshInterval = refreshInterval;
    return store;
  };

  it.each<[number | string | undefined, number]>([
    [undefined, DEFAULT_REQUEUE_MS],
    [0, DEFAULT_REQUEUE_MS],
    ['', DEFAULT_REQUEUE_MS],
    ['0s', DEFAULT_REQUEUE_MS],
    [30, 30_000],
    ['45', 45_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
  ])('%j → %d ms', (interval, expected) => {
    expect(storeRequeueMs(withInterval(interval), DEFAULT_REQUEUE_MS)).toBe(expected);
  });
});
