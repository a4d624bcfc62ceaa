import type { ProviderKubeAccess, SecretsProvider } from './provider.ts';

/**
 * One provider per store, kept across reconciles (ESO rebuilds its client, token and
 * connections on every refresh: issue #6912). A provider is rebuilt only when its
 * fingerprint changes: the store's uid, generation and spec, and the versions of the
 * Kubernetes objects its credential comes from.
 */

export interface ProviderCacheOptions<Config> {
  /** The store a config belongs to, e.g. kind/namespace/name; `forget` drops all its slots. */
  storeOf(config: Config): string;
  /**
   * The slot a config occupies, one provider per slot: the store, plus the consumer namespace
   * when the credential resolves there (referent authentication). Default: `storeOf`.
   */
  slotOf?(config: Config): string;
  /** Everything whose change must rebuild the provider, as one string. Called on every `get`. */
  fingerprint(config: Config, kube: ProviderKubeAccess): Promise<string>;
  build(config: Config, kube: ProviderKubeAccess): Promise<SecretsProvider>;
  /** Runs once in `close()` (shared connection pools); providers are closed as their builds settle. */
  onClose?(): void;
}

export interface ProviderCache<Config> {
  /**
   * The provider for `config`: the cached one while the fingerprint is unchanged, else a new
   * one (the replaced provider is closed: calls already running finish, later calls on it
   * fail). Concurrent calls for the same slot and fingerprint share one build; a failed build
   * is not cached. Rejects with the build's error.
   */
  get(config: Config, kube: ProviderKubeAccess): Promise<SecretsProvider>;
  /** Closes and drops every provider of the config's store (it is gone); nothing when there is none. */
  forget(config: Config): void;
  /** Number of slots held. */
  readonly size: number;
  /** Closes every provider and the shared resources; later `get` calls reject. Idempotent. */
  close(): void;
}

interface Entry {
  store: string;
  fingerprint: string;
  provider: Promise<SecretsProvider>;
}

/** Closes the entry's provider now, or once its build finishes; a failed build has nothing to close. */
function closeEntry(entry: Entry | undefined): void {
  entry?.provider.then((provider) => provider.close()).catch(() => undefined);
}

/** Creates an empty cache; the caller owns `close()`. */
export function createProviderCache<Config>(options: ProviderCacheOptions<Config>): ProviderCache<Config> {
  const entries = new Map<string, Entry>();
  let closed = false;

  const slotOf = (config: Config) => options.slotOf?.(config) ?? options.storeOf(config);
  const build = (slot: string, fingerprint: string, config: Config, kube: ProviderKubeAccess): Entry => {
    const entry: Entry = {
      store: options.storeOf(config),
      fingerprint,
      provider: options.build(config, kube),
    };
    entry.provider.catch(() => {
      if (entries.get(slot) === entry) entries.delete(slot);
    });
    return entry;
  };

  return {
    async get(config, kube) {
      if (closed) throw new Error('provider cache is closed');
      const slot = slotOf(config);
      const fingerprint = await options.fingerprint(config, kube);
      const current = entries.get(slot);
      if (current?.fingerprint === fingerprint) return current.provider;
      if (closed) throw new Error('provider cache is closed');
      const entry = build(slot, fingerprint, config, kube);
      entries.set(slot, entry);
      closeEntry(current);
      return entry.provider;
    },
    forget(config) {
      const store = options.storeOf(config);
      for (const [slot, entry] of entries)
        if (entry.store === store) {
          closeEntry(entry);
          entries.delete(slot);
        }
    },
    get size() {
      return entries.size;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const entry of entries.values()) closeEntry(entry);
      entries.clear();
      options.onClose?.();
    },
  };
}
