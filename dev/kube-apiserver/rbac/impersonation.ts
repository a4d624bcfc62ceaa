import { badRequest } from '../errors.ts';
import type { ResourceAttributes } from './attributes.ts';
import type { Authorizer } from './authorizer.ts';
import { forbidden } from './forbidden.ts';
import {
  ANONYMOUS_USERNAME,
  parseServiceAccountUsername,
  serviceAccountGroups,
  SYSTEM_AUTHENTICATED,
  SYSTEM_UNAUTHENTICATED,
  type UserInfo,
} from './user.ts';

/**
 * User impersonation (`kubectl --as`, `--as-group`, `--as-uid`): the `Impersonate-*` headers,
 * each authorized as the `impersonate` verb on `users`, `groups`, `serviceaccounts`, `uids` or
 * `userextras/<key>`, as upstream's impersonation filter does. A ServiceAccount username without
 * groups gets the account's groups; every impersonated user but anonymous is `system:authenticated`.
 */

const EXTRA_PREFIX = 'impersonate-extra-';
const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** Node's `headersDistinct`: lower-case names, every value of repeated headers. */
export type DistinctHeaders = Record<string, string[] | undefined>;

interface ImpersonationRequest {
  username: string | undefined;
  groups: string[];
  uid: string | undefined;
  extra: Record<string, string[]>;
}

function readRequest(headers: DistinctHeaders): ImpersonationRequest {
  const extra: Record<string, string[]> = {};
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || !values) continue;
    extra[decodeURIComponent(header.slice(EXTRA_PREFIX.length)).toLowerCase()] = values;
  }
  return {
    username: headers['impersonate-user']?.[0],
    groups: headers['impersonate-group'] ?? [],
    uid: headers['impersonate-uid']?.[0],
    extra,
  };
}

/** What is impersonated, as the object of the `impersonate` verb. */
type ImpersonationTarget = Pick<ResourceAttributes, 'apiGroup' | 'resource' | 'name'> &
  Partial<Pick<ResourceAttributes, 'subresource' | 'namespace'>>;

function impersonating(requester: UserInfo, target: ImpersonationTarget): ResourceAttributes {
  return {
    kind: 'resource',
    user: requester,
    verb: 'impersonate',
    namespace: '',
    subresource: '',
    ...target,
  };
}

/** Each thing the requester asks to act as, as the attributes that must be authorized. */
function checks(requester: UserInfo, request: ImpersonationRequest): ResourceAttributes[] {
  const attributes: ResourceAttributes[] = [];
  const username = request.username!;
  const account = parseServiceAccountUsername(username);
  if (account)
    attributes.push(
      impersonating(requester, {
        apiGroup: '',
        resource: 'serviceaccounts',
        namespace: account.namespace,
        name: account.name,
      }),
    );
  else attributes.push(impersonating(requester, { apiGroup: '', resource: 'users', name: username }));
  for (const group of request.groups)
    attributes.push(impersonating(requester, { apiGroup: '', resource: 'groups', name: group }));
  if (request.uid !== undefined)
    attributes.push(
      impersonating(requester, { apiGroup: AUTHENTICATION_GROUP, resource: 'uids', name: request.uid }),
    );
  for (const [key, values] of Object.entries(request.extra))
    for (const value of values)
      attributes.push(
        impersonating(requester, {
          apiGroup: AUTHENTICATION_GROUP,
          resource: 'userextras',
          subresource: key,
          name: value,
        }),
      );
  return attributes;
}

function impersonatedGroups(request: ImpersonationRequest): string[] {
  const username = request.username!;
  const account = parseServiceAccountUsername(username);
  const groups =
    request.groups.length === 0 && account ? serviceAccountGroups(account.namespace) : [...request.groups];
  const implied = username === ANONYMOUS_USERNAME ? SYSTEM_UNAUTHENTICATED : SYSTEM_AUTHENTICATED;
  if (!groups.includes(implied)) groups.push(implied);
  return groups;
}

/**
 * The user the request acts as: `requester` when it sends no `Impersonate-*` header, the
 * impersonated user otherwise. Throws 403 (the first check that fails) or 400 (groups, uid or
 * extra without a user).
 */
export function impersonate(requester: UserInfo, headers: DistinctHeaders, authorizer: Authorizer): UserInfo {
  const request = readRequest(headers);
  const asksOther =
    request.groups.length > 0 || request.uid !== undefined || Object.keys(request.extra).length > 0;
  if (request.username === undefined) {
    if (asksOther) throw badRequest('impersonating a group, uid or extra requires impersonating a user');
    return requester;
  }
  for (const attributes of checks(requester, request)) {
    const decision = authorizer.authorize(attributes);
    if (!decision.allowed) throw forbidden(attributes, decision.reason);
  }
  return {
    username: request.username,
    groups: impersonatedGroups(request),
    ...(request.uid !== undefined ? { uid: request.uid } : {}),
    ...(Object.keys(request.extra).length ? { extra: request.extra } : {}),
  };
}
