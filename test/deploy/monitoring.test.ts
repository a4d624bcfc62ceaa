import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRIC } from '../../src/observability/index.ts';

/** The alert rules and the Grafana dashboard name only metrics the operator exports. */

const root = resolve(import.meta.dirname, '../..');
const folder = join(root, 'deploy/monitoring');
const EXPORTED = new Set<string>(Object.values(METRIC));
const METRIC_NAME =
  /\b(?:externalsecret|secretstore|clustersecretstore|kvsync|workqueue|controller_runtime)_[a-z_]+\b/g;

function metricsIn(expression: string): string[] {
  // A histogram's series carry _bucket, _sum, _count after the metric's name.
  return [...expression.matchAll(METRIC_NAME)].map(([name]) =>
    EXPORTED.has(name) ? name : name.replace(/_(bucket|sum|count)$/, ''),
  );
}

describe('deploy/monitoring', () => {
  it('alerts on metrics kvsync exports, each rule with a summary', () => {
    const rules = parse(readFileSync(join(folder, 'prometheus-rules.yaml'), 'utf8')) as {
      spec: { groups: { rules: { alert: string; expr: string; annotations: { summary: string } }[] }[] };
    };
    const all = rules.spec.groups.flatMap((group) => group.rules);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const rule of all) {
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      const names = metricsIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      expect(
        names.filter((name) => !EXPORTED.has(name)),
        rule.alert,
      ).toEqual([]);
    }
  });

  it('charts metrics kvsync exports', () => {
    const dashboard = JSON.parse(readFileSync(join(folder, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
    const names = expressions.flatMap(metricsIn);
    expect(names.filter((name) => !EXPORTED.has(name))).toEqual([]);
    // The themes each have a panel: sync errors, throttling, pending restarts, rollbacks, staleness.
    for (const metric of [
      METRIC.externalSecretSyncCallsError,
      METRIC.keyVaultThrottledTotal,
      METRIC.reloaderPendingRestarts,
      METRIC.reloaderRolloutsTotal,
      METRIC.stalePods,
    ])
      expect(names).toContain(metric);
  });
});
