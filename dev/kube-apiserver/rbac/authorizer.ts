import type { VersionedStore } from '../storage/store.ts';
import type { KubeObject } from '../types.ts';
import type { RequestAttributes } from './attributes.ts';
import { ruleAllows, type PolicyRule } from './rules.ts';
import { SYSTEM_MASTERS, serviceAccountUsername, type UserInfo } from './user.ts';

/**
 * Authorization: the emulator's authorizer chain is either "allow everything" (RBAC off, the
 * default) or `system:masters` followed by RBAC (upstream's `RBACAuthorizer`), which reads Roles,
 * ClusterRoles and their bindings from storage on every decision, so a change applies to the next
 * request (open watches keep going, as upstream).
 */

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The outcome of one authorization; `reason` is what a SubjectAccessReview reports. */
export interface Decision {
  allowed: boolean;
  /** Why it was allowed (`RBAC: allowed by …`), or the RBAC errors met on denial; may be ''. */
  reason: string;
}

/** The rules a user has in a namespace, for SelfSubjectRulesReview (`kubectl auth can-i --list`). */
export interface RulesReview {
  resourceRules: PolicyRule[];
  nonResourceRules: PolicyRule[];
  /** True when a binding referred to a missing role, so the list may lack rules. */
  incomplete: boolean;
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attributes: RequestAttributes): Decision;
  /** Every rule that applies to `user` in `namespace` ('' for cluster-wide rules only). */
  rulesFor(user: UserInfo, namespace: string): RulesReview;
}

/** Where the RBAC objects are stored: the buckets of the four resources. */
export interface RbacBuckets {
  roles: string;
  clusterRoles: string;
  roleBindings: string;
  clusterRoleBindings: string;
}

/** With RBAC off: every authenticated request may do everything (upstream's `AlwaysAllow`). */
export const allowAll: Authorizer = {
  authorize: () => ({ allowed: true, reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  }),
};

interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

interface RoleRef {
  kind?: string;
  name?: string;
}

/** A rule, or an error in resolving a binding; `source` describes the binding for the reason. */
type Visitor = (
  source: string | undefined,
  rule: PolicyRule | undefined,
  error: string | undefined,
) => boolean;

/** Which subject of a binding names `user`, or undefined. */
function matchingSubject(user: UserInfo, subjects: Subject[], bindingNamespace: string): Subject | undefined {
  return subjects.find((subject) => {
    if (subject.kind === 'User') return subject.name === user.username;
    if (subject.kind === 'Group') return user.groups.includes(subject.name ?? '');
    if (subject.kind !== 'ServiceAccount') return false;
    const namespace = subject.namespace || bindingNamespace;
    return namespace !== '' && serviceAccountUsername(namespace, subject.name ?? '') === user.username;
  });
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind !== 'ServiceAccount') return `${subject.kind} ${JSON.stringify(subject.name)}`;
  const namespace = subject.namespace || bindingNamespace;
  return `${subject.kind} ${JSON.stringify(`${subject.name}/${namespace}`)}`;
}

/** Go's `utilerrors.NewAggregate(errs).Error()`: one message as is, several in brackets. */
function aggregate(errors: string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

export class RbacAuthorizer implements Authorizer {
  readonly #store: VersionedStore;
  readonly #buckets: RbacBuckets;

  constructor(store: VersionedStore, buckets: RbacBuckets) {
    this.#store = store;
    this.#buckets = buckets;
  }

  authorize(attributes: RequestAttributes): Decision {
    if (attributes.user.groups.includes(SYSTEM_MASTERS)) return { allowed: true, reason: '' };
    const errors: string[] = [];
    let allowedBy: string | undefined;
    const namespace = attributes.kind === 'resource' ? attributes.namespace : '';
    this.#visitRulesFor(attributes.user, namespace, (source, rule, error) => {
      if (error) errors.push(error);
      if (rule && ruleAllows(attributes, rule)) allowedBy = source;
      return allowedBy === undefined;
    });
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    return { allowed: false, reason: errors.length ? `RBAC: ${aggregate(errors)}` : '' };
  }

  rulesFor(user: UserInfo, namespace: string): RulesReview {
    const review: RulesReview = { resourceRules: [], nonResourceRules: [], incomplete: false };
    const errors: string[] = [];
    this.#visitRulesFor(user, namespace, (_source, rule, error) => {
      if (error) errors.push(error);
      if (rule?.nonResourceURLs?.length) review.nonResourceRules.push(rule);
      else if (rule) review.resourceRules.push(rule);
      return true;
    });
    if (errors.length) {
      review.incomplete = true;
      review.evaluationError = aggregate(errors);
    }
    return review;
  }

  /** ClusterRoleBindings first, then the RoleBindings of `namespace`; stops when `visit` says so. */
  #visitRulesFor(user: UserInfo, namespace: string, visit: Visitor): void {
    for (const binding of this.#store.list(this.#buckets.clusterRoleBindings)) {
      const subject = matchingSubject(user, subjectsOf(binding), '');
      if (!subject) continue;
      const roleRef = roleRefOf(binding);
      const source = `ClusterRoleBinding ${JSON.stringify(binding.metadata.name)} of ${roleRef.kind} ${JSON.stringify(roleRef.name)} to ${describeSubject(subject, '')}`;
      if (!this.#visitRole(roleRef, '', source, visit)) return;
    }
    if (namespace === '') return;
    for (const binding of this.#store.list(this.#buckets.roleBindings, namespace)) {
      const subject = matchingSubject(user, subjectsOf(binding), namespace);
      if (!subject) continue;
      const roleRef = roleRefOf(binding);
      const bindingName = `${binding.metadata.name}/${namespace}`;
      const source = `RoleBinding ${JSON.stringify(bindingName)} of ${roleRef.kind} ${JSON.stringify(roleRef.name)} to ${describeSubject(subject, namespace)}`;
      if (!this.#visitRole(roleRef, namespace, source, visit)) return;
    }
  }

  /** Visits the rules of the referenced role; false when the visitor asked to stop. */
  #visitRole(roleRef: RoleRef, namespace: string, source: string, visit: Visitor): boolean {
    const role = this.#resolve(roleRef, namespace);
    if (typeof role === 'string') return visit(source, undefined, role);
    for (const rule of rulesOf(role)) if (!visit(source, rule, undefined)) return false;
    return true;
  }

  /** The referenced role, or the error upstream's listers report when it is missing. */
  #resolve(roleRef: RoleRef, namespace: string): KubeObject | string {
    const name = roleRef.name ?? '';
    if (roleRef.kind === 'ClusterRole') {
      const role = this.#store.get(this.#buckets.clusterRoles, undefined, name);
      return role ?? `clusterrole.${RBAC_GROUP} ${JSON.stringify(name)} not found`;
    }
    if (roleRef.kind === 'Role') {
      const role = this.#store.get(this.#buckets.roles, namespace, name);
      return role ?? `role.${RBAC_GROUP} ${JSON.stringify(name)} not found`;
    }
    return `unsupported role reference kind: ${JSON.stringify(roleRef.kind ?? '')}`;
  }
}

function subjectsOf(binding: KubeObject): Subject[] {
  const subjects = binding['subjects'];
  return Array.isArray(subjects) ? (subjects as Subject[]) : [];
}

function roleRefOf(binding: KubeObject): RoleRef {
  return (binding['roleRef'] as RoleRef | undefined) ?? {};
}

function rulesOf(role: KubeObject): PolicyRule[] {
  const rules = role['rules'];
  return Array.isArray(rules) ? (rules as PolicyRule[]) : [];
}
