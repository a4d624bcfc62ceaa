import type { Agent } from 'node:https';
import { systemClock, type ProviderClock } from '../clock.ts';
import { providerClosed, unsupported } from '../errors.ts';
import type {
  ProviderCallOptions,
  ProviderCallRecord,
  ProviderKubeAccess,
  RemoteMap,
  RemoteRef,
  RemoteSecretProperties,
  RemoteValue,
  RequestGate,
  SecretsProvider,
} from '../provider.ts';
import { planAuth } from './auth-plan.ts';
import { translateAzureError, type AzureCallTarget } from './azure-errors.ts';
import { callKeyVault, FirstRequestLatch, recordCall, type CallContext } from './call.ts';
import { createVaultClients, type VaultClients } from './clients.ts';
import { cloudEndpoints, type AzureCloudEndpoints } from './clouds.ts';
import { parseAzureKVProvider, type AzureKeyVaultStoreConfig } from './config.ts';
import { buildCredential, type StoreCredential } from './credentials.ts';
import { describeObject, parseObjectKey, type AzureObjectRef } from './object-ref.ts';
import { extractProperty, jsonObjectEntries, tagEntries, tagProperty } from './property.ts';
import { fetchObject, type FetchedObject, type ReadContext } from './read-object.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.ts';
import { createVaultAgent, type VaultEndpointOverride } from './transport.ts';

/** Options of the Azure Key Vault provider; every field is optional. */
export interface AzureProviderOptions {
  /** Replaces the cloud's authority (tests, the sandbox's emulator); credentials then skip instance discovery. */
  authorityHost?: string;
  /** Extra CA (PEM) trusted for Key Vault and the authority, besides the system roots. */
  caPem?: string;
  /** Connects `*.<hostSuffix>` to a local port while keeping the host name (the sandbox's emulator). */
  vaultEndpointOverride?: VaultEndpointOverride;
  /** Called once per Key Vault request (retries included), for `externalsecret_provider_api_calls_count`. */
  onCall?: (record: ProviderCallRecord) => void;
  /** Default: real time. Retry waits use it. */
  clock?: ProviderClock;
  /** See `RetryPolicy`; defaults 3 retries, 1 s base, 16 s longest wait. */
  retry?: Partial<RetryPolicy>;
  /** Per-vault request budget shared by every store (`src/refresh/budget.ts`). */
  gate?: RequestGate;
}

interface Shared {
  agent: Agent;
  /** Whether `close()` of this provider destroys the agent (false when a cache owns it). */
  ownsAgent: boolean;
}

interface AzureProviderParts {
  spec: ReturnType<typeof parseAzureKVProvider>;
  cloud: AzureCloudEndpoints;
  credential: StoreCredential;
  clients: VaultClients;
  context: ReadContext;
}

function callContext(options: AzureProviderOptions): CallContext {
  return {
    clock: options.clock ?? systemClock,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.gate ? { gate: options.gate } : {}),
  };
}

async function buildParts(
  config: AzureKeyVaultStoreConfig,
  kube: ProviderKubeAccess,
  options: AzureProviderOptions,
  agent: Agent,
): Promise<AzureProviderParts> {
  const spec = parseAzureKVProvider(config.spec);
  const plan = planAuth({ ...config, spec });
  const cloud = cloudEndpoints(spec, options.authorityHost);
  const calls = { ...callContext(options), firstRequest: new FirstRequestLatch() };
  const credential = await buildCredential(plan, { kube, cloud, agent, clock: calls.clock });
  const clients = createVaultClients(spec.vaultUrl, credential.credential, agent);
  const context: ReadContext = { ...calls, clients, vaultUrl: spec.vaultUrl, identity: credential.identity };
  return { spec, cloud, credential, clients, context };
}

function toProperties(item: {
  name: string;
  version?: string;
  enabled?: boolean;
  updatedOn?: Date;
  tags?: Record<string, string>;
  contentType?: string;
  managed?: boolean;
}): RemoteSecretProperties {
  return {
    name: item.name,
    ...(item.version ? { version: item.version } : {}),
    enabled: item.enabled ?? true,
    ...(item.updatedOn ? { updatedOn: item.updatedOn } : {}),
    tags: { ...item.tags },
    ...(item.contentType ? { contentType: item.contentType } : {}),
    managed: item.managed ?? false,
  };
}

/**
 * Every page of `GET /secrets`. The SDK's pager does not hand out continuation tokens, so a
 * retry restarts the listing; each page is one call record.
 */
async function listSecretProperties(
  parts: AzureProviderParts,
  options: ProviderCallOptions,
): Promise<RemoteSecretProperties[]> {
  const { context, clients } = parts;
  const target: AzureCallTarget = {
    operation: 'list secrets of',
    objectType: 'secret',
    permission: 'list',
    vaultUrl: context.vaultUrl,
    identity: context.identity,
  };
  const listAll = async () => {
    const all: RemoteSecretProperties[] = [];
    const pages = clients
      .secrets()
      .listPropertiesOfSecrets(options.abortSignal ? { abortSignal: options.abortSignal } : {})
      .byPage();
    // The first page is the call callKeyVault gated and records; each further page is a request
    // too, and waits for the vault's budget like the first (the pager does not say whether
    // another page follows, so the last wait may take a token for nothing).
    for (let page = 0; ; page++) {
      if (page > 0) await context.gate?.acquire(context.vaultUrl, options.abortSignal);
      const startedMs = context.clock.now();
      const next = await pages.next();
      if (next.done) break;
      if (page > 0) recordCall(context, 'GetSecrets', 'success', startedMs);
      all.push(...next.value.map(toProperties));
    }
    return all;
  };
  return callKeyVault(context, 'GetSecrets', target, listAll, options.abortSignal);
}

