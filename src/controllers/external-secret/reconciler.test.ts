import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ANNOTATION_DATA_HASH,
  FINALIZER_EXTERNAL_SECRET_CLEANUP,
  LABEL_CREATED_BY,
  LABEL_MANAGED,
  type ExternalSecret,
} from '../../api/index.ts';
import { KvsyncError, isKvsyncError } from '../../errors.ts';
import { KubeApiError } from '../../kube/api-error.ts';
import { ProviderError } from '../../providers/errors.ts';
import { FakeClock, Informer, MemoryListWatchSource, TerminalError } from '../../runtime/index.ts';
import {
  FakeEventRecorder,
  FakeKube,
  FakeProvider,
  RecordingLogger,
  RecordingMetrics,
  leakForms,
  makeExternalSecret,
  settle,
} from '../test-support.ts';
import { createdByLabelValue, dataHash, syncedResourceVersion } from './hash.ts';
import { ExternalSecretReconciler, fieldManagerFor, type StoreAccess } from './reconciler.ts';
import type { SecretObject } from './target.ts';

/*
 * The ExternalSecret reconciler against an API server kept in memory (informers fed by it), a
 * provider kept in memory and a fake clock starting at 2026-01-01T00:00:00Z. Every test that
 * syncs also checks that the secret value never reaches an event, the status or a log line.
 */

const KEY = 'default/db';
const VALUE = 'Sup3r-S3cret-Value';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

interface SetupOptions {
  stores?: StoreAccess;
  refreshJitter?: number;
  random?: () => number;
  /** Informers over their own sources, which never see the reconciler's writes. */
  laggingCache?: boolean;
}

async function setup(objects: object[], options: SetupOptions = {}) {
  const clock = new FakeClock();
  const kube = new FakeKube();
  const seeded = objects.map((object) => kube.seed(object));
  const provider = new FakeProvider();
  provider.set('pg-password', VALUE);
  const events = new FakeEventRecorder();
  const metrics = new RecordingMetrics();
  const logger = new RecordingLogger();
  const esSource = options.laggingCache
    ? new MemoryListWatchSource<ExternalSecret>()
    : kube.source<ExternalSecret>('ExternalSecret');
  if (options.laggingCache)
    for (const object of seeded)
      if ((object as ExternalSecret).kind === 'ExternalSecret') esSource.put(object as ExternalSecret);
  const externalSecrets = new Informer<ExternalSecret>({ name: 'es', clock, source: esSource });
  const secrets = new Informer<SecretObject>({
    name: 'secrets',
    clock,
    source: options.laggingCache
      ? new MemoryListWatchSource<SecretObject>()
      : kube.source<SecretObject>('Secret'),
  });
  await Promise.all([externalSecrets.start(), secrets.start()]);
  const reconciler = new ExternalSecretReconciler({
    clock,
    kube,
    externalSecrets,
    secrets,
    stores: options.stores ?? { providerFor: async () => ({ provider }) },
    events,
    metrics,
    logger,
    ...(options.refreshJitter === undefined ? {} : { refreshJitter: options.refreshJitter }),
    ...(options.random ? { random: options.random } : {}),
  });
  const errors: unknown[] = [];
  const t = {
    clock,
    kube,
    provider,
    events,
    metrics,
    logger,
    reconciler,
    errors,
    es: () => kube.object<ExternalSecret>('ExternalSecret', 'default', 'db')!,
    secret: (name = 'db-secret') => kube.object<SecretObject>('Secret', 'default', name),
    /** Reconciles `default/db` and lets the informers see what was written. */
    async reconcile() {
      try {
        return await reconciler.reconcile(KEY);
      } catch (error) {
        errors.push(error);
        throw error;
      } finally {
        await settle();
      }
    },
    /** Changes the ExternalSecret as `kubectl apply` would. */
    async edit(change: (es: ExternalSecret) => void) {
      const es = t.es();
      change(es);
      await kube.replace(es);
      await settle();
    },
    async annotate(key: string, value: string) {
      await kube.mergePatch(
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: 'default', name: 'db' },
        { metadata: { annotations: { [key]: value } } },
      );
      await settle();
    },
    ready: () => t.es().status?.conditions?.find((condition) => condition.type === 'Ready'),
    /** Nothing a user or operator can read carries the value, raw or encoded. */
    expectNoLeak(value = VALUE) {
      const readable = [
        JSON.stringify(events.events),
        JSON.stringify(kube.object('ExternalSecret', 'default', 'db') ?? {}),
        JSON.stringify(kube.writes('ExternalSecret')),
        logger.text(),
        errors
          .map((error) => (error instanceof Error ? `${error.message} ${error.stack}` : String(error)))
          .join(),
      ].join('\n');
      for (const form of leakForms(value)) expect(readable).not.toContain(form);
    },
    stop() {
      externalSecrets.stop();
      secrets.stop();
    },
  };
  return t;
}

