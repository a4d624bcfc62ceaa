import { describe, expect, it } from 'vitest';
import { METRIC } from './metric-names.ts';
import { createMetrics, type Metrics } from './metrics.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
}

/** A strict enough reader of the Prometheus text format for these tests. */
function parseExposition(body: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of body.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) types.set(type[1] as string, type[2] as string);
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return { samples, types };
}

async function scrape(metrics: Metrics): Promise<Exposition> {
  return parseExposition((await metrics.render()).body);
}

function values(exposition: Exposition, name: string, where: Record<string, string> = {}): Sample[] {
  return exposition.samples.filter(
    (sample) =>
      sample.name === name && Object.entries(where).every(([key, value]) => sample.labels[key] === value),
  );
}

function series(
  exposition: Exposition,
  name: string,
  where: Record<string, string> = {},
): Record<string, number> {
  return Object.fromEntries(
    values(exposition, name, where).map((sample) => [
      `${sample.labels['condition']}/${sample.labels['status']}`,
      sample.value,
    ]),
  );
}

const DB = { name: 'database-credentials', namespace: 'default' };

describe('createMetrics', () => {
  it('renders the Prometheus text format with every metric typed as ESO and controller-runtime do', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const rendered = await metrics.render();
    expect(rendered.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types } = parseExposition(rendered.body);
    expect(Object.fromEntries(types)).toEqual({
      [METRIC.externalSecretSyncCallsTotal]: 'counter',
      [METRIC.externalSecretSyncCallsError]: 'counter',
      [METRIC.externalSecretStatusCondition]: 'gauge',
      [METRIC.externalSecretReconcileDuration]: 'gauge',
      [METRIC.externalSecretProviderApiCallsCount]: 'counter',
      [METRIC.secretStoreStatusCondition]: 'gauge',
      [METRIC.secretStoreReconcileDuration]: 'gauge',
      [METRIC.clusterSecretStoreStatusCondition]: 'gauge',
      [METRIC.clusterSecretStoreReconcileDuration]: 'gauge',
      [METRIC.workqueueDepth]: 'gauge',
      [METRIC.workqueueAddsTotal]: 'counter',
      [METRIC.workqueueRetriesTotal]: 'counter',
      [METRIC.reconcileTotal]: 'counter',
      [METRIC.reconcileTimeSeconds]: 'histogram',
      [METRIC.reconcileErrorsTotal]: 'counter',
      [METRIC.leader]: 'gauge',
      [METRIC.keyVaultRequestsTotal]: 'counter',
      [METRIC.secretWritesTotal]: 'counter',
      [METRIC.eventGridEventsTotal]: 'counter',
      [METRIC.eventGridRejectedTotal]: 'counter',
      [METRIC.eventGridHandshakesTotal]: 'counter',
      [METRIC.eventGridRelayedTotal]: 'counter',
      [METRIC.eventGridLastEventSeconds]: 'gauge',
      [METRIC.keyVaultThrottledTotal]: 'counter',
      [METRIC.keyVaultPausedSeconds]: 'gauge',
      [METRIC.secretExpiryEventsTotal]: 'counter',
      [METRIC.reloaderRestartsTotal]: 'counter',
      [METRIC.reloaderRolloutsTotal]: 'counter',
      [METRIC.reloaderPendingRestarts]: 'gauge',
      [METRIC.reloaderRolloutsInProgress]: 'gauge',
      [METRIC.stalePods]: 'gauge',
      [METRIC.buildInfo]: 'gauge',
    });
  });

  it('keeps ESO names exactly', () => {
    expect(METRIC).toMatchObject({
      externalSecretSyncCallsTotal: 'externalsecret_sync_calls_total',
      externalSecretSyncCallsError: 'externalsecret_sync_calls_error',
      externalSecretStatusCondition: 'externalsecret_status_condition',
      externalSecretReconcileDuration: 'externalsecret_reconcile_duration',
      externalSecretProviderApiCallsCount: 'externalsecret_provider_api_calls_count',
      secretStoreStatusCondition: 'secretstore_status_condition',
      clusterSecretStoreStatusCondition: 'clustersecretstore_status_condition',
      workqueueDepth: 'workqueue_depth',
      reconcileTotal: 'controller_runtime_reconcile_total',
      reconcileTimeSeconds: 'controller_runtime_reconcile_time_seconds',
    });
  });

  it('starts standby with the build version', async () => {
    const metrics = createMetrics({ version: '1.2.3', collectDefaultMetrics: false });
    let exposition = await scrape(metrics);
    expect(values(exposition, METRIC.leader)).toEqual([{ name: METRIC.leader, labels: {}, value: 0 }]);
    expect(values(exposition, METRIC.buildInfo)).toEqual([
      { name: METRIC.buildInfo, labels: { version: '1.2.3' }, value: 1 },
    ]);
    metrics.setLeader(true);
    exposition = await scrape(metrics);
    expect(values(exposition, METRIC.leader)[0]?.value).toBe(1);
    metrics.setLeader(false);
    expect(values(await scrape(metrics), METRIC.leader)[0]?.value).toBe(0);
  });

  it('includes the default process metrics on its own registry', async () => {
    const { types } = await scrape(createMetrics());
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
  });

  it('keeps instances apart: nothing is global', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.externalSecretSyncCallsTotal.inc(DB);
    expect(values(await scrape(a), METRIC.externalSecretSyncCallsTotal)).toHaveLength(1);
    expect(values(await scrape(b), METRIC.externalSecretSyncCallsTotal)).toHaveLength(0);
  });
});

