import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatTime } from '../api/objects.ts';
import { deleteObject, type DeleteOptions } from '../api/delete.ts';
import { listObjects } from '../api/list.ts';
import type { ObjectApi, Target } from '../api/object-api.ts';
import { patchObject, patchTypeOf } from '../api/patch.ts';
import { badRequest, methodNotAllowed, pathNotFound } from '../errors.ts';
import { servedVersion } from '../resources/resource-type.ts';
import type { Authorizer } from '../rbac/authorizer.ts';
import type { WriteValidator } from '../rbac/owner-references.ts';
import { answerReview } from '../rbac/reviews.ts';
import type { UserInfo } from '../rbac/user.ts';
import type { KubeObject } from '../types.ts';
import {
  dryRunOf,
  fieldValidationOf,
  integerParam,
  parseBody,
  readBody,
  type ResourcePath,
} from './request.ts';
import { sendJson, wantsTable } from './respond.ts';
import type { TokenAuthority } from './tokens.ts';
import { serveWatch, type WatchRegistry } from './watch.ts';

/** The REST verbs on resource paths, mapped onto the ObjectApi. */

export interface ResourceContext {
  api: ObjectApi;
  tokens: TokenAuthority;
  watches: WatchRegistry;
  /** Answers the access reviews. */
  authorizer: Authorizer;
  /** Admission checks of writes that depend on who writes (e.g. owner references); none when unset. */
  writeValidator?: (user: UserInfo, target: Target) => WriteValidator;
}

function tableOf(target: Target, objects: KubeObject[], resourceVersion: string, api: ObjectApi): object {
  const version = servedVersion(target.type, target.version)!;
  return version.table(objects, { now: api.clock.now(), resourceVersion });
}

/** One request on a resource path, as every handler receives it. */
interface Call {
  ctx: ResourceContext;
  request: IncomingMessage;
  response: ServerResponse;
  target: Target;
  path: ResourcePath;
  query: URLSearchParams;
  body: unknown;
  /** Who the request acts as (after impersonation). */
  user: UserInfo;
}

function respondObject(
  { ctx, request, response, target }: Call,
  code: number,
  object: KubeObject,
  warnings: string[] = [],
): void {
  const body = wantsTable(request.headers.accept)
    ? tableOf(target, [object], object.metadata.resourceVersion ?? '', ctx.api)
    : object;
  sendJson(response, code, body, warnings);
}

function handleGet(call: Call): void {
  const { ctx, request, response, target, path, query } = call;
  if (path.name !== undefined) {
    if (path.subresource !== undefined && path.subresource !== 'status')
      throw methodNotAllowed('get', target.type);
    respondObject(call, 200, ctx.api.get(target, path.name));
    return;
  }
  const watch = query.get('watch');
  const listOptions = {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
    limit: integerParam(query, 'limit'),
    continue: query.get('continue') ?? undefined,
  };
  if (watch === 'true' || watch === '1') {
    serveWatch(ctx, request, response, target, query, listOptions);
    return;
  }
  const list = listObjects(ctx.api, target, listOptions);
  const metadata = {
    resourceVersion: list.resourceVersion,
    ...(list.continue ? { continue: list.continue, remainingItemCount: list.remainingItemCount } : {}),
  };
  if (wantsTable(request.headers.accept)) {
    const table = tableOf(target, list.items, list.resourceVersion, ctx.api) as { metadata: object };
    sendJson(response, 200, { ...table, metadata });
    return;
  }
  const items = target.type.custom
    ? list.items
    : list.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
  sendJson(response, 200, {
    apiVersion: list.items[0]?.apiVersion ?? apiVersionOf(target),
    kind: target.type.listKind,
    metadata,
    items,
  });
}

function apiVersionOf(target: Target): string {
  return target.type.group ? `${target.type.group}/${target.version}` : target.version;
}

function writeOptions({ ctx, query, user, target }: Call) {
  return {
    dryRun: dryRunOf(query),
    fieldValidation: fieldValidationOf(query),
    fieldManager: query.get('fieldManager') ?? undefined,
    ...(ctx.writeValidator ? { validate: ctx.writeValidator(user, target) } : {}),
  };
}

function handleCreate(call: Call): void {
  const { ctx, response, target, path, body, user } = call;
  if (target.type.ephemeral && path.name === undefined) {
    const review = { type: target.type, body, user, namespace: target.namespace, authorizer: ctx.authorizer };
    sendJson(response, 201, answerReview(review));
    return;
  }
  if (path.name !== undefined) {
    if (
      path.subresource === 'token' &&
      target.type.resource === 'serviceaccounts' &&
      target.type.group === ''
    ) {
      sendJson(response, 201, issueToken(ctx, target, path.name, body));
      return;
    }
    throw methodNotAllowed('create', target.type);
  }
  const { object, warnings } = ctx.api.create(target, body, writeOptions(call));
  respondObject(call, 201, object, warnings);
}