let current: Awaited<ReturnType<typeof setup>> | undefined;
afterEach(() => current?.stop());

async function start(es: ExternalSecret | object[] = makeExternalSecret(), options: SetupOptions = {}) {
  current = await setup(Array.isArray(es) ? es : [es], options);
  return current;
}

/** A first successful sync, then time moved on by `afterMs`. */
async function synced(es: ExternalSecret = makeExternalSecret(), afterMs = 0, options: SetupOptions = {}) {
  const t = await start(es, options);
  await t.reconcile();
  await t.clock.advance(afterMs);
  return t;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the reconcile to reject');
}

describe('ExternalSecretReconciler', () => {
  describe('first sync', () => {
    it("creates the Secret in ESO's format and records the sync in status", async () => {
      const t = await start();
      const uid = t.es().metadata.uid!;
      const result = await t.reconcile();

      expect(t.provider.calls).toEqual(['getSecret pg-password']);
      expect(t.secret()).toMatchObject({
        metadata: {
          name: 'db-secret',
          namespace: 'default',
          labels: { [LABEL_MANAGED]: 'true', [LABEL_CREATED_BY]: createdByLabelValue('default', 'db') },
          annotations: { [ANNOTATION_DATA_HASH]: dataHash({ password: Buffer.from(VALUE) }) },
          ownerReferences: [
            {
              apiVersion: 'external-secrets.io/v1',
              kind: 'ExternalSecret',
              name: 'db',
              uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        type: 'Opaque',
        data: { password: b64(VALUE) },
      });
      expect(t.kube.writes('Secret')).toEqual([
        expect.objectContaining({ verb: 'create', fieldManager: 'externalsecrets.external-secrets.io/db' }),
      ]);
      expect(t.es().status).toEqual({
        refreshTime: '2026-01-01T00:00:00Z',
        syncedResourceVersion: syncedResourceVersion(t.es().metadata),
        binding: { name: 'db-secret' },
        nextRefreshTime: '2026-01-01T01:00:00Z',
        syncedVersions: [
          { key: 'pg-password', secretKey: 'password', version: 'v1', updated: '2026-01-01T00:00:01Z' },
        ],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'SecretSynced',
            message: 'secret synced',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      });
      expect(result).toEqual({ requeueAfterMs: HOUR });
      expect(t.events.reasons()).toEqual(['Normal/Created']);
      expect(t.events.events[0]?.object).toMatchObject({
        kind: 'ExternalSecret',
        namespace: 'default',
        name: 'db',
        uid,
      });
      expect(t.metrics.calls).toEqual([
        'secretWritten default created',
        'syncCompleted default/db ok',
        'readyCondition default/db true',
      ]);
      t.expectNoLeak();
    });

    it('adds no finalizer with deletionPolicy Retain', async () => {
      const t = await synced();
      expect(t.kube.writes('ExternalSecret', 'mergePatch')).toEqual([]);
      expect(t.es().metadata.finalizers).toBeUndefined();
    });

    it('names the Secret after the ExternalSecret when target.name is empty', async () => {
      const t = await synced(makeExternalSecret({ target: {} }));
      expect(t.secret('db')?.data).toEqual({ password: b64(VALUE) });
      expect(t.es().status?.binding).toEqual({ name: 'db' });
    });
  });

  describe('the refresh gate', () => {
    it('does not call the provider before the refresh is due while the Secret is intact', async () => {
      const t = await synced(makeExternalSecret(), 10 * MINUTE);
      const writes = t.kube.writes().length;
      const result = await t.reconcile();
      expect(t.provider.calls).toEqual(['getSecret pg-password']);
      expect(t.kube.writes()).toHaveLength(writes);
      expect(result).toEqual({ requeueAfterMs: 50 * MINUTE });
    });

    it('refreshes once due: unchanged data writes no Secret, but status and a Synced event', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      const result = await t.reconcile();
      expect(t.provider.calls).toHaveLength(2);
      expect(t.kube.writes('Secret')).toHaveLength(1);
      expect(t.es().status?.refreshTime).toBe('2026-01-01T01:00:01Z');
      expect(t.es().status?.nextRefreshTime).toBe('2026-01-01T02:00:01Z');
      expect(t.events.reasons()).toEqual(['Normal/Created', 'Normal/Synced']);
      expect(result).toEqual({ requeueAfterMs: HOUR });
      t.expectNoLeak();
    });

    it('writes a rotated value into the Secret and records the new version', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      t.provider.set('pg-password', 'rotated-password', { version: 'v2' });
      await t.reconcile();
      expect(t.kube.writes('Secret').map((call) => call.verb)).toEqual(['create', 'replace']);
      expect(t.secret()?.data).toEqual({ password: b64('rotated-password') });
      expect(t.secret()?.metadata.annotations?.[ANNOTATION_DATA_HASH]).toBe(
        dataHash({ password: Buffer.from('rotated-password') }),
      );
      expect(t.es().status?.syncedVersions?.[0]?.version).toBe('v2');
      expect(t.events.reasons()).toEqual(['Normal/Created', 'Normal/Updated']);
      t.expectNoLeak('rotated-password');
    });

    it('keeps the last good value when Key Vault holds a version a failed rollout rejected', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      // The reloader records the rejection in status (a field this controller never writes).
      const rejection = {
        key: 'pg-password',
        version: 'v9',
        workload: 'Deployment/app',
        reason: 'crash-looping',
      };
      await t.kube.patchStatus(
        { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', namespace: 'default', name: 'db' },
        { status: { rejectedVersions: [rejection] } },
      );
      await settle();
      t.provider.set('pg-password', 'bad-password', { version: 'v9' });
      expect(await t.reconcile()).toMatchObject({ requeueAfterMs: expect.any(Number) });
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
      expect(t.ready()).toMatchObject({
        status: 'False',
        message: expect.stringContaining('rejected by Deployment/app'),
      });
      expect(t.events.reasons()).toContain('Warning/VersionRejected');
      // The rejection survives this controller's own status writes.
      expect(t.es().status?.rejectedVersions).toEqual([rejection]);
      t.provider.set('pg-password', 'good-password', { version: 'v10' });
      await t.clock.advance(HOUR);
      await t.reconcile();
      expect(t.secret()?.data).toEqual({ password: b64('good-password') });
      t.expectNoLeak('bad-password');
    });

    it('syncs at once when an annotation changes (force-sync)', async () => {
      const t = await synced(makeExternalSecret(), MINUTE);
      await t.annotate('force-sync', '1767225660');
      await t.reconcile();
      expect(t.provider.calls).toHaveLength(2);
      expect(t.es().status?.syncedResourceVersion).toBe(syncedResourceVersion(t.es().metadata));
      expect(t.es().status?.refreshTime).toBe('2026-01-01T00:01:00Z');
      // The ExternalSecret's annotations are copied onto the Secret.
      expect(t.secret()?.metadata.annotations?.['force-sync']).toBe('1767225660');
    });

    it('syncs at once on a spec change and counts the new interval from that sync', async () => {
      const t = await synced(makeExternalSecret(), 10 * MINUTE);
      await t.edit((es) => (es.spec.refreshInterval = '5m'));
      expect(await t.reconcile()).toEqual({ requeueAfterMs: 5 * MINUTE });
      expect(t.provider.calls).toHaveLength(2);
      expect(t.es().status?.nextRefreshTime).toBe('2026-01-01T00:15:00Z');
    });

    it('re-syncs at once when the Secret was edited or deleted', async () => {
      const t = await synced(makeExternalSecret(), MINUTE);
      const tampered = t.secret()!;
      tampered.data = { password: b64('tampered') };
      await t.kube.replace(tampered);
      await settle();
      await t.reconcile();
      expect(t.provider.calls).toHaveLength(2);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });

      await t.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'db-secret' });
      await settle();
      await t.reconcile();
      expect(t.provider.calls).toHaveLength(3);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('does not rewrite a Secret ESO wrote for the same data', async () => {
      const es = makeExternalSecret({}, { uid: 'es-uid' });
      const esoSecret: SecretObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'db-secret',
          namespace: 'default',
          labels: { [LABEL_MANAGED]: 'true', [LABEL_CREATED_BY]: createdByLabelValue('default', 'db') },
          annotations: { [ANNOTATION_DATA_HASH]: dataHash({ password: Buffer.from(VALUE) }) },
          ownerReferences: [
            {
              apiVersion: 'external-secrets.io/v1',
              kind: 'ExternalSecret',
              name: 'db',
              uid: 'es-uid',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        type: 'Opaque',
        data: { password: b64(VALUE) },
      };
      const t = await start([es, esoSecret]);
      await t.reconcile();
      expect(t.provider.calls).toHaveLength(1);
      expect(t.kube.writes('Secret')).toEqual([]);
      expect(t.ready()).toMatchObject({ status: 'True', reason: 'SecretSynced' });
    });

    it('uses its own last writes when the informer has not caught up (no second Key Vault read)', async () => {
      const t = await start(makeExternalSecret(), { laggingCache: true });
      await t.reconcile();
      await t.clock.advance(MINUTE);
      await t.reconcile();
      expect(t.provider.calls).toEqual(['getSecret pg-password']);
      expect(t.kube.writes('Secret')).toHaveLength(1);
    });

    it('does not spin between a jittered nextRefreshTime and refreshTime + interval', async () => {
      // With jitter the sync reports a next refresh before refreshTime + interval; a reconcile in
      // between must either sync or wait, never ask to come back at once (a hot loop).
      const t = await synced(makeExternalSecret(), 0, { refreshJitter: 0.1, random: () => 1 });
      expect(t.es().status?.nextRefreshTime).toBe('2026-01-01T00:54:00Z');
      await t.clock.advance(55 * MINUTE);
      const result = await t.reconcile();
      expect(result).toBeDefined();
      expect((result as { requeueAfterMs: number }).requeueAfterMs).toBeGreaterThan(0);
      // The jittered time is when Key Vault is read (refresh.ts: jitteredRefreshDue).
      expect(t.provider.calls).toHaveLength(2);
    });
  });

  describe('failures', () => {
    const forbidden = () =>
      new ProviderError(
        'ERR_PROVIDER_FORBIDDEN',
        "get secret 'pg-password' from https://our-vault.vault.azure.net: 403 — the identity needs 'get'",
        { statusCode: 403 },
      );

    it('keep the Secret untouched, write Ready=False with a Warning event, and rethrow for backoff', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      const before = t.secret();
      t.provider.fail('pg-password', forbidden());
      const error = await rejection(t.reconcile());
      expect(isKvsyncError(error, 'ERR_PROVIDER_FORBIDDEN')).toBe(true);
      expect(t.secret()).toEqual(before);
      expect(t.kube.writes('Secret')).toHaveLength(1);
      expect(t.ready()).toMatchObject({
        status: 'False',
        reason: 'SecretSyncedError',
        message: expect.stringContaining('403'),
        lastTransitionTime: '2026-01-01T01:00:01Z',
      });
      expect(t.es().status?.refreshTime).toBe('2026-01-01T00:00:00Z');
      expect(t.events.reasons()).toEqual(['Normal/Created', 'Warning/UpdateFailed']);
      expect(t.events.events[1]?.message).toContain('403');
      expect(t.metrics.calls).toContain('syncCompleted default/db error');
      expect(t.metrics.calls.at(-1)).toBe('readyCondition default/db false');
      expect(t.logger.lines.some((line) => line.level === 'warn')).toBe(true);
      t.expectNoLeak();
    });

    it('are retried with a fetch on the next attempt, and recovery flips Ready back', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      t.provider.fail('pg-password', forbidden());
      await rejection(t.reconcile());
      await t.clock.advance(5_000);
      t.provider.fail('pg-password', undefined);
      await t.reconcile();
      expect(t.provider.calls).toHaveLength(3);
      expect(t.ready()).toMatchObject({ status: 'True', lastTransitionTime: '2026-01-01T01:00:06Z' });
    });

    it('come back after the time a throttled provider asked for', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      t.provider.fail(
        'pg-password',
        new ProviderError('ERR_PROVIDER_THROTTLED', 'get secret: 429', {
          statusCode: 429,
          retryAfterMs: 30_000,
        }),
      );
      expect(await t.reconcile()).toEqual({ requeueAfterMs: 30_000 });
      expect(t.ready()).toMatchObject({ status: 'False', reason: 'SecretSyncedError' });
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('with deletionPolicy Retain, a missing remote key fails the sync and keeps the Secret', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      t.provider.remove('pg-password');
      const error = await rejection(t.reconcile());
      expect(isKvsyncError(error, 'ERR_PROVIDER_NOT_FOUND')).toBe(true);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('never put the value in events, status or logs, even when it cannot be decoded', async () => {
      const t = await start(
        makeExternalSecret({
          data: [{ secretKey: 'password', remoteRef: { key: 'pg-password', decodingStrategy: 'Base64' } }],
        }),
      );
      const error = await rejection(t.reconcile());
      expect(isKvsyncError(error, 'ERR_DECODING')).toBe(true);
      expect(t.ready()).toMatchObject({ status: 'False' });
      expect(t.secret()).toBeUndefined();
      t.expectNoLeak();
    });

    it('refuse a Secret controlled by another ExternalSecret and leave it alone', async () => {
      const foreign: SecretObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'db-secret',
          namespace: 'default',
          ownerReferences: [
            {
              apiVersion: 'external-secrets.io/v1',
              kind: 'ExternalSecret',
              name: 'other',
              uid: 'other-uid',
              controller: true,
            },
          ],
        },
        data: { password: b64('theirs') },
      };
      const t = await start([makeExternalSecret(), foreign]);
      const error = await rejection(t.reconcile());
      expect(isKvsyncError(error, 'ERR_TARGET_CONFLICT')).toBe(true);
      expect(t.kube.writes('Secret')).toEqual([]);
      expect(t.ready()?.message).toContain('target is owned by another ExternalSecret');
    });

    it('retry a write conflict on the Secret without reporting the sync as failed (as ESO)', async () => {
      const t = await synced(makeExternalSecret(), HOUR + 1_000);
      t.provider.set('pg-password', 'rotated');
      let conflicts = 0;
      t.kube.intercept = (call) =>
        call.verb === 'replace' && call.kind === 'Secret' && conflicts++ === 0
          ? new KubeApiError('update Secret default/db-secret', 409, 'Conflict', 'modified')
          : undefined;
      const outcome = await t.reconcile().then(
        (result) => result,
        (error: unknown) => error,
      );
      const retried =
        outcome instanceof Error || (outcome as { requeueAfterMs?: number })?.requeueAfterMs !== undefined;
      expect(retried).toBe(true);
      expect(t.events.reasons()).not.toContain('Warning/UpdateFailed');
      expect(t.ready()?.status).toBe('True');
    });

    it('refuse to change the data of an immutable Secret', async () => {
      const t = await synced(
        makeExternalSecret({ target: { name: 'db-secret', immutable: true } }),
        HOUR + 1_000,
      );
      expect(t.secret()?.immutable).toBe(true);
      t.provider.set('pg-password', 'rotated');
      const error = await rejection(t.reconcile());
      expect(isKvsyncError(error, 'ERR_TARGET_IMMUTABLE')).toBe(true);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });
  });

  describe('stores', () => {
    it('requeue quietly while the store has not been validated yet', async () => {
      const stores = {
        providerFor: async () => {
          throw new KvsyncError('ERR_STORE_NOT_VALIDATED', 'SecretStore "vault" has not been validated yet');
        },
      };
      const t = await start(makeExternalSecret(), { stores });
      expect(await t.reconcile()).toEqual({ requeueAfterMs: 5_000 });
      expect(t.kube.writes()).toEqual([]);
      expect(t.events.events).toEqual([]);
    });

    it('fail the sync while the store is not Ready (flood gate)', async () => {
      const stores = {
        providerFor: async () => {
          throw new KvsyncError(
            'ERR_STORE_NOT_READY',
            'SecretStore "vault" is not ready: identity not found',
          );
        },
      };
      const t = await start(makeExternalSecret(), { stores });
      const error = await rejection(t.reconcile());
      expect(isKvsyncError(error, 'ERR_STORE_NOT_READY')).toBe(true);
      expect(t.ready()).toMatchObject({ status: 'False', message: expect.stringContaining('not ready') });
    });

    it('leave an ExternalSecret of another controller class alone', async () => {
      const t = await start(makeExternalSecret(), { stores: { providerFor: async () => undefined } });
      expect(await t.reconcile()).toBeUndefined();
      expect(t.kube.writes()).toEqual([]);
    });
  });

  describe('creation policies', () => {
    it('Merge without an existing Secret creates nothing and reports SecretMissing', async () => {
      const t = await start(makeExternalSecret({ target: { name: 'db-secret', creationPolicy: 'Merge' } }));
      expect(await t.reconcile()).toEqual({ requeueAfterMs: HOUR });
      expect(t.secret()).toBeUndefined();
      expect(t.ready()).toMatchObject({
        status: 'True',
        reason: 'SecretMissing',
        message: 'secret will not be created due to CreationPolicy=Merge',
      });
    });

    it("Merge adds its keys to someone else's Secret without owning it", async () => {
      const theirs = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db-secret', namespace: 'default', labels: { app: 'web' } },
        data: { user: b64('app') },
      };
      const t = await start([
        makeExternalSecret({ target: { name: 'db-secret', creationPolicy: 'Merge' } }),
        theirs,
      ]);
      await t.reconcile();
      const secret = t.secret()!;
      expect(secret.data).toEqual({ password: b64(VALUE), user: b64('app') });
      expect(secret.metadata.ownerReferences).toBeUndefined();
      expect(secret.metadata.labels).toEqual({ app: 'web', [LABEL_MANAGED]: 'true' });
      expect(t.kube.writes('Secret').map((call) => call.verb)).toEqual(['replace']);
    });

    it('None writes no Secret but records the sync', async () => {
      const t = await start(makeExternalSecret({ target: { name: 'db-secret', creationPolicy: 'None' } }));
      await t.reconcile();
      expect(t.secret()).toBeUndefined();
      expect(t.kube.writes('Secret')).toEqual([]);
      expect(t.ready()).toMatchObject({ status: 'True', reason: 'SecretSynced' });
    });

    it('Owner deletes the Secret it wrote before target.name changed (as ESO)', async () => {
      const t = await synced(makeExternalSecret(), MINUTE);
      await t.edit((es) => (es.spec.target = { name: 'db-secret-v2' }));
      await t.reconcile();
      expect(t.secret('db-secret-v2')?.data).toEqual({ password: b64(VALUE) });
      expect(t.secret('db-secret')).toBeUndefined();
    });
  });

  describe('deletionPolicy Delete', () => {
    const deleting = () => makeExternalSecret({ target: { name: 'db-secret', deletionPolicy: 'Delete' } });

    it('adds the cleanup finalizer before syncing', async () => {
      const t = await synced(deleting());
      expect(t.es().metadata.finalizers).toEqual([FINALIZER_EXTERNAL_SECRET_CLEANUP]);
      expect(t.kube.writes('ExternalSecret', 'mergePatch')).toHaveLength(1);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('removes the finalizer when the policy is no longer Delete', async () => {
      const t = await synced(deleting(), MINUTE);
      await t.edit((es) => (es.spec.target = { name: 'db-secret', deletionPolicy: 'Retain' }));
      await t.reconcile();
      expect(t.es().metadata.finalizers ?? []).toEqual([]);
    });

    it('deletes its Secret when the remote data is gone and reports SecretDeleted', async () => {
      const t = await synced(deleting(), HOUR + 1_000);
      t.provider.remove('pg-password');
      await t.reconcile();
      expect(t.secret()).toBeUndefined();
      expect(t.ready()).toMatchObject({
        status: 'True',
        reason: 'SecretDeleted',
        message: 'secret deleted due to DeletionPolicy=Delete',
      });
      expect(t.events.reasons()).toEqual([
        'Normal/Created',
        'Warning/MissingProviderSecret',
        'Normal/Deleted',
      ]);
      expect(t.metrics.calls).toContain('secretWritten default deleted');
    });

    it('does not delete a Secret it does not own', async () => {
      const theirs = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db-secret', namespace: 'default' },
        data: { user: b64('app') },
      };
      const t = await start([deleting(), theirs]);
      t.provider.remove('pg-password');
      await t.reconcile();
      expect(t.secret()?.data).toEqual({ user: b64('app') });
      expect(t.kube.writes('Secret')).toEqual([]);
    });

    it('deletes its Secret and releases the finalizer when the ExternalSecret is deleted', async () => {
      const t = await synced(deleting(), MINUTE);
      await t.kube.delete({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        namespace: 'default',
        name: 'db',
      });
      await settle();
      expect(t.es().metadata.deletionTimestamp).toBeDefined();
      expect(await t.reconcile()).toBeUndefined();
      expect(t.secret()).toBeUndefined();
      expect(t.kube.object('ExternalSecret', 'default', 'db')).toBeUndefined();
      expect(t.metrics.calls.at(-1)).toBe('readyCondition default/db undefined');
      expect(t.provider.calls).toHaveLength(1);
    });
  });

  describe('invalid and missing ExternalSecrets', () => {
    it('report an invalid spec in status and a Warning event, then stop retrying (TerminalError)', async () => {
      const t = await start(makeExternalSecret({ refreshInterval: 'every hour' }));
      const error = await rejection(t.reconcile());
      expect(error).toBeInstanceOf(TerminalError);
      expect(t.ready()).toMatchObject({
        status: 'False',
        reason: 'SecretSyncedError',
        message: expect.stringContaining('spec.refreshInterval'),
      });
      expect(t.events.reasons()).toEqual(['Warning/UpdateFailed']);
      expect(t.provider.calls).toEqual([]);
      expect(t.secret()).toBeUndefined();
    });

    it('report ESO features kvsync lacks instead of syncing something else', async () => {
      const es = makeExternalSecret();
      es.spec.target = { ...es.spec.target, template: { data: { url: 'postgres://{{ .password }}@db' } } };
      const t = await start(es);
      const error = await rejection(t.reconcile());
      expect(error).toBeInstanceOf(TerminalError);
      expect(t.ready()).toMatchObject({
        status: 'False',
        reason: 'SecretSyncedError',
        message: 'spec.target.template.data is not supported by kvsync yet',
      });
      expect(t.provider.calls).toEqual([]);
      expect(t.secret()).toBeUndefined();
    });

    it('forget the metrics of an ExternalSecret that no longer exists', async () => {
      const t = await start([]);
      expect(await t.reconcile()).toBeUndefined();
      expect(t.metrics.calls).toEqual(['readyCondition default/db undefined']);
    });
  });
});

describe('fieldManagerFor', () => {
  const sha3 = (text: string) => createHash('sha3-224').update(text, 'utf8').digest('hex');

  it("is ESO's field manager for the ExternalSecret's Secret writes", () => {
    expect(fieldManagerFor('db')).toBe('externalsecrets.external-secrets.io/db');
    const longest = 'n'.repeat(27); // 36 + 27 = 63 characters
    expect(fieldManagerFor(longest)).toBe(`externalsecrets.external-secrets.io/${longest}`);
  });

  it("switches to ESO's SHA3 form past 63 characters", () => {
    const name = 'database-credentials-production';
    expect(fieldManagerFor(name)).toBe(`externalsecrets.external-secrets.io/sha3/${sha3(name)}`);
  });
});
