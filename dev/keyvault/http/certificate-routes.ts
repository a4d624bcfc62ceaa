import {
  createCertificate,
  deleteCertificate,
  getCertificate,
  importCertificate,
  purgeCertificate,
  recoverCertificate,
  type StoredCertificate,
} from '../vault/certificates.ts';
import { VaultError } from '../vault/errors.ts';
import { latest, type CertificateVersion, type Deleted, type Versioned } from '../vault/model.ts';
import { findDeleted, findLive, sortedDeleted, sortedLive } from '../vault/table.ts';
import { pageOf, pageRequest } from './paging.ts';
import { NAME, route, type Reply, type RequestContext, type Route } from './routes.ts';
import { attributesWire } from './wire.ts';

/** The certificates data plane: create (self-signed), import, get, policy, list, delete/recover/purge. */

function policyWire(baseUrl: string, name: string, version: CertificateVersion): Record<string, unknown> {
  return { id: `${baseUrl}/certificates/${name}/policy`, ...version.policy };
}

/** CertificateBundle; the policy only for the current version, as Key Vault does. */
export function certificateBundle(
  baseUrl: string,
  object: Versioned<CertificateVersion>,
  version: CertificateVersion,
): Record<string, unknown> {
  const name = object.name;
  const contentType = (version.policy.secret_props as { contentType?: string } | undefined)?.contentType;
  return {
    id: `${baseUrl}/certificates/${name}/${version.version}`,
    kid: `${baseUrl}/keys/${name}/${version.version}`,
    sid: `${baseUrl}/secrets/${name}/${version.version}`,
    x5t: version.x5t,
    cer: version.cer,
    attributes: attributesWire(version.attributes),
    ...(version.tags ? { tags: version.tags } : {}),
    ...(contentType ? { contentType } : {}),
    ...(version === latest(object) ? { policy: policyWire(baseUrl, name, version) } : {}),
  };
}

function certificateItem(
  baseUrl: string,
  name: string,
  version: CertificateVersion,
  versioned: boolean,
): Record<string, unknown> {
  return {
    id: `${baseUrl}/certificates/${name}${versioned ? `/${version.version}` : ''}`,
    attributes: attributesWire(version.attributes),
    ...(version.tags ? { tags: version.tags } : {}),
    x5t: version.x5t,
  };
}

function deletedFields(
  baseUrl: string,
  deleted: Deleted<Versioned<CertificateVersion>>,
): Record<string, unknown> {
  return {
    recoveryId: `${baseUrl}/deletedcertificates/${deleted.object.name}`,
    deletedDate: deleted.deletedDate,
    scheduledPurgeDate: deleted.scheduledPurgeDate,
  };
}

function operationWire(baseUrl: string, name: string): Record<string, unknown> {
  return {
    id: `${baseUrl}/certificates/${name}/pending`,
    issuer: { name: 'Self' },
    cancellation_requested: false,
    status: 'completed',
    target: `${baseUrl}/certificates/${name}`,
    request_id: `${name.toLowerCase()}-request`,
  };
}

