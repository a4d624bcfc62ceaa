import { KubeConfig } from '@kubernetes/client-node';
import { KvsyncError } from '../errors.ts';
import type { LeaseLock, ListWatchSource } from '../runtime/index.ts';
import { KubeApiError, kubeApiErrorFromResponse, parseStatus } from './api-error.ts';
import { collectionPath, groupVersionPath, KindTable, objectPath, type KindInfo } from './kinds.ts';
import { createKubeLeaseLock } from './lease-lock.ts';
import { createKubeListWatch, listAll, withKind } from './list-watch.ts';
import { KubeTransport } from './transport.ts';
import type { KubeObject, ListScope, ObjectRef } from './types.ts';

export { KubeApiError, isAlreadyExists, isConflict, isKubeApiError, isNotFound } from './api-error.ts';
export type { KindInfo } from './kinds.ts';
export type { KubeObject, ListScope, ObjectRef } from './types.ts';

/**
 * The one client kvsync uses for the Kubernetes API. Authentication and TLS come from
 * client-node's `KubeConfig` (kubeconfig files, exec plugins, in-cluster service account);
 * requests are plain JSON over client-node's HTTP library. Every failure is a `KubeApiError`
 * (code ERR_KUBE_API) whose message names the verb and the object and never a body.
 */

export interface KubeClientOptions {
  /** Kubeconfig file; default: `KUBECONFIG` or `~/.kube/config` (read by client-node), else in-cluster. */
  kubeconfigPath?: string;
  /** Context to use instead of the kubeconfig's current one. */
  context?: string;
  /** Use the pod's service account (`/var/run/secrets/kubernetes.io/serviceaccount`). */
  inCluster?: boolean;
  /** An already loaded configuration; overrides the three options above. */
  kubeConfig?: KubeConfig;
  /** `fieldManager` of writes unless a call names one; default `kvsync`. */
  fieldManager?: string;
  /** Timeout of each non-watch request; default 30000. */
  requestTimeoutMs?: number;
  /** Kinds beyond the built-in table (others are found by discovery). */
  kinds?: KindInfo[];
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only if the object still has this uid (else 409 Conflict). */
  uid?: string;
}

export interface KubeClient {
  readonly kubeConfig: KubeConfig;
  /** The object, or undefined when it does not exist (404 NotFound for the object). */
  get<T>(ref: ObjectRef): Promise<T | undefined>;
  /** Every matching object (paged), each with `apiVersion` and `kind` set. */
  list<T>(scope: ListScope): Promise<T[]>;
  /** POST; 409 → KubeApiError reason AlreadyExists. */
  create<T>(object: T, options?: { fieldManager?: string }): Promise<T>;
  /** PUT; a stale `metadata.resourceVersion` → KubeApiError reason Conflict. */
  replace<T>(object: T, options?: { fieldManager?: string }): Promise<T>;
  /** JSON merge patch (`application/merge-patch+json`). */
  mergePatch<T>(ref: ObjectRef, patch: unknown, options?: { fieldManager?: string }): Promise<T>;
  /** JSON merge patch of the status subresource. */
  patchStatus<T>(ref: ObjectRef, patch: unknown): Promise<T>;
  /** True when deleted (or deletion started), false when the object did not exist. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<boolean>;
  /** A bound token for the ServiceAccount (TokenRequest API). The token is a credential: never log it. */
  createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: string[]; expirationSeconds?: number },
  ): Promise<string>;
  /** List/watch of a kind for `Informer`. */
  listWatchSource<T>(scope: ListScope): ListWatchSource<T>;
  /** A LeaseLock on coordination.k8s.io/v1 Lease `namespace/name` for `LeaderElector`. */
  leaseLock(namespace: string, name: string): LeaseLock;
  /** Adds or replaces a kind in this client's table. */
  registerKind(info: KindInfo): void;
}

/** Loads the configuration and returns a client. Throws ERR_INVALID_CONFIG when it cannot be loaded. */
export function createKubeClient(options: KubeClientOptions = {}): KubeClient {
  return new HttpKubeClient(options.kubeConfig ?? loadKubeConfig(options), options);
}

