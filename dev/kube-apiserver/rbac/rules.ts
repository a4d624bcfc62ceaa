import type { NonResourceAttributes, RequestAttributes, ResourceAttributes } from './attributes.ts';

/**
 * `rbac.authorization.k8s.io/v1` PolicyRule and the matching rules of upstream's
 * `rbac.RuleAllows`: `*` matches any verb, group, resource or URL; a star, a slash and a
 * subresource name match that subresource of any resource; `resourceNames` restricts to named objects (so never matches a list or
 * create, which name none); a non-resource URL ending in `*` matches by prefix.
 */

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export const RULE_WILDCARD = '*';

function has(values: readonly string[] | undefined, wanted: string): boolean {
  return (values ?? []).some((value) => value === RULE_WILDCARD || value === wanted);
}

function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (ruleResource) =>
      ruleResource === RULE_WILDCARD ||
      ruleResource === combined ||
      (subresource !== '' && ruleResource === `*/${subresource}`),
  );
}

function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (!rule.resourceNames?.length) return true;
  return rule.resourceNames.includes(name);
}

function nonResourceUrlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (url) =>
      url === RULE_WILDCARD ||
      url === path ||
      (url.endsWith(RULE_WILDCARD) && path.startsWith(url.slice(0, -RULE_WILDCARD.length))),
  );
}

function resourceRuleAllows(attributes: ResourceAttributes, rule: PolicyRule): boolean {
  return (
    has(rule.verbs, attributes.verb) &&
    has(rule.apiGroups, attributes.apiGroup) &&
    resourceMatches(rule, attributes.resource, attributes.subresource) &&
    resourceNameMatches(rule, attributes.name)
  );
}

function nonResourceRuleAllows(attributes: NonResourceAttributes, rule: PolicyRule): boolean {
  return has(rule.verbs, attributes.verb) && nonResourceUrlMatches(rule, attributes.path);
}

/** True when `rule` grants the request. */
export function ruleAllows(attributes: RequestAttributes, rule: PolicyRule): boolean {
  return attributes.kind === 'resource'
    ? resourceRuleAllows(attributes, rule)
    : nonResourceRuleAllows(attributes, rule);
}
