import type { KubeConfig } from '@kubernetes/client-node';
import type {
  ClusterSecretStore,
  ExternalSecret,
  ExternalSecretSpec,
  ObjectMeta,
  SecretStore,
} from '../api/index.ts';
import { KubeApiError } from '../kube/api-error.ts';
import type {
  EventRecorder,
  EventType,
  InvolvedObject,
  KubeClient,
  ListScope,
  ObjectRef,
} from '../kube/index.ts';
import { ProviderError } from '../providers/errors.ts';
import type { RemoteMap, RemoteRef, RemoteValue, SecretsProvider } from '../providers/provider.ts';
import {
  MemoryLeaseStore,
  MemoryListWatchSource,
  type LeaseLock,
  type ListWatchSource,
  type ObjectWithMeta,
  type ReconcileOutcome,
} from '../runtime/index.ts';

/**
 * Fakes at the edges of the controllers, for their unit tests only (not exported by any
 * index): a Kubernetes API kept in memory whose list/watch sources feed real informers, an
 * event recorder, a provider, a logger and metrics that record what they are told.
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

function keyOf(namespace: string | undefined, name: string | undefined): string {
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

export interface RecordedEvent {
  object: InvolvedObject;
  type: EventType;
  reason: string;
  message: string;
}

/** Records events instead of writing them. */
export class FakeEventRecorder implements EventRecorder {
  readonly events: RecordedEvent[] = [];

  record(object: InvolvedObject, type: EventType, reason: string, message: string): void {
    this.events.push({ object, type, reason, message });
  }

  /** `Type/Reason` of each event, in order. */
  reasons(): string[] {
    return this.events.map((event) => `${event.type}/${event.reason}`);
  }
}

interface RemoteEntry {
  value: Buffer;
  version: string;
  updatedOn: Date;
}

/**
 * A provider over an in-memory vault. `getSecret` reads a whole value or a JSON `property`;
 * `getSecretMap` expands a JSON object (non-string members as JSON text). Missing keys are
 * ERR_PROVIDER_NOT_FOUND; `fail(key, error)` makes reads of `key` throw `error`.
 */
export class FakeProvider implements SecretsProvider {
  /** `getSecret <key>`, `getSecretMap <key>`, `validate`, in order. */
  readonly calls: string[] = [];
  validateError: Error | undefined;
  /** When set, `validate()` waits for it. */
  validateGate: Promise<void> | undefined;
  closed = false;
  readonly #entries = new Map<string, RemoteEntry>();
  readonly #failures = new Map<string, Error>();
  #versions = 0;

  /** Creates or replaces `key` with a new version (default `v<n>`), updated at `updatedOn`. */
  set(key: string, value: string | Buffer, options: { version?: string; updatedOn?: Date } = {}): void {
    this.#versions += 1;
    this.#entries.set(key, {
      value: Buffer.from(value),
      version: options.version ?? `v${this.#versions}`,
      updatedOn: options.updatedOn ?? new Date(Date.UTC(2026, 0, 1, 0, 0, this.#versions)),
    });
  }

  remove(key: string): void {
    this.#entries.delete(key);
  }

  fail(key: string, error: Error | undefined): void {
    if (error) this.#failures.set(key, error);
    else this.#failures.delete(key);
  }

  async getSecret(ref: RemoteRef): Promise<RemoteValue> {
    this.calls.push(`getSecret ${ref.key}`);
    const entry = this.#read(ref.key);
    const source = this.#source(ref.key, entry);
    if (ref.property === undefined) return { value: Buffer.from(entry.value), source };
    const member = (JSON.parse(entry.value.toString('utf8')) as Record<string, unknown>)[ref.property];
    if (member === undefined)
      throw new ProviderError('ERR_PROPERTY_NOT_FOUND', `property '${ref.property}' missing in '${ref.key}'`);
    return { value: Buffer.from(typeof member === 'string' ? member : JSON.stringify(member)), source };
  }

  async getSecretMap(ref: RemoteRef): Promise<RemoteMap> {
    this.calls.push(`getSecretMap ${ref.key}`);
    const entry = this.#read(ref.key);
    const object = JSON.parse(entry.value.toString('utf8')) as Record<string, unknown>;
    const values = new Map(
      Object.entries(object).map(([key, member]) => [
        key,
        Buffer.from(typeof member === 'string' ? member : JSON.stringify(member)),
      ]),
    );
    return { values, source: this.#source(ref.key, entry) };
  }

  async validate(): Promise<void> {
    this.calls.push('validate');
    await this.validateGate;
    if (this.validateError) throw this.validateError;
  }

  close(): void {
    this.closed = true;
  }

  #read(key: string): RemoteEntry {
    const failure = this.#failures.get(key);
    if (failure) throw failure;
    const entry = this.#entries.get(key);
    if (!entry) throw new ProviderError('ERR_PROVIDER_NOT_FOUND', `secret '${key}' not found`);
    return entry;
  }