function loadKubeConfig(options: KubeClientOptions): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (options.inCluster) kubeConfig.loadFromCluster();
    else if (options.kubeconfigPath) kubeConfig.loadFromFile(options.kubeconfigPath);
    else kubeConfig.loadFromDefault();
    if (options.context) kubeConfig.setCurrentContext(options.context);
  } catch (error) {
    throw new KvsyncError(
      'ERR_INVALID_CONFIG',
      `load Kubernetes configuration: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return kubeConfig;
}

const MERGE_PATCH = 'application/merge-patch+json';

function describeRef(ref: { kind: string; namespace?: string; name?: string }): string {
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${ref.kind} ${name}`;
}

function refOf(object: unknown): ObjectRef {
  const { apiVersion, kind, metadata } = (object ?? {}) as KubeObject;
  if (!apiVersion || !kind || !metadata?.name)
    throw new KvsyncError(
      'ERR_INVALID_RESOURCE',
      'a Kubernetes object needs apiVersion, kind and metadata.name',
    );
  return { apiVersion, kind, namespace: metadata.namespace, name: metadata.name };
}

class HttpKubeClient implements KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly #transport: KubeTransport;
  readonly #kinds: KindTable;
  readonly #fieldManager: string;

  constructor(kubeConfig: KubeConfig, options: KubeClientOptions) {
    this.kubeConfig = kubeConfig;
    this.#transport = new KubeTransport(kubeConfig, { requestTimeoutMs: options.requestTimeoutMs });
    this.#kinds = new KindTable(options.kinds);
    this.#fieldManager = options.fieldManager ?? 'kvsync';
  }

  registerKind(info: KindInfo): void {
    this.#kinds.register(info);
  }

  async get<T>(ref: ObjectRef): Promise<T | undefined> {
    const info = await this.#kind(ref);
    const operation = `get ${describeRef(ref)}`;
    const path = objectPath(info, ref.namespace, ref.name);
    const { status, body, text } = await this.#transport.call<T>(operation, { method: 'GET', path }, [404]);
    if (status === 404) return this.#missing(operation, text, undefined);
    return withKind(body as T, info);
  }

  async list<T>(scope: ListScope): Promise<T[]> {
    const { items } = await listAll<T>(this.#listWatchOptions(scope));
    return items;
  }

  async create<T>(object: T, options: { fieldManager?: string } = {}): Promise<T> {
    const ref = refOf(object);
    const info = await this.#kind(ref, true);
    const { body } = await this.#transport.call<T>(`create ${describeRef(ref)}`, {
      method: 'POST',
      path: collectionPath(info, ref.namespace),
      query: { fieldManager: options.fieldManager ?? this.#fieldManager },
      body: object,
    });
    return withKind(body as T, info);
  }

  async replace<T>(object: T, options: { fieldManager?: string } = {}): Promise<T> {
    const ref = refOf(object);
    const info = await this.#kind(ref, true);
    const { body } = await this.#transport.call<T>(`update ${describeRef(ref)}`, {
      method: 'PUT',
      path: objectPath(info, ref.namespace, ref.name),
      query: { fieldManager: options.fieldManager ?? this.#fieldManager },
      body: object,
    });
    return withKind(body as T, info);
  }

  mergePatch<T>(ref: ObjectRef, patch: unknown, options: { fieldManager?: string } = {}): Promise<T> {
    return this.#patch<T>(`patch ${describeRef(ref)}`, ref, patch, options.fieldManager, undefined);
  }

  patchStatus<T>(ref: ObjectRef, patch: unknown): Promise<T> {
    return this.#patch<T>(`patch status of ${describeRef(ref)}`, ref, patch, undefined, 'status');
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<boolean> {
    const info = await this.#kind(ref);
    const operation = `delete ${describeRef(ref)}`;
    const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
    if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
    if (options.uid) body.preconditions = { uid: options.uid };
    const path = objectPath(info, ref.namespace, ref.name);
    const { status, text } = await this.#transport.call(operation, { method: 'DELETE', path, body }, [404]);
    return status === 404 ? this.#missing(operation, text, false) : true;
  }

  async createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: string[]; expirationSeconds?: number },
  ): Promise<string> {
    const operation = `create token for ServiceAccount ${namespace}/${name}`;
    const { body } = await this.#transport.call<{ status?: { token?: string } }>(operation, {
      method: 'POST',
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}/token`,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: options.audiences, expirationSeconds: options.expirationSeconds },
      },
    });
    const token = body?.status?.token;
    if (!token)
      throw new KubeApiError(operation, 200, 'InvalidResponse', 'the TokenRequest returned no token');
    return token;
  }

  listWatchSource<T>(scope: ListScope): ListWatchSource<T> {
    return createKubeListWatch<T>(this.#listWatchOptions(scope));
  }

  leaseLock(namespace: string, name: string): LeaseLock {
    return createKubeLeaseLock(this, namespace, name);
  }

  #listWatchOptions(scope: ListScope) {
    return { transport: this.#transport, scope, resolveKind: () => this.#kind(scope) };
  }

  async #patch<T>(
    operation: string,
    ref: ObjectRef,
    patch: unknown,
    fieldManager: string | undefined,
    subresource: string | undefined,
  ): Promise<T> {
    const info = await this.#kind(ref);
    const { body } = await this.#transport.call<T>(operation, {
      method: 'PATCH',
      path: objectPath(info, ref.namespace, ref.name, subresource),
      query: { fieldManager: fieldManager ?? this.#fieldManager },
      body: patch,
      contentType: MERGE_PATCH,
    });
    return withKind(body as T, info);
  }

  /** A 404 naming the object means it is missing; one for the URL (kind not served) is an error. */
  #missing<R>(operation: string, text: string, missingValue: R): R {
    if (parseStatus(text)?.details?.name) return missingValue;
    throw kubeApiErrorFromResponse(operation, 404, text);
  }

  /** The kind's URL facts, from the table or by discovery; `needsNamespace` checks writes. */
  async #kind(ref: { apiVersion: string; kind: string; namespace?: string }, needsNamespace = false) {
    const info =
      this.#kinds.lookup(ref.apiVersion, ref.kind) ?? (await this.#discover(ref.apiVersion, ref.kind));
    if (needsNamespace && info.namespaced && !ref.namespace)
      throw new KvsyncError(
        'ERR_INVALID_RESOURCE',
        `${ref.kind} is namespaced: metadata.namespace is required`,
      );
    return info;
  }

  async #discover(apiVersion: string, kind: string): Promise<KindInfo> {
    const operation = `discover ${kind} in ${apiVersion}`;
    const { body } = await this.#transport.call<{
      resources?: Array<{ name: string; kind: string; namespaced: boolean }>;
    }>(operation, { method: 'GET', path: groupVersionPath(apiVersion) });
    const found = body?.resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) throw new KubeApiError(operation, 404, 'NotFound', `the server does not serve ${kind}`);
    const info: KindInfo = { apiVersion, kind, plural: found.name, namespaced: found.namespaced };
    this.#kinds.register(info);
    return info;
  }
}