describe('ExternalSecret helpers', () => {
  it('sets the True/False pair of Ready as ESO does', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.setExternalSecretCondition(DB, 'Ready', 'True');
    expect(series(await scrape(metrics), METRIC.externalSecretStatusCondition, DB)).toEqual({
      'Ready/True': 1,
      'Ready/False': 0,
    });
    metrics.setExternalSecretCondition(DB, 'Ready', 'False');
    expect(series(await scrape(metrics), METRIC.externalSecretStatusCondition, DB)).toEqual({
      'Ready/True': 0,
      'Ready/False': 1,
    });
  });

  it('replaces Ready by Deleted and back', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.setExternalSecretCondition(DB, 'Ready', 'True');
    metrics.setExternalSecretCondition(DB, 'Deleted', 'True');
    expect(series(await scrape(metrics), METRIC.externalSecretStatusCondition, DB)).toEqual({
      'Deleted/True': 1,
    });
    metrics.setExternalSecretCondition(DB, 'Ready', 'Unknown');
    expect(series(await scrape(metrics), METRIC.externalSecretStatusCondition, DB)).toEqual({
      'Ready/Unknown': 1,
    });
  });

  it('records reconcile duration in nanoseconds', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.recordExternalSecretReconcile(DB, 12.5);
    expect(values(await scrape(metrics), METRIC.externalSecretReconcileDuration, DB)[0]?.value).toBe(
      12_500_000,
    );
  });

  it('forgets every series of a deleted ExternalSecret and only those', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const other = { name: 'other', namespace: 'default' };
    for (const ref of [DB, other]) {
      metrics.externalSecretSyncCallsTotal.inc(ref);
      metrics.externalSecretSyncCallsError.inc(ref);
      metrics.recordExternalSecretReconcile(ref, 1);
      metrics.setExternalSecretCondition(ref, 'Ready', 'False');
    }
    metrics.forgetExternalSecret(DB);
    metrics.forgetExternalSecret({ name: 'never-seen', namespace: 'x' });
    const exposition = await scrape(metrics);
    const byName = exposition.samples.filter((sample) => sample.labels['name'] !== undefined);
    expect(byName.filter((sample) => sample.labels['name'] === DB.name)).toEqual([]);
    expect(byName.filter((sample) => sample.labels['name'] === other.name)).toHaveLength(5);
  });
});

