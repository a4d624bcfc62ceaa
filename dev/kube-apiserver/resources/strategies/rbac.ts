import { badRequest, cause } from '../../errors.ts';
import { isDns1123Subdomain, isPathSegmentName } from '../../names.ts';
import type { KubeObject, StatusCause } from '../../types.ts';
import type { ResourceStrategy } from '../resource-type.ts';

/**
 * `rbac.authorization.k8s.io/v1`: upstream's defaults (roleRef and subject API groups) and
 * validation (`ValidatePolicyRule`, `ValidateRoleBinding`, `ValidateRoleBindingSubject`, the
 * immutable roleRef), with the same field paths and messages. No escalation checks: see README.
 */

export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';

type Json = Record<string, unknown>;

const required = (field: string, detail = ''): StatusCause => ({
  reason: 'FieldValueRequired',
  message: detail ? `Required value: ${detail}` : 'Required value',
  field,
});

/** Go's `%#v` of a string slice, as field.Invalid prints list values. */
function goStrings(values: unknown[]): string {
  return `[]string{${values.map((v) => JSON.stringify(String(v))).join(', ')}}`;
}

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw badRequest(`${field}: expected a list of strings`);
  return value as string[];
}

function objectList(value: unknown, field: string): Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'object' || v === null || Array.isArray(v)))
    throw badRequest(`${field}: expected a list of objects`);
  return value as Json[];
}

function validateRule(rule: Json, namespaced: boolean, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const list = (name: string) => stringList(rule[name], `${path}.${name}`);
  if (list('verbs').length === 0)
    causes.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list('nonResourceURLs');
  const invalidUrls = (detail: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${goStrings(urls)}: ${detail}`,
    field: `${path}.nonResourceURLs`,
  });
  if (urls.length > 0) {
    if (namespaced) causes.push(invalidUrls('namespaced rules cannot apply to non-resource URLs'));
    if (list('apiGroups').length || list('resources').length || list('resourceNames').length)
      causes.push(invalidUrls('rules cannot apply to both regular resources and non-resource URLs'));
    return causes;
  }
  if (list('apiGroups').length === 0)
    causes.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list('resources').length === 0)
    causes.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return causes;
}

function validateRules(role: KubeObject, namespaced: boolean): StatusCause[] {
  return objectList(role['rules'], 'rules').flatMap((rule, i) =>
    validateRule(rule, namespaced, `rules[${i}]`),
  );
}

function validateAggregationRule(role: KubeObject): StatusCause[] {
  const rule = role['aggregationRule'] as Json | undefined | null;
  if (rule === undefined || rule === null) return [];
  const selectors = objectList(rule['clusterRoleSelectors'], 'aggregationRule.clusterRoleSelectors');
  return selectors.length === 0 ? [required('aggregationRule.clusterRoleSelectors')] : [];
}

function defaultSubjects(binding: KubeObject): void {
  const subjects = objectList(binding['subjects'], 'subjects');
  for (const subject of subjects) {
    if (subject['apiGroup']) continue;
    if (subject['kind'] === 'User' || subject['kind'] === 'Group') subject['apiGroup'] = RBAC_API_GROUP;
  }
  const roleRef = binding['roleRef'];
  if (roleRef && typeof roleRef === 'object' && !Array.isArray(roleRef)) {
    (roleRef as Json)['apiGroup'] ||= RBAC_API_GROUP;
  }
}

function validateSubject(subject: Json, namespaced: boolean, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = typeof subject['name'] === 'string' ? subject['name'] : '';
  const apiGroup = typeof subject['apiGroup'] === 'string' ? subject['apiGroup'] : '';
  if (name === '') causes.push(required(`${path}.name`));
  switch (subject['kind']) {
    case 'ServiceAccount':
      if (name !== '')
        for (const message of isDns1123Subdomain(name))
          causes.push(cause.invalid(`${path}.name`, name, message));
      if (apiGroup !== '') causes.push(cause.unsupported(`${path}.apiGroup`, apiGroup, ['']));
      if (!namespaced && !subject['namespace']) causes.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_API_GROUP)
        causes.push(cause.unsupported(`${path}.apiGroup`, apiGroup, [RBAC_API_GROUP]));
      break;
    default:
      causes.push(
        cause.unsupported(`${path}.kind`, subject['kind'] ?? '', ['ServiceAccount', 'User', 'Group']),
      );
  }
  return causes;
}

function roleRefOf(binding: KubeObject): Json {
  const roleRef = binding['roleRef'];
  return roleRef && typeof roleRef === 'object' && !Array.isArray(roleRef) ? (roleRef as Json) : {};
}

function validateBinding(binding: KubeObject, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const roleRef = roleRefOf(binding);
  const apiGroup = String(roleRef['apiGroup'] ?? '');
  const kind = String(roleRef['kind'] ?? '');
  const name = String(roleRef['name'] ?? '');
  if (apiGroup !== RBAC_API_GROUP)
    causes.push(cause.unsupported('roleRef.apiGroup', apiGroup, [RBAC_API_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(kind)) causes.push(cause.unsupported('roleRef.kind', kind, kinds));
  if (name === '') causes.push(required('roleRef.name'));
  else
    for (const message of isPathSegmentName(name)) causes.push(cause.invalid('roleRef.name', name, message));
  objectList(binding['subjects'], 'subjects').forEach((subject, i) =>
    causes.push(...validateSubject(subject, namespaced, `subjects[${i}]`)),
  );
  return causes;
}

/** `roleRef` may not change: a binding to another role is a new binding (`kubectl auth reconcile`). */
function roleRefChange(binding: KubeObject, previous: KubeObject | undefined): StatusCause[] {
  if (!previous) return [];
  const [next, old] = [roleRefOf(binding), roleRefOf(previous)];
  const same = ['apiGroup', 'kind', 'name'].every((key) => (next[key] ?? '') === (old[key] ?? ''));
  if (same) return [];
  const shown = `rbac.RoleRef{APIGroup:${JSON.stringify(next['apiGroup'] ?? '')}, Kind:${JSON.stringify(next['kind'] ?? '')}, Name:${JSON.stringify(next['name'] ?? '')}}`;
  return [
    {
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${shown}: cannot change roleRef`,
      field: 'roleRef',
    },
  ];
}

export const roleStrategy: ResourceStrategy = {
  validate: (role) => validateRules(role, true),
};

export const clusterRoleStrategy: ResourceStrategy = {
  validate: (role) => [...validateRules(role, false), ...validateAggregationRule(role)],
};

function bindingStrategy(namespaced: boolean): ResourceStrategy {
  return {
    prepareForCreate: defaultSubjects,
    prepareForUpdate: defaultSubjects,
    validate: (binding, previous) => [
      ...validateBinding(binding, namespaced),
      ...roleRefChange(binding, previous),
    ],
  };
}

export const roleBindingStrategy = bindingStrategy(true);
export const clusterRoleBindingStrategy = bindingStrategy(false);
