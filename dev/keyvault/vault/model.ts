/**
 * The stored shape of a vault's objects. Times are integer Unix seconds, as on the wire. Names
 * keep the case they were created with; lookups are case-insensitive, as in Azure.
 */

/** Attributes common to secrets, keys and certificates. */
export interface ObjectAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface SecretVersion {
  /** 32 lowercase hex characters. */
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  attributes: ObjectAttributes;
  /** True for the secret backing a certificate. */
  managed?: boolean;
}

export interface KeyVersion {
  version: string;
  /** The JWK as Node's crypto exports it, private parts included (never sent on the wire). */
  privateJwk: PrivateJwk;
  kty: 'RSA' | 'EC' | 'RSA-HSM' | 'EC-HSM';
  keyOps: string[];
  attributes: ObjectAttributes;
  tags?: Record<string, string>;
  managed?: boolean;
  exportable?: boolean;
}

/** A JWK with private members, as `KeyObject.export({ format: 'jwk' })` gives it. */
export interface PrivateJwk {
  kty: string;
  n?: string;
  e?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface CertificateVersion {
  version: string;
  /** Base64 DER of the leaf certificate. */
  cer: string;
  /** Base64url SHA-1 thumbprint. */
  x5t: string;
  attributes: ObjectAttributes;
  tags?: Record<string, string>;
  /** The policy in wire form (`key_props`, `secret_props`, `x509_props`, …), without `id`. */
  policy: Record<string, unknown>;
  /** Made by `createCertificate` (so `GET …/pending` answers a completed operation). */
  createdByRequest?: boolean;
}

/** An object with its versions, oldest first; the last one is the current version. */
export interface Versioned<V> {
  name: string;
  versions: V[];
}

/** A soft-deleted object, kept until purged. */
export interface Deleted<T> {
  object: T;
  deletedDate: number;
  scheduledPurgeDate: number;
}

/** One kind of object in one vault: live objects and soft-deleted ones, by lower-cased name. */
export interface ObjectTable<V> {
  live: Map<string, Versioned<V>>;
  deleted: Map<string, Deleted<Versioned<V>>>;
}

export interface VaultData {
  name: string;
  secrets: ObjectTable<SecretVersion>;
  keys: ObjectTable<KeyVersion>;
  certificates: ObjectTable<CertificateVersion>;
}

/** Soft-delete settings every emulated vault has (soft delete on, purge allowed). */
export const RECOVERY_LEVEL = 'Recoverable+Purgeable';
export const RECOVERABLE_DAYS = 90;

export function emptyTable<V>(): ObjectTable<V> {
  return { live: new Map(), deleted: new Map() };
}

export function emptyVault(name: string): VaultData {
  return { name, secrets: emptyTable(), keys: emptyTable(), certificates: emptyTable() };
}

/** The current (latest created) version. */
export function latest<V>(object: Versioned<V>): V {
  return object.versions[object.versions.length - 1]!;
}
