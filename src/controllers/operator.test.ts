import { afterEach, describe, expect, it } from 'vitest';
import { LABEL_MANAGED, type ExternalSecret, type SecretStore } from '../api/index.ts';
import { FakeClock } from '../runtime/index.ts';
import type { SecretObject } from './external-secret/target.ts';
import { startOperator, type Operator, type OperatorSettings } from './operator.ts';
import {
  FakeEventRecorder,
  FakeKube,
  FakeProvider,
  RecordingLogger,
  RecordingMetrics,
  makeExternalSecret,
  makeSecretStore,
  settle,
  until,
} from './test-support.ts';

/*
 * The operator wired over an API server kept in memory: which events enqueue which keys, and
 * when the controllers run. Back-off and requeue delays are an hour on a fake clock that never
 * moves, so every reconcile seen here was caused by an event.
 */

const HOUR = 3_600_000;
const VALUE = 'Sup3r-S3cret-Value';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const ES_REF = {
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  namespace: 'default',
  name: 'db',
};

/** What a test may arrange before the operator starts. */
type Prepare = (edges: { kube: FakeKube; provider: FakeProvider }) => void | Promise<void>;

async function setup(objects: object[], settings: Partial<OperatorSettings> = {}, prepare?: Prepare) {
  const clock = new FakeClock();
  const kube = new FakeKube();
  for (const object of objects) kube.seed(object);
  const provider = new FakeProvider();
  provider.set('pg-password', VALUE);
  await prepare?.({ kube, provider });
  const metrics = new RecordingMetrics();
  const events = new FakeEventRecorder();
  const logger = new RecordingLogger();
  const operator = await startOperator({
    settings: {
      namespaces: [],
      controllerClass: 'default',
      workers: 2,
      floodGate: true,
      storeRequeueMs: HOUR,
      requeueBaseDelayMs: HOUR,
      requeueMaxDelayMs: HOUR,
      refreshJitter: 0,
      ...settings,
    },
    clock,
    kube,
    providers: { providerFor: async () => provider },
    events,
    metrics,
    logger,
  });
  const t = {
    clock,
    kube,
    provider,
    metrics,
    events,
    logger,
    operator,
    es: (namespace = 'default', name = 'db') =>
      kube.object<ExternalSecret>('ExternalSecret', namespace, name),
    secret: (name = 'db-secret', namespace = 'default') =>
      kube.object<SecretObject>('Secret', namespace, name),
    esReconciles: () => metrics.reconciledKeys('externalsecret'),
    /** Key Vault reads (validations left out). */
    reads: () => provider.calls.filter((call) => call !== 'validate'),
    /** Lets every queued reconcile run until nothing more happens. */
    async quiesce() {
      let seen = -1;
      for (let stable = 0; stable < 5;) {
        await settle();
        const now = metrics.outcomes.length + kube.calls.length;
        stable = now === seen ? stable + 1 : 0;
        seen = now;
      }
    },
  };
  return t;
}

let running: Operator | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(objects: object[], settings: Partial<OperatorSettings> = {}, prepare?: Prepare) {
  const t = await setup(objects, settings, prepare);
  running = t.operator;
  return t;
}

