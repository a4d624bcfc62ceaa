import type { ResourcePath } from '../http/request.ts';
import { isPathSegmentName } from '../names.ts';
import type { UserInfo } from './user.ts';

/**
 * What authorization decides on, as apiserver's `RequestInfo` derives it from a request: either a
 * resource request (verb, API group, namespace, resource, subresource, name) or a non-resource
 * request (the URL path and the lower-case HTTP method).
 */

export interface ResourceAttributes {
  kind: 'resource';
  user: UserInfo;
  /** get, list, watch, create, update, patch, delete, deletecollection, or any custom verb. */
  verb: string;
  apiGroup: string;
  /** `''` for cluster-scoped requests and for lists across all namespaces. */
  namespace: string;
  resource: string;
  subresource: string;
  /** `''` when the request names no object (list, create, deletecollection). */
  name: string;
}

export interface NonResourceAttributes {
  kind: 'non-resource';
  user: UserInfo;
  /** The lower-case HTTP method: get, post, put, … */
  verb: string;
  path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/**
 * The attributes of a request on `path` (a resource path, or undefined for anything else such as
 * discovery), with `rawPath` the URL path as sent. As upstream: a GET without a name is `list`, or
 * `watch` with `watch=true`, and takes its name from a `metadata.name=` field selector; a DELETE
 * without a name is `deletecollection`; a request on `namespaces/<name>` is in namespace `<name>`.
 */
export function requestAttributes(
  user: UserInfo,
  method: string,
  rawPath: string,
  path: ResourcePath | undefined,
  query: URLSearchParams,
): RequestAttributes {
  if (!path) return { kind: 'non-resource', user, verb: method.toLowerCase(), path: rawPath };
  let verb = METHOD_VERBS[method] ?? method.toLowerCase();
  let name = path.name ?? '';
  if (name === '' && verb === 'get') {
    verb = isWatch(query) ? 'watch' : 'list';
    name = exactNameOf(query.get('fieldSelector') ?? '') ?? '';
  }
  if (name === '' && verb === 'delete') verb = 'deletecollection';
  const namespace =
    path.group === '' && path.resource === 'namespaces' && path.namespace === undefined
      ? (path.name ?? '')
      : (path.namespace ?? '');
  return {
    kind: 'resource',
    user,
    verb,
    apiGroup: path.group,
    namespace,
    resource: path.resource,
    subresource: path.subresource ?? '',
    name,
  };
}

function isWatch(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch === 'true' || watch === '1';
}

/** The name a field selector requires exactly (`metadata.name=x` among its terms), if any. */
function exactNameOf(fieldSelector: string): string | undefined {
  for (const term of fieldSelector.split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (match && match[1] !== '' && isPathSegmentName(match[1]!).length === 0) return match[1];
  }
  return undefined;
}