describe('store helpers', () => {
  it('sets condition pairs for both kinds; ClusterSecretStore series carry no namespace', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.setStoreCondition(
      { kind: 'SecretStore', name: 'azure-backend', namespace: 'default' },
      'Ready',
      'True',
    );
    metrics.setStoreCondition({ kind: 'ClusterSecretStore', name: 'global' }, 'Ready', 'False');
    metrics.recordStoreReconcile({ kind: 'ClusterSecretStore', name: 'global' }, 2);
    const exposition = await scrape(metrics);
    expect(
      series(exposition, METRIC.secretStoreStatusCondition, { name: 'azure-backend', namespace: 'default' }),
    ).toEqual({
      'Ready/True': 1,
      'Ready/False': 0,
    });
    expect(series(exposition, METRIC.clusterSecretStoreStatusCondition, { name: 'global' })).toEqual({
      'Ready/True': 0,
      'Ready/False': 1,
    });
    expect(values(exposition, METRIC.clusterSecretStoreStatusCondition)[0]?.labels).not.toHaveProperty(
      'namespace',
    );
    expect(values(exposition, METRIC.clusterSecretStoreReconcileDuration)).toEqual([
      { name: METRIC.clusterSecretStoreReconcileDuration, labels: { name: 'global' }, value: 2_000_000 },
    ]);
  });

  it('forgets a deleted store', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    const store = { kind: 'SecretStore', name: 's', namespace: 'n' } as const;
    metrics.setStoreCondition(store, 'Ready', 'True');
    metrics.recordStoreReconcile(store, 1);
    metrics.forgetStore(store);
    const exposition = await scrape(metrics);
    expect(values(exposition, METRIC.secretStoreStatusCondition)).toEqual([]);
    expect(values(exposition, METRIC.secretStoreReconcileDuration)).toEqual([]);
  });
});

describe('controller-runtime helpers', () => {
  it('counts reconciles by result, observes seconds, and counts errors', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.recordReconcile('externalsecret', 'success', 40);
    metrics.recordReconcile('externalsecret', 'error', 3_000);
    metrics.recordReconcile('externalsecret', 'requeue_after', 1);
    const exposition = await scrape(metrics);
    const total = (result: string) =>
      values(exposition, METRIC.reconcileTotal, { controller: 'externalsecret', result })[0]?.value;
    expect([total('success'), total('error'), total('requeue_after')]).toEqual([1, 1, 1]);
    expect(values(exposition, METRIC.reconcileErrorsTotal, { controller: 'externalsecret' })[0]?.value).toBe(
      1,
    );
    const histogram = (suffix: string, where: Record<string, string> = {}) =>
      values(exposition, `${METRIC.reconcileTimeSeconds}${suffix}`, {
        controller: 'externalsecret',
        ...where,
      })[0]?.value;
    expect(histogram('_count')).toBe(3);
    expect(histogram('_sum')).toBeCloseTo(3.041);
    expect(histogram('_bucket', { le: '0.05' })).toBe(2);
    expect(histogram('_bucket', { le: '2.5' })).toBe(2);
    expect(histogram('_bucket', { le: '3' })).toBe(3);
    expect(histogram('_bucket', { le: '+Inf' })).toBe(3);
  });

  it('exposes work queue and kvsync counters with their labels', async () => {
    const metrics = createMetrics({ collectDefaultMetrics: false });
    metrics.workqueueDepth.set({ name: 'externalsecret' }, 7);
    metrics.workqueueAddsTotal.inc({ name: 'externalsecret' }, 3);
    metrics.workqueueRetriesTotal.inc({ name: 'externalsecret' });
    metrics.keyVaultRequestsTotal.inc({ vault: 'our-vault', operation: 'getSecret', status: '200' });
    metrics.secretWritesTotal.inc({ namespace: 'default', result: 'updated' });
    metrics.externalSecretProviderApiCallsCount.inc({
      provider: 'AzureKeyVault',
      call: 'GetSecret',
      status: 'success',
    });
    const exposition = await scrape(metrics);
    expect(values(exposition, METRIC.workqueueDepth)).toEqual([
      { name: METRIC.workqueueDepth, labels: { name: 'externalsecret' }, value: 7 },
    ]);
    expect(values(exposition, METRIC.workqueueAddsTotal)[0]?.value).toBe(3);
    expect(values(exposition, METRIC.workqueueRetriesTotal)[0]?.value).toBe(1);
    expect(values(exposition, METRIC.keyVaultRequestsTotal)[0]?.labels).toEqual({
      vault: 'our-vault',
      operation: 'getSecret',
      status: '200',
    });
    expect(values(exposition, METRIC.secretWritesTotal)[0]?.labels).toEqual({
      namespace: 'default',
      result: 'updated',
    });
    expect(values(exposition, METRIC.externalSecretProviderApiCallsCount)[0]?.labels).toEqual({
      provider: 'AzureKeyVault',
      call: 'GetSecret',
      status: 'success',
    });
  });
});
