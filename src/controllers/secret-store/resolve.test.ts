import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterSecretStore, ExternalSecret, SecretStore } from '../../api/index.ts';
import { isKvsyncError, type KvsyncErrorCode } from '../../errors.ts';
import { FakeClock, Informer, MemoryListWatchSource } from '../../runtime/index.ts';
import {
  FakeProvider,
  makeClusterSecretStore,
  makeExternalSecret,
  makeSecretStore,
} from '../test-support.ts';
import { StoreResolver, clusterStoreAllows, isOurs, type AnyStore, type StoreKind } from './resolve.ts';

/* Which store an ExternalSecret may use (reference eso.md §3.6, §4.1). */

const NAMESPACE_LABELS: Record<string, Record<string, string>> = {
  'team-a': { team: 'a', env: 'prod' },
  'team-b': { team: 'b', env: 'dev' },
};

async function errorOf(promise: Promise<unknown>): Promise<{ code: KvsyncErrorCode; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isKvsyncError(error)) return error;
    throw error;
  }
  throw new Error('expected a KvsyncError');
}

describe('StoreResolver', () => {
  let secretStores: MemoryListWatchSource<SecretStore>;
  let clusterSecretStores: MemoryListWatchSource<ClusterSecretStore>;
  let informers: { secretStores: Informer<SecretStore>; clusterSecretStores: Informer<ClusterSecretStore> };
  let provider: FakeProvider;
  let connections: string[];
  let labelReads: string[];

  function resolver(options: { floodGate?: boolean; controllerClass?: string } = {}) {
    return new StoreResolver({
      ...informers,
      namespaceLabels: async (name) => {
        labelReads.push(name);
        return NAMESPACE_LABELS[name];
      },
      providers: {
        providerFor: async (kind: StoreKind, store: AnyStore, consumerNamespace: string) => {
          connections.push(`${kind} ${store.metadata.name} for ${consumerNamespace}`);
          return provider;
        },
      },
      controllerClass: options.controllerClass ?? 'default',
      floodGate: options.floodGate ?? true,
    });
  }

  const es = (namespace: string, store: string, kind?: StoreKind): ExternalSecret =>
    makeExternalSecret({ secretStoreRef: { name: store, ...(kind ? { kind } : {}) } }, { namespace });

  beforeEach(async () => {
    const clock = new FakeClock();
    secretStores = new MemoryListWatchSource();
    clusterSecretStores = new MemoryListWatchSource();
    secretStores.put(makeSecretStore('vault', 'team-a', { ready: true }));
    secretStores.put(makeSecretStore('other', 'team-b', { ready: true }));
    secretStores.put(makeSecretStore('other', 'team-c', { ready: true }));
    secretStores.put(makeSecretStore('pending', 'team-a'));
    secretStores.put(makeSecretStore('broken', 'team-a', { ready: false }));
    secretStores.put(makeSecretStore('foreign', 'team-a', { ready: true, controller: 'other-class' }));
    clusterSecretStores.put(makeClusterSecretStore('open', { ready: true }));
    clusterSecretStores.put(
      makeClusterSecretStore('listed', { ready: true, conditions: [{ namespaces: ['team-a', 'team-x'] }] }),
    );
    clusterSecretStores.put(
      makeClusterSecretStore('by-regex', {
        ready: true,
        conditions: [{ namespaceRegexes: ['^team-[ab]$'] }],
      }),
    );
    clusterSecretStores.put(
      makeClusterSecretStore('by-label', {
        ready: true,
        conditions: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }],
      }),
    );
    clusterSecretStores.put(makeClusterSecretStore('cluster-pending'));
    informers = {
      secretStores: new Informer({ name: 'secretstores', clock, source: secretStores }),
      clusterSecretStores: new Informer({ name: 'clustersecretstores', clock, source: clusterSecretStores }),
    };
    await Promise.all([informers.secretStores.start(), informers.clusterSecretStores.start()]);
    provider = new FakeProvider();
    connections = [];
    labelReads = [];
  });

  afterEach(() => {
    informers.secretStores.stop();
    informers.clusterSecretStores.stop();
  });

  describe('SecretStore', () => {
    it("is found in the ExternalSecret's own namespace and hands out its provider for that namespace", async () => {
      const access = await resolver().providerFor(es('team-a', 'vault'));
      expect(access?.provider).toBe(provider);
      expect(connections).toEqual(['SecretStore vault for team-a']);
    });

    it('is the kind used when secretStoreRef.kind is empty', async () => {
      const found = await resolver().storeFor(es('team-a', 'vault'));
      expect(found.kind).toBe('SecretStore');
      expect(found.store.metadata.namespace).toBe('team-a');
    });

    it('is not found from another namespace; the message names where stores of that name live', async () => {
      const error = await errorOf(resolver().providerFor(es('team-a', 'other')));
      expect(error.code).toBe('ERR_STORE_NOT_FOUND');
      expect(error.message).toContain('team-b');
      expect(error.message).toContain('team-c');
      expect(connections).toEqual([]);
    });

    it('is not found when no store has the name', async () => {
      const error = await errorOf(resolver().providerFor(es('team-a', 'nowhere')));
      expect(error.code).toBe('ERR_STORE_NOT_FOUND');
      expect(error.message).not.toContain('exists in');
    });
  });

  describe('ClusterSecretStore', () => {
    it('without conditions serves every namespace', async () => {
      for (const namespace of ['team-a', 'team-b', 'kube-system'])
        expect(await resolver().providerFor(es(namespace, 'open', 'ClusterSecretStore'))).toBeDefined();
      expect(labelReads).toEqual([]);
    });

    it('is not found when it does not exist', async () => {
      const error = await errorOf(resolver().providerFor(es('team-a', 'vault', 'ClusterSecretStore')));
      expect(error.code).toBe('ERR_STORE_NOT_FOUND');
    });

    it.each([
      ['listed', 'team-a', true],
      ['listed', 'team-b', false],
      ['by-regex', 'team-b', true],
      ['by-regex', 'team-c', false],
      ['by-regex', 'my-team-a', false],
      ['by-label', 'team-a', true],
      ['by-label', 'team-b', false],
      ['by-label', 'missing-namespace', false],
    ])('%s admits namespace %s: %s', async (store, namespace, allowed) => {
      const result = resolver().providerFor(es(namespace, store, 'ClusterSecretStore'));
      if (allowed) expect(await result).toBeDefined();
      else {
        const error = await errorOf(result);
        expect(error.code).toBe('ERR_STORE_NOT_ALLOWED');
        expect(error.message).toContain(namespace);
        expect(connections).toEqual([]);
      }
    });
  });

  describe('clusterStoreAllows', () => {
    const labels = async (name: string) => NAMESPACE_LABELS[name];

    it('ORs every selector, list and regex within and across conditions', async () => {
      const store = makeClusterSecretStore('mixed', {
        conditions: [
          { namespaces: ['apps'], namespaceSelector: { matchLabels: { team: 'b' } } },
          { namespaceRegexes: ['^ci-'] },
        ],
      });
      expect(await clusterStoreAllows(store, 'apps', labels)).toBe(true);
      expect(await clusterStoreAllows(store, 'team-b', labels)).toBe(true);
      expect(await clusterStoreAllows(store, 'ci-42', labels)).toBe(true);
      expect(await clusterStoreAllows(store, 'team-a', labels)).toBe(false);
    });

    it('reads the namespace labels only when a selector needs them, and once', async () => {
      const reads: string[] = [];
      const counting = async (name: string) => {
        reads.push(name);
        return NAMESPACE_LABELS[name];
      };
      const store = makeClusterSecretStore('two-selectors', {
        conditions: [
          { namespaces: ['team-a'] },
          { namespaceSelector: { matchLabels: { team: 'z' } } },
          { namespaceSelector: { matchLabels: { env: 'dev' } } },
        ],
      });
      expect(await clusterStoreAllows(store, 'team-a', counting)).toBe(true);
      expect(reads).toEqual([]);
      expect(await clusterStoreAllows(store, 'team-b', counting)).toBe(true);
      expect(reads).toEqual(['team-b']);
    });
  });

  describe('controller class', () => {
    it('gives no provider for a store of another controller class', async () => {
      expect(await resolver().providerFor(es('team-a', 'foreign'))).toBeUndefined();
      expect(connections).toEqual([]);
    });

    it('serves a store naming this controller class, and one naming none', async () => {
      expect(
        await resolver({ controllerClass: 'other-class' }).providerFor(es('team-a', 'foreign')),
      ).toBeDefined();
      expect(isOurs(makeSecretStore('s', 'n'), 'anything')).toBe(true);
      expect(isOurs(makeSecretStore('s', 'n', { controller: 'x' }), 'y')).toBe(false);
    });
  });

  describe('flood gate', () => {
    it('refuses a store that was never validated with ERR_STORE_NOT_VALIDATED', async () => {
      const error = await errorOf(resolver().providerFor(es('team-a', 'pending')));
      expect(error.code).toBe('ERR_STORE_NOT_VALIDATED');
      const cluster = await errorOf(
        resolver().providerFor(es('team-a', 'cluster-pending', 'ClusterSecretStore')),
      );
      expect(cluster.code).toBe('ERR_STORE_NOT_VALIDATED');
      expect(connections).toEqual([]);
    });

    it("refuses a store that is not Ready with ERR_STORE_NOT_READY carrying the store's message", async () => {
      const error = await errorOf(resolver().providerFor(es('team-a', 'broken')));
      expect(error.code).toBe('ERR_STORE_NOT_READY');
      expect(error.message).toContain('broken');
      expect(error.message).toContain('identity not found');
      expect(connections).toEqual([]);
    });

    it('lets every store through when disabled', async () => {
      const open = resolver({ floodGate: false });
      expect(await open.providerFor(es('team-a', 'broken'))).toBeDefined();
      expect(await open.providerFor(es('team-a', 'pending'))).toBeDefined();
    });
  });
});
