import { generateKeyPairSync } from 'node:crypto';
import { badParameter, VaultError } from './errors.ts';
import {
  bodyObject,
  checkName,
  newAttributes,
  newVersion,
  parseAttributes,
  parseTags,
  type AttributeInput,
} from './input.ts';
import { addKeyVersion, privateJwkOf } from './keys.ts';
import type {
  CertificateVersion,
  Deleted,
  KeyVersion,
  SecretVersion,
  VaultData,
  Versioned,
} from './model.ts';
import { findLive, findVersion, objectForWrite, purge, recover, softDelete, storeLive } from './table.ts';
import {
  leafFacts,
  parsePem,
  parsePfx,
  selfSign,
  toPemBundle,
  toPfxBase64,
  type CertificateMaterial,
} from './x509.ts';

/**
 * Certificates with their backing secret (private key and chain, PEM or PFX) and backing key,
 * all three sharing one version id, as in Key Vault. Creation is self-signed and synchronous.
 */

export const PEM_CONTENT_TYPE = 'application/x-pem-file';
export const PFX_CONTENT_TYPE = 'application/x-pkcs12';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

export interface StoredCertificate {
  object: Versioned<CertificateVersion>;
  version: CertificateVersion;
  secret: SecretVersion;
  key: KeyVersion;
}

type Policy = Record<string, unknown>;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function policyContentType(policy: Policy): string | undefined {
  const contentType = record(policy.secret_props).contentType;
  if (contentType === undefined || contentType === null) return undefined;
  if (contentType !== PEM_CONTENT_TYPE && contentType !== PFX_CONTENT_TYPE)
    throw badParameter(`The secret content type must be ${PFX_CONTENT_TYPE} or ${PEM_CONTENT_TYPE}.`);
  return contentType;
}

/** The policy as stored: the request's, with Key Vault's defaults and the certificate's facts filled in. */
function completePolicy(
  policy: Policy,
  material: CertificateMaterial,
  contentType: string,
  now: number,
  issuer: string,
): Policy {
  const facts = leafFacts(material);
  const rsa = material.privateKey.asymmetricKeyType === 'rsa';
  const details = material.privateKey.asymmetricKeyDetails;
  const keyProps = {
    exportable: true,
    kty: rsa ? 'RSA' : 'EC',
    reuse_key: false,
    ...(rsa ? { key_size: details?.modulusLength } : { crv: 'P-256' }),
    ...record(policy.key_props),
  };
  const months = Math.max(1, Math.round((facts.exp - facts.nbf) / (30.44 * 24 * 3600)));
  return {
    key_props: keyProps,
    secret_props: { contentType },
    x509_props: { subject: facts.subject, validity_months: months, ...record(policy.x509_props) },
    lifetime_actions: policy.lifetime_actions ?? [
      { trigger: { lifetime_percentage: 80 }, action: { action_type: 'EmailContacts' } },
    ],
    issuer: { name: issuer, ...record(policy.issuer) },
    attributes: { enabled: true, created: now, updated: now },
  };
}

function refuseUnmanaged<V extends { managed?: boolean }>(
  object: Versioned<V>,
  kind: string,
  name: string,
): void {
  if (object.versions.length && !object.versions.some((version) => version.managed))
    throw new VaultError(
      409,
      'Conflict',
      `A ${kind} named ${name} already exists and is not managed by a certificate.`,
    );
}

interface StoreRequest {
  material: CertificateMaterial;
  policy: Policy;
  contentType: string;
  attributes: AttributeInput | undefined;
  tags: Record<string, string> | undefined;
  issuer: string;
  created: boolean;
}

function storeCertificate(
  vault: VaultData,
  name: string,
  request: StoreRequest,
  now: number,
): StoredCertificate {
  checkName(name, 'Certificate');
  const object = objectForWrite(vault.certificates, 'Certificate', name);
  const secrets = objectForWrite(vault.secrets, 'Secret', name);
  refuseUnmanaged(secrets, 'secret', name);
  refuseUnmanaged(objectForWrite(vault.keys, 'Key', name), 'key', name);
  const facts = leafFacts(request.material);
  const validity = { enabled: request.attributes?.enabled ?? true, nbf: facts.nbf, exp: facts.exp };
  const versionId = newVersion();
  const value =
    request.contentType === PEM_CONTENT_TYPE ? toPemBundle(request.material) : toPfxBase64(request.material);
  const rsa = request.material.privateKey.asymmetricKeyType === 'rsa';
  const { version: key } = addKeyVersion(
    vault,
    name,
    {
      jwk: privateJwkOf(request.material.privateKey),
      kty: rsa ? 'RSA' : 'EC',
      keyOps: rsa ? ['sign', 'verify', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] : ['sign', 'verify'],
      attributes: validity,
      tags: request.tags,
      managed: true,
      version: versionId,
    },
    now,
  );
  const secret: SecretVersion = {
    version: versionId,
    value,
    contentType: request.contentType,
    attributes: newAttributes(validity, now),
    managed: true,
    ...(request.tags ? { tags: request.tags } : {}),
  };
  secrets.versions.push(secret);
  storeLive(vault.secrets, secrets);
  const policy = completePolicy(request.policy, request.material, request.contentType, now, request.issuer);
  const version: CertificateVersion = {
    version: versionId,
    cer: facts.cer,
    x5t: facts.x5t,
    attributes: newAttributes(validity, now),
    policy,
    ...(request.tags ? { tags: request.tags } : {}),
    ...(request.created ? { createdByRequest: true } : {}),
  };
  object.versions.push(version);
  storeLive(vault.certificates, object);
  return { object, version, secret, key };
}

