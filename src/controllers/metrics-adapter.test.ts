import { describe, expect, it } from 'vitest';
import { createMetrics } from '../observability/index.ts';
import { operatorMetrics } from './metrics-adapter.ts';

/* The operator's metric calls land on ESO's and controller-runtime's series. */

type Labels = Record<string, string | number>;

/** What prom-client's metrics answer to `get()`. */
interface Readable {
  get(): Promise<{ values: ReadonlyArray<{ labels: object; value: number }> }>;
}

/** The value of the first series of `metric` whose labels include `labels`. */
async function sample(metric: Readable, labels: Labels): Promise<number | undefined> {
  const { values } = await metric.get();
  const found = values.find((value) =>
    Object.entries(labels).every(([key, wanted]) => String((value.labels as Labels)[key]) === String(wanted)),
  );
  return found?.value;
}

function setup() {
  const metrics = createMetrics({ collectDefaultMetrics: false });
  return { metrics, adapter: operatorMetrics(metrics) };
}

const DB = { name: 'db', namespace: 'default' };

describe('operatorMetrics', () => {
  it('counts syncs and failed syncs per ExternalSecret and records the duration in nanoseconds', async () => {
    const { metrics, adapter } = setup();
    adapter.syncCompleted('default', 'db', true, 12);
    adapter.syncCompleted('default', 'db', false, 3);
    expect(await sample(metrics.externalSecretSyncCallsTotal, DB)).toBe(2);
    expect(await sample(metrics.externalSecretSyncCallsError, DB)).toBe(1);
    expect(await sample(metrics.externalSecretReconcileDuration, DB)).toBe(3_000_000);
  });

  it('sets the Ready condition gauge, and removes the series of a deleted ExternalSecret', async () => {
    const { metrics, adapter } = setup();
    adapter.readyCondition('default', 'db', true);
    const gauge = metrics.externalSecretStatusCondition;
    expect(await sample(gauge, { ...DB, condition: 'Ready', status: 'True' })).toBe(1);
    expect(await sample(gauge, { ...DB, condition: 'Ready', status: 'False' })).toBe(0);
    adapter.readyCondition('default', 'db', false);
    expect(await sample(gauge, { ...DB, condition: 'Ready', status: 'False' })).toBe(1);
    adapter.readyCondition('default', 'db', undefined);
    expect(await sample(gauge, DB)).toBeUndefined();
  });

  it('counts Secret writes by namespace and result', async () => {
    const { metrics, adapter } = setup();
    adapter.secretWritten('default', 'created');
    adapter.secretWritten('default', 'updated');
    adapter.secretWritten('default', 'updated');
    expect(await sample(metrics.secretWritesTotal, { namespace: 'default', result: 'updated' })).toBe(2);
  });

  it('sets store conditions on the gauge of their kind and forgets deleted stores', async () => {
    const { metrics, adapter } = setup();
    adapter.storeCondition('SecretStore', 'default', 'vault', true);
    adapter.storeCondition('ClusterSecretStore', undefined, 'shared', false);
    expect(
      await sample(metrics.secretStoreStatusCondition, {
        name: 'vault',
        namespace: 'default',
        condition: 'Ready',
        status: 'True',
      }),
    ).toBe(1);
    expect(
      await sample(metrics.clusterSecretStoreStatusCondition, {
        name: 'shared',
        condition: 'Ready',
        status: 'False',
      }),
    ).toBe(1);
    adapter.storeCondition('SecretStore', 'default', 'vault', undefined);
    expect(await sample(metrics.secretStoreStatusCondition, { name: 'vault' })).toBeUndefined();
  });

  it('sets the leader gauge', async () => {
    const { metrics, adapter } = setup();
    adapter.leader(true);
    expect(await sample(metrics.leader, {})).toBe(1);
    adapter.leader(false);
    expect(await sample(metrics.leader, {})).toBe(0);
  });

  it("maps reconcile outcomes onto controller-runtime's result labels", async () => {
    const { metrics, adapter } = setup();
    const outcome = { controller: 'externalsecret', key: 'default/db', durationMs: 5 };
    adapter.reconciled({ ...outcome, result: 'success' });
    adapter.reconciled({ ...outcome, result: 'error', error: new Error('x') });
    adapter.reconciled({ ...outcome, result: 'terminal', error: new Error('y') });
    const total = metrics.reconcileTotal;
    expect(await sample(total, { controller: 'externalsecret', result: 'success' })).toBe(1);
    expect(await sample(total, { controller: 'externalsecret', result: 'error' })).toBe(2);
    expect(await sample(metrics.reconcileErrorsTotal, { controller: 'externalsecret' })).toBe(2);
  });

  it('labels a reconcile that asked to come back after a delay requeue_after, as controller-runtime does', async () => {
    const { metrics, adapter } = setup();
    adapter.reconciled({ controller: 'externalsecret', key: 'default/db', durationMs: 5, result: 'requeue' });
    expect(
      await sample(metrics.reconcileTotal, { controller: 'externalsecret', result: 'requeue_after' }),
    ).toBe(1);
  });
});
