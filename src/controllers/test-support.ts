import type {
  ClusterSecretStore,
  ExternalSecret,
  ExternalSecretSpec,
  ObjectMeta,
  SecretStore,
} from '../api/index.ts';
import type { EventRecorder, EventType, InvolvedObject } from '../kube/index.ts';
import { ProviderError } from '../providers/errors.ts';
import type { RemoteMap, RemoteRef, RemoteValue, SecretsProvider } from '../providers/provider.ts';
import type { ReconcileOutcome } from '../runtime/index.ts';

/**
 * Fakes at the edges of the controllers, for their unit tests only (not exported by any
 * index): the in-memory Kubernetes API (`fake-kube.ts`), an event recorder, a provider, a
 * logger and metrics that record what they are told.
 */

import { keyOf } from './fake-kube.ts';

export { FakeKube, type KubeCall } from './fake-kube.ts';

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