describe('startOperator', () => {
  it('without leader election starts the controllers, which validate stores and sync ExternalSecrets', async () => {
    const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
    await until(() => t.secret() !== undefined, 'the Secret');
    await t.quiesce();
    expect(t.operator.isLeader()).toBe(true);
    expect(t.operator.ready()).toBe(true);
    expect(t.metrics.calls).toContain('leader true');
    expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    expect(t.es()?.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(t.metrics.reconciledKeys('secretstore')).toContain('SecretStore:default/vault');
  });

  it('watches one namespace only when configured so, and managed Secrets only', async () => {
    const t = await start([], { namespaces: ['team-a'] });
    const scopes = Object.fromEntries(t.kube.scopes.map((scope) => [scope.kind, scope]));
    expect(scopes['ExternalSecret']?.namespace).toBe('team-a');
    expect(scopes['SecretStore']?.namespace).toBe('team-a');
    expect(scopes['ClusterSecretStore']?.namespace).toBeUndefined();
    expect(scopes['Secret']).toMatchObject({ namespace: 'team-a', labelSelector: `${LABEL_MANAGED}=true` });
  });

  it('does not reconcile ExternalSecrets outside the configured namespaces', async () => {
    const t = await start(
      [
        makeSecretStore('vault', 'team-a', { ready: true }),
        makeSecretStore('vault', 'team-b', { ready: true }),
        makeExternalSecret({}, { namespace: 'team-a' }),
        makeExternalSecret({}, { namespace: 'team-b' }),
      ],
      { namespaces: ['team-a', 'team-c'] },
    );
    await until(() => t.secret('db-secret', 'team-a') !== undefined, 'the Secret in team-a');
    await t.quiesce();
    expect(t.esReconciles()).not.toContain('team-b/db');
    expect(t.secret('db-secret', 'team-b')).toBeUndefined();
  });

  describe('ExternalSecret events', () => {
    it('ignore status-only updates but reconcile on a metadata change', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
      await until(() => t.secret() !== undefined, 'the Secret');
      await t.quiesce();
      const before = t.esReconciles().length;

      await t.kube.patchStatus(ES_REF, { status: { binding: { name: 'someone-else' } } });
      await t.quiesce();
      expect(t.esReconciles()).toHaveLength(before);

      await t.kube.mergePatch(ES_REF, { metadata: { annotations: { 'force-sync': '1' } } });
      await t.quiesce();
      expect(t.esReconciles().length).toBeGreaterThan(before);
      expect(t.reads()).toHaveLength(2);
    });

    it('reconcile on a spec change', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
      await until(() => t.secret() !== undefined, 'the Secret');
      await t.quiesce();
      const es = t.es()!;
      es.spec.refreshInterval = '5m';
      await t.kube.replace(es);
      await t.quiesce();
      expect(t.reads()).toHaveLength(2);
      expect(t.es()?.status?.nextRefreshTime).toBe('2026-01-01T00:05:00Z');
    });
  });

  describe('Secret events', () => {
    it('reconcile the ExternalSecret that targets the Secret, which restores an edited Secret', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
      await until(() => t.secret() !== undefined, 'the Secret');
      await t.quiesce();
      const tampered = t.secret()!;
      tampered.data = { password: b64('tampered') };
      await t.kube.replace(tampered);
      await t.quiesce();
      expect(t.reads()).toHaveLength(2);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('of a Secret no ExternalSecret targets reconcile nothing', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
      await until(() => t.secret() !== undefined, 'the Secret');
      await t.quiesce();
      const before = t.esReconciles().length;
      await t.kube.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'unrelated', namespace: 'default', labels: { [LABEL_MANAGED]: 'true' } },
        data: {},
      });
      await t.quiesce();
      expect(t.esReconciles()).toHaveLength(before);
    });
  });

  describe('store events', () => {
    it('a store becoming Ready enqueues the ExternalSecrets that use it', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const t = await start(
        [makeSecretStore('vault', 'default'), makeExternalSecret()],
        {},
        ({ provider }) => {
          provider.validateGate = gate;
        },
      );
      // The ExternalSecret was looked at before its store was validated, and is waiting.
      await until(() => t.esReconciles().includes('default/db'), 'a first reconcile');
      await t.quiesce();
      expect(t.secret()).toBeUndefined();
      release();
      await until(() => t.secret() !== undefined, 'the Secret after the store became Ready');
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('a deleted store enqueues the ExternalSecrets that used it; the refresh rules decide the rest', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
      await until(() => t.secret() !== undefined, 'the Secret');
      await t.quiesce();
      const before = t.esReconciles().length;
      await t.kube.delete({
        apiVersion: 'external-secrets.io/v1',
        kind: 'SecretStore',
        namespace: 'default',
        name: 'vault',
      });
      await t.quiesce();
      expect(t.esReconciles().length).toBeGreaterThan(before);
      // Not due and the Secret intact: Key Vault is not read and the Secret stays.
      expect(t.reads()).toHaveLength(1);
      expect(t.secret()?.data).toEqual({ password: b64(VALUE) });
    });

    it('a spec change of a store re-validates it', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true })]);
      await t.quiesce();
      const validations = t.provider.calls.filter((call) => call === 'validate').length;
      const store = t.kube.object<SecretStore>('SecretStore', 'default', 'vault')!;
      store.spec.provider.azurekv!.vaultUrl = 'https://other-vault.vault.azure.net';
      await t.kube.replace(store);
      await t.quiesce();
      expect(t.provider.calls.filter((call) => call === 'validate')).toHaveLength(validations + 1);
    });
  });

  describe('leader election', () => {
    const election = {
      namespace: 'kvsync-system',
      name: 'kvsync-leader',
      identity: 'pod-a',
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    };

    it('starts the controllers once this replica holds the lease', async () => {
      const t = await start([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()], {
        leaderElection: election,
      });
      await until(() => t.operator.isLeader(), 'leadership');
      await until(() => t.secret() !== undefined, 'the Secret');
      expect(t.kube.leases.current()?.record.holderIdentity).toBe('pod-a');
    });

    it('keeps the caches warm but reconciles nothing while another replica leads', async () => {
      // pod-a took the lease just before; its lease does not expire while the clock stands still.
      const t = await start(
        [makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()],
        { leaderElection: { ...election, identity: 'pod-b' } },
        async ({ kube }) => {
          await kube.leases
            .lock()
            .create({ holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00Z' });
        },
      );
      await t.quiesce();
      expect(t.operator.isLeader()).toBe(false);
      expect(t.operator.ready()).toBe(true);
      expect(t.operator.externalSecrets.list()).toHaveLength(1);
      expect(t.metrics.outcomes).toEqual([]);
      expect(t.secret()).toBeUndefined();
    });
  });

  it('stop() ends the controllers: later changes reconcile nothing', async () => {
    const t = await setup([makeSecretStore('vault', 'default', { ready: true }), makeExternalSecret()]);
    await until(() => t.secret() !== undefined, 'the Secret');
    await t.quiesce();
    await t.operator.stop();
    const before = t.metrics.outcomes.length;
    await t.kube.mergePatch(ES_REF, { metadata: { annotations: { 'force-sync': '2' } } });
    await t.quiesce();
    expect(t.metrics.outcomes).toHaveLength(before);
    expect(t.metrics.calls).toContain('leader false');
  });
});
