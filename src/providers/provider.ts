/**
 * The provider boundary. A provider turns a store's spec into a `SecretsProvider` that speaks
 * kvsync's terms; the vendor SDK stays behind it, and its errors are translated here into
 * `KvsyncError`s with the codes below (see `errors.ts` in this folder):
 *
 * - not found               → ERR_PROVIDER_NOT_FOUND (drives deletionPolicy)
 * - forbidden               → ERR_PROVIDER_FORBIDDEN, message names the permission or role needed
 * - throttled               → ERR_PROVIDER_THROTTLED, with `retryAfterMs`
 * - credentials rejected    → ERR_PROVIDER_UNAUTHENTICATED
 * - disabled object         → ERR_PROVIDER_DISABLED
 * - network / 5xx           → ERR_PROVIDER_UNAVAILABLE
 * - property missing        → ERR_PROPERTY_NOT_FOUND
 *
 * Values travel as Buffers and never appear in an error message.
 */

/** What to read; mirrors ESO's `remoteRef` (the `key` keeps its `secret/`, `cert/`, `key/` prefix). */
export interface RemoteRef {
  key: string;
  property?: string;
  version?: string;
  metadataPolicy?: 'None' | 'Fetch';
}

/** Which remote object version a value came from; shown in status, never the value itself. */
export interface RemoteSource {
  /** `remoteRef.key` as written. */
  key: string;
  /** Object name without the type prefix. */
  name: string;
  objectType: 'secret' | 'key' | 'cert';
  /** The provider's version id of what was read. */
  version: string;
  /** When that version was last updated at the provider, when known. */
  updatedOn?: Date;
}

export interface RemoteValue {
  value: Buffer;
  source: RemoteSource;
}

export interface RemoteMap {
  values: Map<string, Buffer>;
  source: RemoteSource;
}

export interface ProviderCallOptions {
  abortSignal?: AbortSignal;
}

/** A connected provider for one store. Safe to call concurrently. */
export interface SecretsProvider {
  /** One value: the whole object, or `property` of it. */
  getSecret(ref: RemoteRef, options?: ProviderCallOptions): Promise<RemoteValue>;
  /** `dataFrom.extract`: a JSON object value expanded into keys. */
  getSecretMap(ref: RemoteRef, options?: ProviderCallOptions): Promise<RemoteMap>;
  /**
   * Checks that the store can work: the configuration is complete and, where it costs no
   * secret read, that a token can be obtained. Throws ERR_INVALID_PROVIDER_CONFIG or a
   * provider error.
   */
  validate(options?: ProviderCallOptions): Promise<void>;
  /**
   * Properties of every secret in the remote store, without values (for change detection and,
   * later, `dataFrom.find`). Optional: providers that cannot list leave it out. One provider
   * call per page.
   */
  listSecretProperties?(options?: ProviderCallOptions): Promise<RemoteSecretProperties[]>;
  /** Releases sockets and timers; later calls fail. */
  close(): void;
}

/** What a listing tells about one remote secret; never its value. */
export interface RemoteSecretProperties {
  name: string;
  /** The current version's id, when the listing names it. */
  version?: string;
  enabled: boolean;
  updatedOn?: Date;
  tags: Record<string, string>;
  contentType?: string;
  /** True for secrets that back a certificate (Azure's `managed`). */
  managed: boolean;
}

/** Kubernetes reads a provider may need to build its credential; supplied by the controller. */
export interface ProviderKubeAccess {
  /** One key of a Secret; throws ERR_INVALID_PROVIDER_CONFIG naming the Secret and key when absent. */
  readSecretKey(ref: { namespace: string; name: string; key: string }): Promise<Buffer>;
  /** The ServiceAccount's annotations; throws ERR_INVALID_PROVIDER_CONFIG when it does not exist. */
  serviceAccountAnnotations(namespace: string, name: string): Promise<Record<string, string>>;
  /** A TokenRequest for the ServiceAccount with these audiences; returns the JWT. */
  createServiceAccountToken(namespace: string, name: string, audiences: string[]): Promise<string>;
  /**
   * The `metadata.resourceVersion` of a Secret or ServiceAccount, or undefined when it does not
   * exist. Should be cheap (an informer cache): provider caches call it on every lookup to notice
   * changed credentials. Optional; without it a cache fingerprints the credential contents
   * through the two reads above instead.
   */
  resourceVersion?(
    kind: 'Secret' | 'ServiceAccount',
    namespace: string,
    name: string,
  ): Promise<string | undefined>;
}

/** Outcome of one provider call, for metrics (`externalsecret_provider_api_calls_count`). */
export interface ProviderCallRecord {
  provider: string;
  call: string;
  status: 'success' | 'error';
  durationMs: number;
}

/**
 * Paces requests to one remote endpoint (a vault) across every store and worker: `acquire`
 * before each request, `throttled` when the service answered 429. Implemented by
 * `src/refresh/budget.ts`; optional for providers.
 */
export interface RequestGate {
  acquire(endpoint: string, signal?: AbortSignal): Promise<void>;
  throttled(endpoint: string, retryAfterMs?: number): void;
  /** How long `endpoint` stays paused after a 429; 0 when it is not paused. */
  pausedForMs(endpoint: string): number;
}
