import type { LocalClient } from '../api/local-client.ts';
import { jsonEqual } from '../api/objects.ts';
import { labelSelectorFromSpec, matchesLabels, type LabelSelectorSpec } from '../selectors.ts';
import type { StoreEvent } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import type { Controller } from './controller.ts';

/**
 * The ClusterRole aggregation controller: a ClusterRole with an `aggregationRule` gets as its
 * `rules` the rules of every other ClusterRole whose labels match one of its
 * `clusterRoleSelectors` (in name order, duplicates dropped), rewritten whenever any ClusterRole
 * changes. Keys are the names of aggregated ClusterRoles.
 */

const CLUSTER_ROLES = 'rbac.authorization.k8s.io/clusterroles';

interface AggregationRule {
  clusterRoleSelectors?: LabelSelectorSpec[];
}

function aggregationRuleOf(role: KubeObject): AggregationRule | undefined {
  const rule = role['aggregationRule'];
  return rule && typeof rule === 'object' ? (rule as AggregationRule) : undefined;
}

function rulesOf(role: KubeObject): unknown[] {
  return Array.isArray(role['rules']) ? (role['rules'] as unknown[]) : [];
}

function selects(rule: AggregationRule, role: KubeObject): boolean {
  return (rule.clusterRoleSelectors ?? []).some((selector) =>
    matchesLabels(labelSelectorFromSpec(selector), role.metadata.labels),
  );
}

function aggregatedRules(name: string, rule: AggregationRule, roles: KubeObject[]): unknown[] {
  const sources = roles
    .filter((role) => role.metadata.name !== name && selects(rule, role))
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const rules: unknown[] = [];
  for (const source of sources)
    for (const candidate of rulesOf(source))
      if (!rules.some((known) => jsonEqual(known, candidate))) rules.push(candidate);
  return rules;
}

/** Creates the ClusterRole aggregation controller. */
export function createClusterRoleAggregationController(client: LocalClient): Controller {
  const bucket = client.target(CLUSTER_ROLES).type.bucket;
  const aggregatedNames = () =>
    client
      .list(CLUSTER_ROLES)
      .filter((role) => aggregationRuleOf(role))
      .map((role) => role.metadata.name!);
  return {
    name: 'clusterrole-aggregation',
    keysFor: (event: StoreEvent) => (event.bucket === bucket ? aggregatedNames() : []),
    initialKeys: aggregatedNames,
    reconcile(name) {
      const role = client.get(CLUSTER_ROLES, undefined, name);
      const rule = role && aggregationRuleOf(role);
      if (!role || !rule) return;
      const rules = aggregatedRules(name, rule, client.list(CLUSTER_ROLES));
      if (jsonEqual(rules, rulesOf(role))) return;
      client.update(CLUSTER_ROLES, { ...role, rules });
    },
  };
}
