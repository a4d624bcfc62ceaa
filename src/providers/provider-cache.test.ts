import { describe, expect, it } from 'vitest';
import type { SecretsProvider } from './provider.ts';
import { createProviderCache } from './provider-cache.ts';
import { createProviderRegistry, type ProviderConnector, type StoreConfig } from './registry.ts';
import { createFakeKube } from './test-support.ts';

interface Config {
  store: string;
  consumer: string;
  version: string;
}

interface Built extends SecretsProvider {
  id: number;
  closed: boolean;
}

function setup(options: { failFirst?: boolean } = {}) {
  let builds = 0;
  let closedShared = false;
  const cache = createProviderCache<Config>({
    storeOf: (config) => config.store,
    slotOf: (config) => `${config.store}@${config.consumer}`,
    fingerprint: async (config) => config.version,
    build: async () => {
      const id = ++builds;
      if (options.failFirst && id === 1) throw new Error('build failed');
      const provider: Built = {
        id,
        closed: false,
        getSecret: () => Promise.reject(new Error('unused')),
        getSecretMap: () => Promise.reject(new Error('unused')),
        validate: async () => undefined,
        close() {
          provider.closed = true;
        },
      };
      return provider;
    },
    onClose: () => {
      closedShared = true;
    },
  });
  return { cache, builds: () => builds, closedShared: () => closedShared };
}

const kube = createFakeKube();
const config = (version = 'v1', consumer = 'apps'): Config => ({
  store: 'SecretStore/apps/azure',
  consumer,
  version,
});

describe('createProviderCache', () => {
  it('shares one build between concurrent callers and reuses it while the fingerprint holds', async () => {
    const { cache, builds } = setup();
    const [a, b] = await Promise.all([cache.get(config(), kube), cache.get(config(), kube)]);
    expect(a).toBe(b);
    expect(await cache.get(config(), kube)).toBe(a);
    expect(builds()).toBe(1);
  });

  it('rebuilds on a new fingerprint and closes the replaced provider', async () => {
    const { cache } = setup();
    const first = (await cache.get(config('v1'), kube)) as Built;
    const second = (await cache.get(config('v2'), kube)) as Built;
    expect(second.id).toBe(2);
    await Promise.resolve();
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(false);
  });

  it('does not cache a failed build', async () => {
    const { cache, builds } = setup({ failFirst: true });
    await expect(cache.get(config(), kube)).rejects.toThrow('build failed');
    expect(cache.size).toBe(0);
    expect(((await cache.get(config(), kube)) as Built).id).toBe(2);
    expect(builds()).toBe(2);
  });

  it('forgets every slot of a store, and closes everything with the shared resources', async () => {
    const { cache, closedShared } = setup();
    const a = (await cache.get(config('v1', 'apps'), kube)) as Built;
    const b = (await cache.get(config('v1', 'team-b'), kube)) as Built;
    expect(cache.size).toBe(2);
    cache.forget(config('v1', 'apps'));
    expect(cache.size).toBe(0);
    await Promise.resolve();
    expect(a.closed && b.closed).toBe(true);
    const c = (await cache.get(config(), kube)) as Built;
    cache.close();
    await Promise.resolve();
    expect(c.closed).toBe(true);
    expect(closedShared()).toBe(true);
    await expect(cache.get(config(), kube)).rejects.toThrow(/closed/);
  });
});

describe('createProviderRegistry', () => {
  function connector(key: string, log: string[]): ProviderConnector {
    return {
      providerKey: key,
      providerName: key,
      connect: async (store: StoreConfig<unknown>) => {
        log.push(`connect ${key} ${JSON.stringify(store.spec)}`);
        return {} as SecretsProvider;
      },
      isReferent: () => false,
      forget: () => undefined,
      close: () => log.push(`close ${key}`),
    };
  }
  const store = (spec: unknown): StoreConfig<unknown> => ({
    storeKind: 'SecretStore',
    storeName: 's',
    storeNamespace: 'apps',
    consumerNamespace: 'apps',
    spec,
  });

  it('hands the spec under the one provider key to its connector', async () => {
    const log: string[] = [];
    const registry = createProviderRegistry([connector('azurekv', log), connector('fake', log)]);
    await registry.connect(store({ azurekv: { vaultUrl: 'x' } }), kube);
    expect(log).toEqual(['connect azurekv {"vaultUrl":"x"}']);
    expect(registry.keys()).toEqual(['azurekv', 'fake']);
    registry.close();
    registry.close();
    expect(log.slice(1)).toEqual(['close azurekv', 'close fake']);
  });

  it('refuses zero or several provider keys, and unknown providers', async () => {
    const registry = createProviderRegistry([connector('azurekv', [])]);
    for (const spec of [{}, { azurekv: {}, aws: {} }, 'azurekv', null])
      await expect(registry.connect(store(spec), kube)).rejects.toMatchObject({
        code: 'ERR_INVALID_PROVIDER_CONFIG',
      });
    await expect(registry.connect(store({ vault: {} }), kube)).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    expect(() => createProviderRegistry([connector('a', []), connector('a', [])])).toThrow(/twice/);
  });
});
