import { decodeBackup, encodeBackup } from '../vault/backup.ts';
import { bodyObject, checkName } from '../vault/input.ts';
import { latest, type SecretVersion } from '../vault/model.ts';
import { checkSecretDeletable, getSecret, setSecret, updateSecret } from '../vault/secrets.ts';
import {
  findDeleted,
  findLive,
  purge,
  recover,
  restoreObject,
  softDelete,
  sortedDeleted,
  sortedLive,
} from '../vault/table.ts';
import { pageOf, pageRequest } from './paging.ts';
import type { RequestContext, Reply, Route } from './routes.ts';
import { deletedSecretBundle, deletedSecretItem, secretBundle, secretItem } from './wire.ts';

/** The secrets data plane (reference §2.2), in the order routes must be tried. */

function newVersionEvent(context: RequestContext, name: string, version: SecretVersion): void {
  context.emit({
    type: 'SecretNewVersionCreated',
    objectType: 'Secret',
    objectName: name,
    version: version.version,
    ...(version.attributes.nbf !== undefined ? { nbf: version.attributes.nbf } : {}),
    ...(version.attributes.exp !== undefined ? { exp: version.attributes.exp } : {}),
  });
}

async function set(context: RequestContext): Promise<Reply> {
  const body = await context.readBody();
  const { object, version } = setSecret(context.vault, context.params[0]!, body, context.nowSeconds());
  newVersionEvent(context, object.name, version);
  return { status: 200, body: secretBundle(context.baseUrl, object.name, version, { withValue: true }) };
}

function get(context: RequestContext): Reply {
  const { object, version } = getSecret(context.vault, context.params[0]!, context.params[1]);
  return { status: 200, body: secretBundle(context.baseUrl, object.name, version, { withValue: true }) };
}

async function update(context: RequestContext): Promise<Reply> {
  const body = await context.readBody();
  const name = context.params[0]!;
  const { object, version } = updateSecret(
    context.vault,
    name,
    context.params[1],
    body,
    context.nowSeconds(),
  );
  return { status: 200, body: secretBundle(context.baseUrl, object.name, version, { withValue: false }) };
}

function list(context: RequestContext): Reply {
  const objects = sortedLive(context.vault.secrets);
  const page = pageOf(
    objects,
    (object) => object.name.toLowerCase(),
    (object) =>
      secretItem(context.baseUrl, object.name, latest(object), {
        versionedId: false,
      }),
    pageRequest(context.searchParams),
    `${context.baseUrl}/secrets`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function listVersions(context: RequestContext): Reply {
  const object = findLive(context.vault.secrets, 'Secret', context.params[0]!);
  const indexed = object.versions.map((version, index) => ({ version, key: String(index).padStart(8, '0') }));
  const page = pageOf(
    indexed,
    (entry) => entry.key,
    (entry) => secretItem(context.baseUrl, object.name, entry.version, { versionedId: true }),
    pageRequest(context.searchParams),
    `${context.baseUrl}/secrets/${object.name}/versions`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function remove(context: RequestContext): Reply {
  checkSecretDeletable(context.vault, context.params[0]!);
  const deleted = softDelete(context.vault.secrets, 'Secret', context.params[0]!, context.nowSeconds());
  return { status: 200, body: deletedSecretBundle(context.baseUrl, deleted) };
}

function getDeleted(context: RequestContext): Reply {
  const deleted = findDeleted(context.vault.secrets, 'Secret', context.params[0]!);
  return { status: 200, body: deletedSecretBundle(context.baseUrl, deleted) };
}

function listDeleted(context: RequestContext): Reply {
  const page = pageOf(
    sortedDeleted(context.vault.secrets),
    (deleted) => deleted.object.name.toLowerCase(),
    (deleted) => deletedSecretItem(context.baseUrl, deleted),
    pageRequest(context.searchParams),
    `${context.baseUrl}/deletedsecrets`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function recoverDeleted(context: RequestContext): Reply {
  const object = recover(context.vault.secrets, 'Secret', context.params[0]!);
  const current = latest(object);
  return { status: 200, body: secretBundle(context.baseUrl, object.name, current, { withValue: false }) };
}

function purgeDeleted(context: RequestContext): Reply {
  purge(context.vault.secrets, 'Secret', context.params[0]!);
  return { status: 204 };
}

function backup(context: RequestContext): Reply {
  const object = findLive(context.vault.secrets, 'Secret', context.params[0]!);
  return { status: 200, body: { value: encodeBackup('Secret', object) } };
}

async function restore(context: RequestContext): Promise<Reply> {
  const input = bodyObject(await context.readBody());
  const object = decodeBackup<SecretVersion>('Secret', input.value);
  checkName(object.name, 'Secret');
  restoreObject(context.vault.secrets, 'Secret', object);
  const current = latest(object);
  return { status: 200, body: secretBundle(context.baseUrl, object.name, current, { withValue: false }) };
}

const NAME = '([^/]+)';

/** Secret routes; `/secrets/restore` and `…/versions`, `…/backup` come before the generic ones. */
export const SECRET_ROUTES: readonly Route[] = [
  {
    method: 'POST',
    pattern: /^\/secrets\/restore\/?$/i,
    operation: 'restoreSecret',
    permission: 'secrets/restore',
    mutates: true,
    handle: restore,
  },
  {
    method: 'GET',
    pattern: /^\/secrets\/?$/i,
    operation: 'getSecrets',
    permission: 'secrets/list',
    mutates: false,
    handle: list,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/secrets/${NAME}/versions/?$`, 'i'),
    operation: 'getSecretVersions',
    permission: 'secrets/list',
    nameParam: 0,
    mutates: false,
    handle: listVersions,
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/secrets/${NAME}/backup/?$`, 'i'),
    operation: 'backupSecret',
    permission: 'secrets/backup',
    nameParam: 0,
    mutates: false,
    handle: backup,
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/secrets/${NAME}/?$`, 'i'),
    operation: 'setSecret',
    permission: 'secrets/set',
    nameParam: 0,
    mutates: true,
    handle: set,
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/secrets/${NAME}/?$`, 'i'),
    operation: 'deleteSecret',
    permission: 'secrets/delete',
    nameParam: 0,
    mutates: true,
    handle: remove,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/secrets/${NAME}(?:/([^/]*))?/?$`, 'i'),
    operation: 'getSecret',
    permission: 'secrets/get',
    nameParam: 0,
    mutates: false,
    handle: get,
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/secrets/${NAME}(?:/([^/]*))?/?$`, 'i'),
    operation: 'updateSecret',
    permission: 'secrets/set',
    nameParam: 0,
    mutates: true,
    handle: update,
  },
  {
    method: 'GET',
    pattern: /^\/deletedsecrets\/?$/i,
    operation: 'getDeletedSecrets',
    permission: 'secrets/list',
    mutates: false,
    handle: listDeleted,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/deletedsecrets/${NAME}/?$`, 'i'),
    operation: 'getDeletedSecret',
    permission: 'secrets/list',
    nameParam: 0,
    mutates: false,
    handle: getDeleted,
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/deletedsecrets/${NAME}/?$`, 'i'),
    operation: 'purgeDeletedSecret',
    permission: 'secrets/purge',
    nameParam: 0,
    mutates: true,
    handle: purgeDeleted,
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/deletedsecrets/${NAME}/recover/?$`, 'i'),
    operation: 'recoverDeletedSecret',
    permission: 'secrets/recover',
    nameParam: 0,
    mutates: true,
    handle: recoverDeleted,
  },
];
