import { badRequest, invalid } from '../errors.ts';
import type { ResourceType } from '../resources/resource-type.ts';
import type { StatusCause } from '../types.ts';
import type { RequestAttributes } from './attributes.ts';
import type { Authorizer } from './authorizer.ts';
import type { PolicyRule } from './rules.ts';
import type { UserInfo } from './user.ts';

/**
 * The access reviews, answered from the authorizer and never stored: SelfSubjectAccessReview
 * (`kubectl auth can-i`), SelfSubjectRulesReview (`kubectl auth can-i --list`),
 * SubjectAccessReview, LocalSubjectAccessReview and SelfSubjectReview (`kubectl auth whoami`).
 */

export interface ReviewRequest {
  type: ResourceType;
  body: unknown;
  /** The user making the request (after impersonation). */
  user: UserInfo;
  /** The namespace of the URL, for LocalSubjectAccessReview. */
  namespace: string | undefined;
  authorizer: Authorizer;
}

type Json = Record<string, unknown>;

interface ReviewSpec {
  resourceAttributes?: Json;
  nonResourceAttributes?: Json;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
  namespace?: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function specOf(body: unknown): ReviewSpec {
  const spec = (body as { spec?: unknown } | undefined)?.spec;
  return spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as ReviewSpec) : {};
}

function checkAttributes(type: ResourceType, spec: ReviewSpec): void {
  const causes: StatusCause[] = [];
  const invalidNull = (field: string, detail: string) =>
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "null": ${detail}`, field });
  if (spec.resourceAttributes && spec.nonResourceAttributes)
    invalidNull('spec.nonResourceAttributes', 'cannot be specified in combination with resourceAttributes');
  if (!spec.resourceAttributes && !spec.nonResourceAttributes)
    invalidNull(
      'spec.resourceAttributes',
      'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  if (type.kind === 'SubjectAccessReview' && !spec.user && !spec.groups?.length)
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "": at least one of user or group must be specified',
      field: 'spec.user',
    });
  if (causes.length) throw invalid(type.kind, type.group, '', causes);
}

function attributesOf(spec: ReviewSpec, user: UserInfo): RequestAttributes {
  const nonResource = spec.nonResourceAttributes;
  if (nonResource)
    return { kind: 'non-resource', user, verb: text(nonResource['verb']), path: text(nonResource['path']) };
  const resource = spec.resourceAttributes ?? {};
  return {
    kind: 'resource',
    user,
    verb: text(resource['verb']),
    apiGroup: text(resource['group']),
    namespace: text(resource['namespace']),
    resource: text(resource['resource']),
    subresource: text(resource['subresource']),
    name: text(resource['name']),
  };
}

/** The user a SubjectAccessReview asks about: exactly the spec's, no implied groups. */
function subjectOf(spec: ReviewSpec): UserInfo {
  return {
    username: spec.user ?? '',
    groups: spec.groups ?? [],
    ...(spec.uid ? { uid: spec.uid } : {}),
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
}

function localSpec(spec: ReviewSpec, namespace: string | undefined): ReviewSpec {
  if (!namespace) throw badRequest('namespace is required on this type');
  if (spec.nonResourceAttributes)
    throw badRequest('spec.nonResourceAttributes: disallowed on this kind of request');
  const attributes = spec.resourceAttributes ?? {};
  if (attributes['namespace'] && attributes['namespace'] !== namespace)
    throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
  return { ...spec, resourceAttributes: { ...attributes, namespace } };
}

function accessReviewStatus(request: ReviewRequest, spec: ReviewSpec): Json {
  checkAttributes(request.type, spec);
  const self = request.type.kind === 'SelfSubjectAccessReview';
  const decision = request.authorizer.authorize(attributesOf(spec, self ? request.user : subjectOf(spec)));
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

function rulesReviewStatus(request: ReviewRequest, spec: ReviewSpec): Json {
  if (!spec.namespace) throw badRequest('no namespace on request');
  const review = request.authorizer.rulesFor(request.user, spec.namespace);
  const resourceRule = (rule: PolicyRule) => ({
    verbs: rule.verbs,
    ...(rule.apiGroups?.length ? { apiGroups: rule.apiGroups } : {}),
    ...(rule.resources?.length ? { resources: rule.resources } : {}),
    ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
  });
  return {
    resourceRules: review.resourceRules.map(resourceRule),
    nonResourceRules: review.nonResourceRules.map((rule) => ({
      verbs: rule.verbs,
      nonResourceURLs: rule.nonResourceURLs,
    })),
    incomplete: review.incomplete,
    ...(review.evaluationError ? { evaluationError: review.evaluationError } : {}),
  };
}

function userInfoStatus(user: UserInfo): Json {
  return {
    userInfo: {
      username: user.username,
      ...(user.uid ? { uid: user.uid } : {}),
      groups: user.groups,
      ...(user.extra ? { extra: user.extra } : {}),
    },
  };
}

/** The answered review (status filled in), for a 201 response; 400/422 Status on a bad request. */
export function answerReview(request: ReviewRequest): Json {
  const { type, body } = request;
  let spec = specOf(body);
  let status: Json;
  if (type.kind === 'SelfSubjectRulesReview') status = rulesReviewStatus(request, spec);
  else if (type.kind === 'SelfSubjectReview') status = userInfoStatus(request.user);
  else {
    if (type.kind === 'LocalSubjectAccessReview') spec = localSpec(spec, request.namespace);
    status = accessReviewStatus(request, spec);
  }
  const metadata = (body as { metadata?: Json } | undefined)?.metadata ?? {};
  return {
    kind: type.kind,
    apiVersion: `${type.group}/v1`,
    metadata: { ...metadata, creationTimestamp: null },
    ...(type.kind === 'SelfSubjectReview' ? {} : { spec }),
    status,
  };
}
