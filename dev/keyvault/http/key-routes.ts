import { createKey, getKey, importKey, publicJwk, updateKey } from '../vault/keys.ts';
import { latest, type Deleted, type KeyVersion, type Versioned } from '../vault/model.ts';
import {
  findDeleted,
  findLive,
  purge,
  recover,
  softDelete,
  sortedDeleted,
  sortedLive,
} from '../vault/table.ts';
import { badParameter } from '../vault/errors.ts';
import { pageOf, pageRequest } from './paging.ts';
import { NAME, route, type Reply, type RequestContext, type Route } from './routes.ts';
import { attributesWire } from './wire.ts';

/** The keys data plane: create, import, get, update, list, delete/recover/purge (reference §3). */

function keyAttributes(version: KeyVersion): Record<string, unknown> {
  return { ...attributesWire(version.attributes), ...(version.exportable ? { exportable: true } : {}) };
}

/** KeyBundle: the public JWK only. */
export function keyBundle(baseUrl: string, name: string, version: KeyVersion): Record<string, unknown> {
  return {
    key: {
      kid: `${baseUrl}/keys/${name}/${version.version}`,
      kty: version.kty,
      key_ops: version.keyOps,
      ...publicJwk(version.privateJwk),
    },
    attributes: keyAttributes(version),
    ...(version.tags ? { tags: version.tags } : {}),
    ...(version.managed ? { managed: true } : {}),
  };
}

function keyItem(
  baseUrl: string,
  name: string,
  version: KeyVersion,
  versioned: boolean,
): Record<string, unknown> {
  return {
    kid: `${baseUrl}/keys/${name}${versioned ? `/${version.version}` : ''}`,
    attributes: keyAttributes(version),
    ...(version.tags ? { tags: version.tags } : {}),
    ...(version.managed ? { managed: true } : {}),
  };
}

function deletedFields(baseUrl: string, deleted: Deleted<Versioned<KeyVersion>>): Record<string, unknown> {
  return {
    recoveryId: `${baseUrl}/deletedkeys/${deleted.object.name}`,
    deletedDate: deleted.deletedDate,
    scheduledPurgeDate: deleted.scheduledPurgeDate,
  };
}

function newVersionReply(
  context: RequestContext,
  result: { object: Versioned<KeyVersion>; version: KeyVersion },
): Reply {
  context.emit({
    type: 'KeyNewVersionCreated',
    objectType: 'Key',
    objectName: result.object.name,
    version: result.version.version,
    ...(result.version.attributes.nbf !== undefined ? { nbf: result.version.attributes.nbf } : {}),
    ...(result.version.attributes.exp !== undefined ? { exp: result.version.attributes.exp } : {}),
  });
  return { status: 200, body: keyBundle(context.baseUrl, result.object.name, result.version) };
}

async function create(context: RequestContext): Promise<Reply> {
  const body = await context.readBody();
  return newVersionReply(context, createKey(context.vault, context.params[0]!, body, context.nowSeconds()));
}

async function importing(context: RequestContext): Promise<Reply> {
  const body = await context.readBody();
  return newVersionReply(context, importKey(context.vault, context.params[0]!, body, context.nowSeconds()));
}

function get(context: RequestContext): Reply {
  const { object, version } = getKey(context.vault, context.params[0]!, context.params[1]);
  return { status: 200, body: keyBundle(context.baseUrl, object.name, version) };
}

async function update(context: RequestContext): Promise<Reply> {
  const body = await context.readBody();
  const { object, version } = updateKey(
    context.vault,
    context.params[0]!,
    context.params[1],
    body,
    context.nowSeconds(),
  );
  return { status: 200, body: keyBundle(context.baseUrl, object.name, version) };
}

function list(context: RequestContext): Reply {
  const page = pageOf(
    sortedLive(context.vault.keys),
    (object) => object.name.toLowerCase(),
    (object) => keyItem(context.baseUrl, object.name, latest(object), false),
    pageRequest(context.searchParams),
    `${context.baseUrl}/keys`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function listVersions(context: RequestContext): Reply {
  const object = findLive(context.vault.keys, 'Key', context.params[0]!);
  const page = pageOf(
    object.versions.map((version, index) => ({ version, key: String(index).padStart(8, '0') })),
    (entry) => entry.key,
    (entry) => keyItem(context.baseUrl, object.name, entry.version, true),
    pageRequest(context.searchParams),
    `${context.baseUrl}/keys/${object.name}/versions`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function remove(context: RequestContext): Reply {
  const object = findLive(context.vault.keys, 'Key', context.params[0]!);
  if (object.versions.some((version) => version.managed))
    throw badParameter(`Key ${object.name} is managed by a certificate; delete the certificate instead.`);
  const deleted = softDelete(context.vault.keys, 'Key', object.name, context.nowSeconds());
  return {
    status: 200,
    body: {
      ...deletedFields(context.baseUrl, deleted),
      ...keyBundle(context.baseUrl, object.name, latest(object)),
    },
  };
}

function getDeleted(context: RequestContext): Reply {
  const deleted = findDeleted(context.vault.keys, 'Key', context.params[0]!);
  return {
    status: 200,
    body: {
      ...deletedFields(context.baseUrl, deleted),
      ...keyBundle(context.baseUrl, deleted.object.name, latest(deleted.object)),
    },
  };
}

function listDeleted(context: RequestContext): Reply {
  const page = pageOf(
    sortedDeleted(context.vault.keys),
    (deleted) => deleted.object.name.toLowerCase(),
    (deleted) => ({
      ...deletedFields(context.baseUrl, deleted),
      ...keyItem(context.baseUrl, deleted.object.name, latest(deleted.object), false),
    }),
    pageRequest(context.searchParams),
    `${context.baseUrl}/deletedkeys`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function recoverDeleted(context: RequestContext): Reply {
  const object = recover(context.vault.keys, 'Key', context.params[0]!);
  return { status: 200, body: keyBundle(context.baseUrl, object.name, latest(object)) };
}

function purgeDeleted(context: RequestContext): Reply {
  purge(context.vault.keys, 'Key', context.params[0]!);
  return { status: 204 };
}

/** Key routes, in matching order. */
export const KEY_ROUTES: readonly Route[] = [
  route('GET', '/keys', 'getKeys', 'keys/list', list, false, false),
  route('POST', `/keys/${NAME}/create`, 'createKey', 'keys/create', create, true),
  route('GET', `/keys/${NAME}/versions`, 'getKeyVersions', 'keys/list', listVersions, false),
  route('PUT', `/keys/${NAME}`, 'importKey', 'keys/import', importing, true),
  route('DELETE', `/keys/${NAME}`, 'deleteKey', 'keys/delete', remove, true),
  route('GET', `/keys/${NAME}(?:/([^/]*))?`, 'getKey', 'keys/get', get, false),
  route('PATCH', `/keys/${NAME}(?:/([^/]*))?`, 'updateKey', 'keys/create', update, true),
  route('GET', '/deletedkeys', 'getDeletedKeys', 'keys/list', listDeleted, false, false),
  route('GET', `/deletedkeys/${NAME}`, 'getDeletedKey', 'keys/list', getDeleted, false),
  route('DELETE', `/deletedkeys/${NAME}`, 'purgeDeletedKey', 'keys/purge', purgeDeleted, true),
  route('POST', `/deletedkeys/${NAME}/recover`, 'recoverDeletedKey', 'keys/recover', recoverDeleted, true),
];