function emitVersion(context: RequestContext, stored: StoredCertificate): void {
  const { nbf, exp } = stored.version.attributes;
  const base = {
    objectName: stored.object.name,
    version: stored.version.version,
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
  context.emit({ type: 'CertificateNewVersionCreated', objectType: 'Certificate', ...base });
  context.emit({ type: 'SecretNewVersionCreated', objectType: 'Secret', ...base });
  context.emit({ type: 'KeyNewVersionCreated', objectType: 'Key', ...base });
}

async function create(context: RequestContext): Promise<Reply> {
  const stored = createCertificate(
    context.vault,
    context.params[0]!,
    await context.readBody(),
    context.nowSeconds(),
  );
  emitVersion(context, stored);
  return { status: 202, body: operationWire(context.baseUrl, stored.object.name) };
}

async function importing(context: RequestContext): Promise<Reply> {
  const stored = importCertificate(
    context.vault,
    context.params[0]!,
    await context.readBody(),
    context.nowSeconds(),
  );
  emitVersion(context, stored);
  return { status: 200, body: certificateBundle(context.baseUrl, stored.object, stored.version) };
}

function pending(context: RequestContext): Reply {
  const object = findLive(context.vault.certificates, 'Certificate', context.params[0]!);
  if (!latest(object).createdByRequest)
    throw new VaultError(404, 'PendingCertificateNotFound', `Pending certificate not found: ${object.name}`);
  return { status: 200, body: operationWire(context.baseUrl, object.name) };
}

function policy(context: RequestContext): Reply {
  const object = findLive(context.vault.certificates, 'Certificate', context.params[0]!);
  return { status: 200, body: policyWire(context.baseUrl, object.name, latest(object)) };
}

function get(context: RequestContext): Reply {
  const { object, version } = getCertificate(context.vault, context.params[0]!, context.params[1]);
  return { status: 200, body: certificateBundle(context.baseUrl, object, version) };
}

function list(context: RequestContext): Reply {
  const page = pageOf(
    sortedLive(context.vault.certificates),
    (object) => object.name.toLowerCase(),
    (object) => certificateItem(context.baseUrl, object.name, latest(object), false),
    pageRequest(context.searchParams),
    `${context.baseUrl}/certificates`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function listVersions(context: RequestContext): Reply {
  const object = findLive(context.vault.certificates, 'Certificate', context.params[0]!);
  const page = pageOf(
    object.versions.map((version, index) => ({ version, key: String(index).padStart(8, '0') })),
    (entry) => entry.key,
    (entry) => certificateItem(context.baseUrl, object.name, entry.version, true),
    pageRequest(context.searchParams),
    `${context.baseUrl}/certificates/${object.name}/versions`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function deletedBundle(
  context: RequestContext,
  deleted: Deleted<Versioned<CertificateVersion>>,
): Record<string, unknown> {
  return {
    ...deletedFields(context.baseUrl, deleted),
    ...certificateBundle(context.baseUrl, deleted.object, latest(deleted.object)),
  };
}

function remove(context: RequestContext): Reply {
  return {
    status: 200,
    body: deletedBundle(context, deleteCertificate(context.vault, context.params[0]!, context.nowSeconds())),
  };
}

function getDeleted(context: RequestContext): Reply {
  return {
    status: 200,
    body: deletedBundle(context, findDeleted(context.vault.certificates, 'Certificate', context.params[0]!)),
  };
}

function listDeleted(context: RequestContext): Reply {
  const page = pageOf(
    sortedDeleted(context.vault.certificates),
    (deleted) => deleted.object.name.toLowerCase(),
    (deleted) => ({
      ...deletedFields(context.baseUrl, deleted),
      ...certificateItem(context.baseUrl, deleted.object.name, latest(deleted.object), false),
    }),
    pageRequest(context.searchParams),
    `${context.baseUrl}/deletedcertificates`,
    context.apiVersion,
  );
  return { status: 200, body: page };
}

function recoverDeleted(context: RequestContext): Reply {
  const object = recoverCertificate(context.vault, context.params[0]!);
  return { status: 200, body: certificateBundle(context.baseUrl, object, latest(object)) };
}

function purgeDeleted(context: RequestContext): Reply {
  purgeCertificate(context.vault, context.params[0]!);
  return { status: 204 };
}

/** Certificate routes, in matching order. */
export const CERTIFICATE_ROUTES: readonly Route[] = [
  route('GET', '/certificates', 'getCertificates', 'certificates/list', list, false, false),
  route('POST', `/certificates/${NAME}/create`, 'createCertificate', 'certificates/create', create, true),
  route('POST', `/certificates/${NAME}/import`, 'importCertificate', 'certificates/import', importing, true),
  route(
    'GET',
    `/certificates/${NAME}/pending`,
    'getCertificateOperation',
    'certificates/get',
    pending,
    false,
  ),
  route('GET', `/certificates/${NAME}/policy`, 'getCertificatePolicy', 'certificates/get', policy, false),
  route(
    'GET',
    `/certificates/${NAME}/versions`,
    'getCertificateVersions',
    'certificates/list',
    listVersions,
    false,
  ),
  route('DELETE', `/certificates/${NAME}`, 'deleteCertificate', 'certificates/delete', remove, true),
  route('GET', `/certificates/${NAME}(?:/([^/]*))?`, 'getCertificate', 'certificates/get', get, false),
  route(
    'GET',
    '/deletedcertificates',
    'getDeletedCertificates',
    'certificates/list',
    listDeleted,
    false,
    false,
  ),
  route(
    'GET',
    `/deletedcertificates/${NAME}`,
    'getDeletedCertificate',
    'certificates/list',
    getDeleted,
    false,
  ),
  route(
    'DELETE',
    `/deletedcertificates/${NAME}`,
    'purgeDeletedCertificate',
    'certificates/purge',
    purgeDeleted,
    true,
  ),
  route(
    'POST',
    `/deletedcertificates/${NAME}/recover`,
    'recoverDeletedCertificate',
    'certificates/recover',
    recoverDeleted,
    true,
  ),
];
