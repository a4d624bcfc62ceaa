import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEPLOY_DIRECTORY, listGeneratedFiles, renderDeployFiles } from '../../deploy/generate.ts';
import { renderChartFiles } from '../../deploy/model/chart.ts';
import { defaultValues, VALUE_COMMENTS } from '../../deploy/model/values.ts';
import { CHART_DIRECTORY, renderCommittedChart } from './chart-render.ts';

/*
 * deploy/kustomize/ and deploy/helm/ are what `node deploy/generate.ts` writes, and the chart's
 * templates, rendered as Helm renders them, give exactly the documents the model describes for
 * the same values: so the kustomize base (the model's default rendering) and the chart cannot
 * drift apart.
 */

/** Value sets that between them take every branch of the templates. */
const VALUE_SETS: Record<string, object> = {
  defaults: {},
  'workload identity with tenant': {
    identity: { type: 'workload', clientId: 'c0ffee00-0000-4000-8000-000000000001', tenantId: 'tenant-1' },
  },
  'managed identity on a pool, with a node selector': {
    identity: { type: 'managed', nodePool: 'secrets' },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
  },
  'namespaced, two namespaces, reloader': {
    rbac: { namespaced: true },
    watchedNamespaces: ['apps', 'payments'],
    reloader: { enabled: true },
  },
  'cluster-wide reloader, sharded': { reloader: { enabled: true }, shards: 4, replicaCount: 4 },
  'webhook with ingress and tls': {
    webhook: {
      enabled: true,
      secretName: 'eg',
      secretKey: 'code',
      ingress: {
        enabled: true,
        className: 'nginx',
        host: 'kvsync.example.org',
        tlsSecretName: 'kvsync-tls',
        annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
      },
    },
  },
  'webhook without ingress': { webhook: { enabled: true } },
  'dashboard with token': { dashboard: { enabled: true, tokenSecretName: 'dash', address: '0.0.0.0:8081' } },
  'dashboard without token': { dashboard: { enabled: true } },
  'everything else': {
    imagePullSecrets: [{ name: 'acr' }],
    extraArgs: ['--concurrent=8', '--refresh-jitter=0.2'],
    podAnnotations: { 'prometheus.io/scrape': 'true' },
    podLabels: { team: 'platform' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'system', effect: 'NoSchedule' }],
    affinity: { nodeAffinity: {} },
    podDisruptionBudget: { enabled: false },
    serviceMonitor: { enabled: true, labels: { release: 'prometheus' } },
    logLevel: 'debug',
    logFormat: 'text',
    image: { tag: '0.1.0@sha256:0123' },
  },
};

describe('deploy/kustomize and deploy/helm', () => {
  it('are up to date with deploy/model (run `node deploy/generate.ts` after changing it)', async () => {
    const expected = await renderDeployFiles();
    expect(await listGeneratedFiles()).toEqual([...expected.keys()].sort());
    for (const [path, text] of expected)
      expect(await readFile(join(DEPLOY_DIRECTORY, path), 'utf8'), path).toBe(text);
  });

  it('values.yaml holds the defaults, each top-level value with a comment', async () => {
    const text = await readFile(join(CHART_DIRECTORY, 'values.yaml'), 'utf8');
    expect(parse(text)).toEqual(defaultValues());
    for (const key of Object.keys(defaultValues())) {
      const documented = Object.keys(VALUE_COMMENTS).some(
        (path) => path === key || path.startsWith(`${key}.`),
      );
      const grouped = ['tolerations'].includes(key); // shares "Scheduling." with nodeSelector
      expect(documented || grouped, key).toBe(true);
    }
  });
});

describe('the chart rendered as Helm renders it', () => {
  for (const [name, values] of Object.entries(VALUE_SETS)) {
    it(`equals the model for ${name}`, async () => {
      const rendered = await renderCommittedChart(values);
      expect(Object.fromEntries(rendered)).toEqual(Object.fromEntries(renderChartFiles(values)));
    });
  }

  it('names every object after the release and puts it in the release namespace', async () => {
    const release = { name: 'secrets-sync', namespace: 'platform' };
    const rendered = [...(await renderCommittedChart({}, release)).values()].flat() as Array<{
      kind: string;
      metadata: { name: string; namespace?: string };
    }>;
    expect(rendered.map((doc) => doc.metadata.name).every((name) => name.startsWith('secrets-sync'))).toBe(
      true,
    );
    const namespaced = rendered.filter((doc) => !doc.kind.startsWith('Cluster'));
    expect(new Set(namespaced.map((doc) => doc.metadata.namespace))).toEqual(new Set(['platform']));
    expect(Object.fromEntries(await renderCommittedChart({}, release))).toEqual(
      Object.fromEntries(renderChartFiles({}, release)),
    );
  });

  it('passes each watched namespace and the shard count as flags, after the fixed ones', async () => {
    const [deployment] = (await renderCommittedChart({ watchedNamespaces: ['a', 'b'], shards: 2 })).get(
      'deployment.yaml',
    ) as Array<{ spec: { template: { spec: { containers: Array<{ args: string[] }> } } } }>;
    expect(deployment!.spec.template.spec.containers[0]!.args.slice(-3)).toEqual([
      '--shards=2',
      '--namespace=a',
      '--namespace=b',
    ]);
  });
});