function readImport(
  value: unknown,
  password: string | undefined,
): { material: CertificateMaterial; format: string } {
  if (typeof value !== 'string' || !value.trim()) throw badParameter("The parameter 'value' is required.");
  if (value.includes('-----BEGIN')) return { material: parsePem(value, password), format: PEM_CONTENT_TYPE };
  const decoded = Buffer.from(value, 'base64');
  const text = decoded.toString('latin1');
  if (text.includes('-----BEGIN')) return { material: parsePem(text, password), format: PEM_CONTENT_TYPE };
  return { material: parsePfx(value, password), format: PFX_CONTENT_TYPE };
}

/** `importCertificate`: PEM text, base64 PEM or base64 PFX, with the private key. */
export function importCertificate(
  vault: VaultData,
  name: string,
  body: unknown,
  now: number,
): StoredCertificate {
  checkName(name, 'Certificate');
  const input = bodyObject(body);
  const password = typeof input.pwd === 'string' && input.pwd ? input.pwd : undefined;
  const policy = record(input.policy);
  const { material, format } = readImport(input.value, password);
  const contentType = policyContentType(policy) ?? format;
  const attributes = parseAttributes(input.attributes);
  return storeCertificate(
    vault,
    name,
    {
      material,
      policy,
      contentType,
      attributes,
      tags: parseTags(input.tags),
      issuer: 'Unknown',
      created: false,
    },
    now,
  );
}

/** `createCertificate`: self-signed (issuer `Self`), RSA, completed at once. */
export function createCertificate(
  vault: VaultData,
  name: string,
  body: unknown,
  now: number,
): StoredCertificate {
  checkName(name, 'Certificate');
  const input = bodyObject(body);
  const policy = record(input.policy);
  const issuer = record(policy.issuer).name ?? 'Self';
  if (issuer !== 'Self') throw badParameter("Only self-signed certificates (issuer 'Self') are emulated.");
  const keyProps = record(policy.key_props);
  if (keyProps.kty !== undefined && keyProps.kty !== 'RSA' && keyProps.kty !== 'RSA-HSM')
    throw badParameter(
      'Only RSA certificates can be created in the emulator; import EC certificates instead.',
    );
  const x509 = record(policy.x509_props);
  if (typeof x509.subject !== 'string') throw badParameter("The policy's x509_props.subject is required.");
  const size = typeof keyProps.key_size === 'number' ? keyProps.key_size : 2048;
  if (![2048, 3072, 4096].includes(size))
    throw badParameter('Invalid key size: RSA keys are 2048, 3072 or 4096 bits.');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: size });
  const sans = record(x509.sans);
  const dnsNames = Array.isArray(sans.dns_names)
    ? sans.dns_names.filter((n): n is string => typeof n === 'string')
    : [];
  const ekus = Array.isArray(x509.ekus)
    ? x509.ekus.filter((e): e is string => typeof e === 'string')
    : [SERVER_AUTH, CLIENT_AUTH];
  const validityMonths = typeof x509.validity_months === 'number' ? x509.validity_months : 12;
  const material = selfSign(privateKey, {
    subject: x509.subject,
    dnsNames,
    ekus,
    validityMonths,
    nowSeconds: now,
  });
  const contentType = policyContentType(policy) ?? PFX_CONTENT_TYPE;
  return storeCertificate(
    vault,
    name,
    {
      material,
      policy,
      contentType,
      attributes: parseAttributes(input.attributes),
      tags: parseTags(input.tags),
      issuer: 'Self',
      created: true,
    },
    now,
  );
}

/** `getCertificate`: a version (current when empty). */
export function getCertificate(
  vault: VaultData,
  name: string,
  version: string | undefined,
): { object: Versioned<CertificateVersion>; version: CertificateVersion } {
  const object = findLive(vault.certificates, 'Certificate', name);
  return { object, version: findVersion(object, 'Certificate', version) };
}

/** Soft-deletes a certificate with its backing secret and key. */
export function deleteCertificate(
  vault: VaultData,
  name: string,
  now: number,
): Deleted<Versioned<CertificateVersion>> {
  const deleted = softDelete(vault.certificates, 'Certificate', name, now);
  if (vault.secrets.live.has(name.toLowerCase())) softDelete(vault.secrets, 'Secret', name, now);
  if (vault.keys.live.has(name.toLowerCase())) softDelete(vault.keys, 'Key', name, now);
  return deleted;
}

/** Recovers a certificate with its backing secret and key. */
export function recoverCertificate(vault: VaultData, name: string): Versioned<CertificateVersion> {
  const object = recover(vault.certificates, 'Certificate', name);
  if (vault.secrets.deleted.has(name.toLowerCase())) recover(vault.secrets, 'Secret', name);
  if (vault.keys.deleted.has(name.toLowerCase())) recover(vault.keys, 'Key', name);
  return object;
}

/** Purges a deleted certificate with its backing secret and key. */
export function purgeCertificate(vault: VaultData, name: string): void {
  purge(vault.certificates, 'Certificate', name);
  if (vault.secrets.deleted.has(name.toLowerCase())) purge(vault.secrets, 'Secret', name);
  if (vault.keys.deleted.has(name.toLowerCase())) purge(vault.keys, 'Key', name);
}