  #source(key: string, entry: RemoteEntry) {
    return {
      key,
      name: key,
      objectType: 'secret' as const,
      version: entry.version,
      updatedOn: entry.updatedOn,
    };
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** Records log lines; `text()` renders them (errors with message and stack) for leak checks. */
export class RecordingLogger {
  readonly lines: LogLine[] = [];

  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }

  text(): string {
    return JSON.stringify(this.lines, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value,
    );
  }
}

/** Records every metric call as a short string, e.g. `syncCompleted default/db ok`. */
export class RecordingMetrics {
  readonly calls: string[] = [];
  readonly outcomes: ReconcileOutcome[] = [];

  syncCompleted(namespace: string, name: string, ok: boolean): void {
    this.calls.push(`syncCompleted ${namespace}/${name} ${ok ? 'ok' : 'error'}`);
  }

  readyCondition(namespace: string, name: string, ready: boolean | undefined): void {
    this.calls.push(`readyCondition ${namespace}/${name} ${String(ready)}`);
  }

  secretWritten(namespace: string, result: 'created' | 'updated' | 'deleted'): void {
    this.calls.push(`secretWritten ${namespace} ${result}`);
  }

  storeCondition(
    kind: string,
    namespace: string | undefined,
    name: string,
    ready: boolean | undefined,
  ): void {
    this.calls.push(`storeCondition ${kind} ${keyOf(namespace, name)} ${String(ready)}`);
  }

  leader(isLeader: boolean): void {
    this.calls.push(`leader ${isLeader}`);
  }

  reconciled(outcome: ReconcileOutcome): void {
    this.outcomes.push(outcome);
  }

  /** Keys reconciled by `controller`, in order. */
  reconciledKeys(controller: string): string[] {
    return this.outcomes.filter((outcome) => outcome.controller === controller).map((outcome) => outcome.key);
  }
}

/** An ExternalSecret `default/db` reading `pg-password` into key `password` of Secret `db-secret`. */
export function makeExternalSecret(
  spec: Partial<ExternalSecretSpec> = {},
  metadata: Partial<ObjectMeta> = {},
): ExternalSecret {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'db', namespace: 'default', ...metadata },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'vault', kind: 'SecretStore' },
      target: { name: 'db-secret' },
      data: [{ secretKey: 'password', remoteRef: { key: 'pg-password' } }],
      ...spec,
    },
  };
}

/** `Ready` of a store: true, false, or undefined for "never validated" (no condition). */
function storeStatus(ready: boolean | undefined) {
  if (ready === undefined) return {};
  return {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: ready ? ('True' as const) : ('False' as const),
          reason: ready ? 'Valid' : 'InvalidProviderConfig',
          message: ready ? 'store validated' : 'identity not found',
          lastTransitionTime: '2026-01-01T00:00:00Z',
        },
      ],
    },
  };
}

const AZURE = { authType: 'ManagedIdentity' as const, vaultUrl: 'https://our-vault.vault.azure.net' };

/** A SecretStore for Azure Key Vault with managed identity, Ready as asked. */
export function makeSecretStore(
  name: string,
  namespace: string,
  options: { ready?: boolean; controller?: string } = {},
): SecretStore {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name, namespace },
    spec: {
      ...(options.controller ? { controller: options.controller } : {}),
      provider: { azurekv: { ...AZURE } },
    },
    ...storeStatus(options.ready),
  };
}

/** A ClusterSecretStore for Azure Key Vault with managed identity, Ready as asked. */
export function makeClusterSecretStore(
  name: string,
  options: {
    ready?: boolean;
    controller?: string;
    conditions?: ClusterSecretStore['spec']['conditions'];
  } = {},
): ClusterSecretStore {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name },
    spec: {
      ...(options.controller ? { controller: options.controller } : {}),
      ...(options.conditions ? { conditions: options.conditions } : {}),
      provider: { azurekv: { ...AZURE } },
    },
    ...storeStatus(options.ready),
  };
}

/** Lets pending promise chains and immediate callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Settles until `condition()` holds; throws after `rounds` tries. */
export async function until(condition: () => boolean, what: string, rounds = 200): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The forms a secret value could leak in: raw, base64 and base64url. Tests search every event,
 * status and log line for them.
 */
export function leakForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [value, bytes.toString('base64'), bytes.toString('base64url')];
}
