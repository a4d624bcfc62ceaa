import type { KubeConfig } from '@kubernetes/client-node';
import type { ObjectMeta } from '../api/index.ts';
import { KubeApiError } from '../kube/api-error.ts';
import type { KubeClient, ListScope, ObjectRef } from '../kube/index.ts';
import {
  MemoryLeaseStore,
  MemoryListWatchSource,
  type LeaseLock,
  type ListWatchSource,
  type ObjectWithMeta,
} from '../runtime/index.ts';

/**
 * A Kubernetes API kept in memory for the controllers' unit tests (not exported by any index):
 * uids, resourceVersions, generation on spec changes, finalizers, 409s on stale writes, and one
 * list/watch source per kind that feeds real informers.
 */

interface StoredObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** One call of the fake client, for assertions. `key` is `namespace/name` (or `name`). */
export interface KubeCall {
  verb: 'get' | 'list' | 'create' | 'replace' | 'mergePatch' | 'patchStatus' | 'delete' | 'token';
  kind: string;
  key: string;
  body?: unknown;
  fieldManager?: string;
}

const WRITE_VERBS = new Set(['create', 'replace', 'mergePatch', 'patchStatus', 'delete']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386 JSON merge patch; `undefined` members are skipped as JSON would drop them. */
function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function keyOf(namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${namespace}/${name}` : (name ?? '');
}

/**
 * An API server in memory: objects by kind, resourceVersions and uids assigned, `generation`
 * bumped when `spec` changes, finalizers honoured on delete, optimistic concurrency on
 * `metadata.resourceVersion` and on delete's uid precondition. Each kind has one
 * `MemoryListWatchSource` that every `listWatchSource()` of that kind shares, so informers see
 * the fake's writes. Scopes (namespace, label selector) are recorded, not applied.
 */
export class FakeKube implements KubeClient {
  readonly kubeConfig = {} as KubeConfig;
  readonly calls: KubeCall[] = [];
  /** Every scope asked of `listWatchSource`, in order. */
  readonly scopes: ListScope[] = [];
  readonly leases = new MemoryLeaseStore();
  /** Called before each call; a returned error is thrown instead of performing it. */
  intercept: ((call: KubeCall) => Error | undefined) | undefined;
  readonly #sources = new Map<string, MemoryListWatchSource<StoredObject>>();
  readonly #objects = new Map<string, StoredObject>();
  #uids = 0;

  /** The shared list/watch source of `kind`. */
  source<T extends ObjectWithMeta = StoredObject>(kind: string): MemoryListWatchSource<T> {
    let source = this.#sources.get(kind);
    if (!source) this.#sources.set(kind, (source = new MemoryListWatchSource<StoredObject>()));
    return source as unknown as MemoryListWatchSource<T>;
  }

  /** Stores `object` as if created by someone else (no call recorded). Returns the stored copy. */
  seed<T>(object: T): T {
    return this.#createObject(object as unknown as StoredObject) as T;
  }

  /** The stored object (a copy), or undefined. */
  object<T>(kind: string, namespace: string | undefined, name: string): T | undefined {
    const stored = this.#objects.get(`${kind}:${keyOf(namespace, name)}`);
    return stored && (structuredClone(stored) as T);
  }

  /** Write calls, optionally of one kind and verb. */
  writes(kind?: string, verb?: KubeCall['verb']): KubeCall[] {
    return this.calls.filter(
      (call) =>
        WRITE_VERBS.has(call.verb) &&
        (kind === undefined || call.kind === kind) &&
        (verb === undefined || call.verb === verb),
    );
  }

  async get<T>(ref: ObjectRef): Promise<T | undefined> {
    this.#record({ verb: 'get', kind: ref.kind, key: keyOf(ref.namespace, ref.name) });
    return this.object<T>(ref.kind, ref.namespace, ref.name);
  }

  async list<T>(scope: ListScope): Promise<T[]> {
    this.#record({ verb: 'list', kind: scope.kind, key: scope.namespace ?? '' });
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(`${scope.kind}:`))
      .map(([, object]) => object)
      .filter((object) => !scope.namespace || object.metadata.namespace === scope.namespace)
      .map((object) => structuredClone(object) as T);
  }

  async create<T>(object: T, options: { fieldManager?: string } = {}): Promise<T> {
    const stored = object as unknown as StoredObject;
    this.#record({ ...this.#callOf('create', stored), body: structuredClone(object), ...options });
    return this.#createObject(stored) as T;
  }

  async replace<T>(object: T, options: { fieldManager?: string } = {}): Promise<T> {
    const next = structuredClone(object) as unknown as StoredObject;
    this.#record({ ...this.#callOf('replace', next), body: structuredClone(object), ...options });
    const current = this.#current('replace', next.kind!, next.metadata.namespace, next.metadata.name!);
    this.#checkVersion('replace', current, next.metadata.resourceVersion);
    next.metadata = {
      ...next.metadata,
      uid: current.metadata.uid,
      ...(current.metadata.creationTimestamp
        ? { creationTimestamp: current.metadata.creationTimestamp }
        : {}),
      ...(current.metadata.deletionTimestamp
        ? { deletionTimestamp: current.metadata.deletionTimestamp }
        : {}),
    };
    return this.#update(current, next) as T;
  }

  async mergePatch<T>(ref: ObjectRef, patch: unknown, options: { fieldManager?: string } = {}): Promise<T> {
    this.#record({
      verb: 'mergePatch',
      kind: ref.kind,
      key: keyOf(ref.namespace, ref.name),
      body: structuredClone(patch),
      ...options,
    });
    const current = this.#current('patch', ref.kind, ref.namespace, ref.name);
    const wanted = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    this.#checkVersion('patch', current, wanted);
    const next = applyMergePatch(current, patch) as StoredObject;
    next.metadata = { ...next.metadata, uid: current.metadata.uid };
    return this.#update(current, next) as T;
  }

  async patchStatus<T>(ref: ObjectRef, patch: unknown): Promise<T> {
    this.#record({
      verb: 'patchStatus',
      kind: ref.kind,
      key: keyOf(ref.namespace, ref.name),
      body: structuredClone(patch),
    });
    const current = this.#current('patch status of', ref.kind, ref.namespace, ref.name);
    const status = (patch as { status?: unknown }).status;
    const next = applyMergePatch(current, { status: status === undefined ? null : status }) as StoredObject;
    return this.#update(current, next) as T;
  }

  async delete(ref: ObjectRef, options: { uid?: string } = {}): Promise<boolean> {
    this.#record({ verb: 'delete', kind: ref.kind, key: keyOf(ref.namespace, ref.name), body: options });
    const current = this.#objects.get(`${ref.kind}:${keyOf(ref.namespace, ref.name)}`);
    if (!current) return false;
    if (options.uid && options.uid !== current.metadata.uid)
      throw new KubeApiError(`delete ${ref.kind} ${ref.name}`, 409, 'Conflict', 'uid precondition failed');
    if ((current.metadata.finalizers ?? []).length === 0) {
      this.#remove(current);
      return true;
    }
    if (!current.metadata.deletionTimestamp)
      this.#store({
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' },
      });
    return true;
  }

  async createServiceAccountToken(
    namespace: string,
    name: string,
    options: { audiences: string[]; expirationSeconds?: number },
  ): Promise<string> {
    this.#record({ verb: 'token', kind: 'ServiceAccount', key: `${namespace}/${name}`, body: options });
    return `token-for-${namespace}-${name}`;
  }

  listWatchSource<T>(scope: ListScope): ListWatchSource<T> {
    this.scopes.push(scope);
    return this.source(scope.kind) as unknown as ListWatchSource<T>;
  }

  leaseLock(): LeaseLock {
    return this.leases.lock();
  }

  registerKind(): void {}

  #callOf(verb: KubeCall['verb'], object: StoredObject): KubeCall {
    return { verb, kind: object.kind ?? '', key: keyOf(object.metadata.namespace, object.metadata.name) };
  }

  #record(call: KubeCall): void {
    this.calls.push(call);
    const error = this.intercept?.(call);
    if (error) throw error;
  }

  #current(verb: string, kind: string, namespace: string | undefined, name: string): StoredObject {
    const current = this.#objects.get(`${kind}:${keyOf(namespace, name)}`);
    if (!current) throw new KubeApiError(`${verb} ${kind} ${name}`, 404, 'NotFound', 'not found');
    return current;
  }

  #checkVersion(verb: string, current: StoredObject, wanted: string | undefined): void {
    if (wanted !== undefined && wanted !== current.metadata.resourceVersion)
      throw new KubeApiError(`${verb} ${current.kind} ${current.metadata.name}`, 409, 'Conflict', 'modified');
  }

  #createObject(object: StoredObject): StoredObject {
    const copy = structuredClone(object);
    const key = `${copy.kind}:${keyOf(copy.metadata.namespace, copy.metadata.name)}`;
    if (this.#objects.has(key))
      throw new KubeApiError(`create ${copy.kind} ${copy.metadata.name}`, 409, 'AlreadyExists', 'exists');
    this.#uids += 1;
    copy.metadata = {
      ...copy.metadata,
      uid: copy.metadata.uid ?? `uid-${this.#uids}`,
      ...('spec' in copy ? { generation: 1 } : {}),
    };
    return this.#store(copy);
  }

  #update(current: StoredObject, next: StoredObject): StoredObject {
    if ('spec' in next && JSON.stringify(next['spec']) !== JSON.stringify(current['spec']))
      next.metadata = { ...next.metadata, generation: (current.metadata.generation ?? 0) + 1 };
    else if (current.metadata.generation !== undefined)
      next.metadata = { ...next.metadata, generation: current.metadata.generation };
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.#remove(current);
      return structuredClone(next);
    }
    return this.#store(next);
  }

  #store(object: StoredObject): StoredObject {
    const stored = this.source(object.kind!).put(object);
    this.#objects.set(`${object.kind}:${keyOf(object.metadata.namespace, object.metadata.name)}`, stored);
    return structuredClone(stored);
  }

  #remove(object: StoredObject): void {
    const key = keyOf(object.metadata.namespace, object.metadata.name);
    this.#objects.delete(`${object.kind}:${key}`);
    this.source(object.kind!).remove(key);
  }
}