async function validate(parts: AzureProviderParts, options: ProviderCallOptions): Promise<void> {
  const scope = `${parts.cloud.keyVaultResource}/.default`;
  try {
    await parts.credential.credential.getToken(
      scope,
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
  } catch (error) {
    throw translateAzureError(error, {
      operation: 'get a token for',
      objectType: 'secret',
      permission: 'get',
      vaultUrl: parts.context.vaultUrl,
      identity: parts.context.identity,
    });
  }
}

/**
 * One GET per object and version at a time: concurrent reads of the same object (many
 * ExternalSecrets of one store referencing one secret, e.g. after a rotation) share one
 * request. Sharing stays within one provider, i.e. one store's credential, so that no store
 * reads through another's permissions. An abort by one caller does not abort the others'.
 */
function sharedFetcher(context: ReadContext) {
  const inFlight = new Map<string, Promise<FetchedObject>>();
  return (key: string, ref: AzureObjectRef, version: string | undefined, options: ProviderCallOptions) => {
    if (options.abortSignal?.aborted) return Promise.reject(options.abortSignal.reason);
    const id = `${ref.type}/${ref.name.toLowerCase()}/${version ?? ''}`;
    let request = inFlight.get(id);
    if (!request) {
      request = fetchObject(context, key, ref, version, {}).finally(() => inFlight.delete(id));
      inFlight.set(id, request);
    }
    const forCaller = request.then((object) => ({ ...object, source: { ...object.source, key } }));
    return options.abortSignal ? abortable(forCaller, options.abortSignal) : forCaller;
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function createProvider(parts: AzureProviderParts, shared: Shared): SecretsProvider {
  let closed = false;
  const open = (what: string) => {
    if (closed) throw providerClosed(`${what} from ${parts.spec.vaultUrl}`);
  };
  const fetchShared = sharedFetcher(parts.context);
  return {
    async getSecret(ref: RemoteRef, options: ProviderCallOptions = {}): Promise<RemoteValue> {
      open(`get '${ref.key}'`);
      const objectRef = parseObjectKey(ref.key);
      const object = await fetchShared(ref.key, objectRef, ref.version, options);
      const what = describeObject(objectRef, ref.version);
      const value =
        ref.metadataPolicy === 'Fetch'
          ? tagProperty(object.tags, ref.property, what)
          : objectRef.type === 'cert'
            ? object.content
            : extractProperty(object.content.toString('utf8'), ref.property, what);
      return { value, source: object.source };
    },
    async getSecretMap(ref: RemoteRef, options: ProviderCallOptions = {}): Promise<RemoteMap> {
      open(`get '${ref.key}'`);
      const objectRef = parseObjectKey(ref.key);
      if (objectRef.type !== 'secret')
        throw unsupported(
          `dataFrom.extract reads secrets only; '${ref.key}' is a ${describeObject(objectRef)}`,
        );
      const object = await fetchShared(ref.key, objectRef, ref.version, options);
      const what = describeObject(objectRef, ref.version);
      if (ref.metadataPolicy === 'Fetch')
        return { values: tagEntries(object.tags, objectRef.name, ref.property, what), source: object.source };
      const json = extractProperty(object.content.toString('utf8'), ref.property, what).toString('utf8');
      const described = ref.property ? `property '${ref.property}' of ${what}` : what;
      return { values: jsonObjectEntries(json, described), source: object.source };
    },
    async validate(options: ProviderCallOptions = {}): Promise<void> {
      open('validate');
      await validate(parts, options);
    },
    async listSecretProperties(options: ProviderCallOptions = {}): Promise<RemoteSecretProperties[]> {
      open('list secrets');
      return listSecretProperties(parts, options);
    },
    close(): void {
      if (closed) return;
      closed = true;
      if (shared.ownsAgent) shared.agent.destroy();
    },
  };
}

/**
 * Builds a provider on an agent owned by someone else (the provider cache). Reads the
 * credential Secrets or ServiceAccount now; no Key Vault or token request is made until the
 * first call. Rejects with ERR_INVALID_PROVIDER_CONFIG for a spec that cannot work.
 */
export async function buildAzureProvider(
  config: AzureKeyVaultStoreConfig,
  kube: ProviderKubeAccess,
  options: AzureProviderOptions,
  agent: Agent,
): Promise<SecretsProvider> {
  return createProvider(await buildParts(config, kube, options, agent), { agent, ownsAgent: false });
}

/**
 * A standalone provider for one store, with its own connection pool (freed by `close()`).
 * The operator uses `createAzureProviderCache` instead, which keeps one provider per store
 * and one pool for all. `validate()` obtains a token for the cloud's Key Vault resource and
 * reads no secret. Calls are safe concurrently; `close()` lets running calls finish and makes
 * later calls fail with ERR_PROVIDER_UNAVAILABLE.
 */
export async function createAzureKeyVaultProvider(
  config: AzureKeyVaultStoreConfig,
  kube: ProviderKubeAccess,
  options: AzureProviderOptions = {},
): Promise<SecretsProvider> {
  const agent = createVaultAgent(options);
  try {
    return createProvider(await buildParts(config, kube, options, agent), { agent, ownsAgent: true });
  } catch (error) {
    agent.destroy();
    throw error;
  }
}