function issueToken(ctx: ResourceContext, target: Target, name: string, body: unknown): object {
  const account = ctx.api.get(target, name);
  const spec =
    (body as { spec?: { audiences?: string[]; expirationSeconds?: number } } | undefined)?.spec ?? {};
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
    throw badRequest(
      'spec.expirationSeconds: Invalid value: may not specify a duration less than 10 minutes',
    );
  }
  const { token, expiresAtMs } = ctx.tokens.issue({
    namespace: target.namespace!,
    name,
    uid: account.metadata.uid!,
    ...(spec.audiences ? { audiences: spec.audiences } : {}),
    ...(spec.expirationSeconds ? { expirationSeconds: spec.expirationSeconds } : {}),
    nowMs: ctx.api.clock.now().getTime(),
  });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: target.namespace, creationTimestamp: null },
    spec: {
      audiences: spec.audiences ?? [],
      expirationSeconds: spec.expirationSeconds ?? 3600,
      boundObjectRef: null,
    },
    status: { token, expirationTimestamp: formatTime(new Date(expiresAtMs)) },
  };
}

function subresourceOf(target: Target, path: ResourcePath, verb: string): 'status' | undefined {
  if (path.subresource === undefined) return undefined;
  if (
    path.subresource === 'status' &&
    (target.type.statusSubresource || target.type.resource === 'namespaces')
  )
    return 'status';
  throw methodNotAllowed(verb, target.type);
}

function handleUpdate(call: Call): void {
  const { ctx, target, path, body } = call;
  if (path.name === undefined) throw methodNotAllowed('update', target.type);
  const subresource = subresourceOf(target, path, 'update');
  const { object, warnings } = ctx.api.update(target, path.name, body, {
    ...writeOptions(call),
    ...(subresource ? { subresource } : {}),
  });
  respondObject(call, 200, object, warnings);
}

function handlePatch(call: Call): void {
  const { ctx, request, target, path, query, body } = call;
  if (path.name === undefined) throw methodNotAllowed('patch', target.type);
  const subresource = subresourceOf(target, path, 'patch');
  const patchType = patchTypeOf(target, request.headers['content-type']);
  const force = query.get('force') === 'true';
  const options = { ...writeOptions(call), force, ...(subresource ? { subresource } : {}) };
  const { object, warnings, created } = patchObject(ctx.api, target, path.name, patchType, body, options);
  respondObject(call, created ? 201 : 200, object, warnings);
}

function deleteOptionsOf(query: URLSearchParams, body: unknown): DeleteOptions {
  const fromBody = (body ?? {}) as DeleteOptions & { dryRun?: unknown };
  const options: DeleteOptions = {};
  const policy = query.get('propagationPolicy') ?? fromBody.propagationPolicy;
  if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'] & string;
  const orphan = query.get('orphanDependents') ?? fromBody.orphanDependents;
  if (orphan !== undefined && orphan !== null) options.orphanDependents = String(orphan) === 'true';
  if (fromBody.preconditions) options.preconditions = fromBody.preconditions;
  const bodyDryRun = Array.isArray(fromBody.dryRun) && fromBody.dryRun.includes('All');
  options.dryRun = dryRunOf(query) || bodyDryRun;
  return options;
}

function handleDelete(call: Call): void {
  const { ctx, response, target, path, query, body } = call;
  const options = deleteOptionsOf(query, body);
  if (path.subresource !== undefined) throw methodNotAllowed('delete', target.type);
  if (path.name === undefined) {
    const list = listObjects(ctx.api, target, {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
    const items = list.items.map(
      (o) =>
        deleteObject(ctx.api, { ...target, namespace: o.metadata.namespace }, o.metadata.name!, options)
          .object,
    );
    sendJson(response, 200, {
      apiVersion: apiVersionOf(target),
      kind: target.type.listKind,
      metadata: { resourceVersion: String(ctx.api.store.resourceVersion) },
      items,
    });
    return;
  }
  const { object, deleted } = deleteObject(ctx.api, target, path.name, options);
  if (!deleted || target.type.returnDeletedObject) {
    respondObject(call, 200, object);
    return;
  }
  const details = {
    name: path.name,
    group: target.type.group,
    kind: target.type.resource,
    uid: object.metadata.uid,
  };
  sendJson(response, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
}

/** Serves one request on a resource path. Throws KubeStatusError for the caller to answer. */
export async function handleResource(
  ctx: ResourceContext,
  request: IncomingMessage,
  response: ServerResponse,
  path: ResourcePath,
  query: URLSearchParams,
  user: UserInfo,
): Promise<void> {
  const { type, version } = ctx.api.registry.resolve(path.group, path.version, path.resource);
  if (type.ephemeral && request.method !== 'POST')
    throw methodNotAllowed((request.method ?? '').toLowerCase(), type);
  if (type.namespaced === false && path.namespace !== undefined) throw pathNotFound();
  const target: Target = { type, version: version.name, namespace: path.namespace };
  const method = request.method ?? 'GET';
  const needsBody = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
  const body = needsBody ? parseBody(await readBody(request), request.headers['content-type']) : undefined;
  if (
    (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
    body === undefined &&
    path.subresource !== 'token'
  ) {
    throw badRequest('the request body is empty');
  }
  const call: Call = { ctx, request, response, target, path, query, body, user };
  switch (method) {
    case 'GET':
      return handleGet(call);
    case 'POST':
      return handleCreate(call);
    case 'PUT':
      return handleUpdate(call);
    case 'PATCH':
      return handlePatch(call);
    case 'DELETE':
      return handleDelete(call);
    default:
      throw methodNotAllowed(method.toLowerCase(), type);
  }
}
