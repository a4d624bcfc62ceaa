import type { JsonWebKey, KeyVaultKey } from '@azure/keyvault-keys';
import type { ProviderCallOptions, RemoteSource } from '../provider.ts';
import type { AzureCallTarget } from './azure-errors.ts';
import { callKeyVault, type AzureCallName, type CallContext } from './call.ts';
import type { VaultClients } from './clients.ts';
import type { AzureObjectRef, AzureObjectType } from './object-ref.ts';

/**
 * One GET of a secret, key or certificate, reduced to what the provider returns: the content
 * (secret value; public JWK as JSON; certificate DER), its tags and where it came from.
 */

export interface FetchedObject {
  content: Buffer;
  tags: Record<string, string>;
  source: RemoteSource;
}

export interface ReadContext extends CallContext {
  clients: VaultClients;
  vaultUrl: string;
  identity: string;
}

const CALLS: Record<AzureObjectType, { call: AzureCallName; operation: string }> = {
  secret: { call: 'GetSecret', operation: 'get secret' },
  key: { call: 'GetKey', operation: 'get key' },
  cert: { call: 'GetCertificate', operation: 'get certificate' },
};

/** JWK fields in the order and with the names of the wire format (what ESO marshals). */
const JWK_FIELDS: Array<[wire: string, sdk: keyof JsonWebKey]> = [
  ['crv', 'crv'],
  ['d', 'd'],
  ['dp', 'dp'],
  ['dq', 'dq'],
  ['e', 'e'],
  ['k', 'k'],
  ['key_hsm', 't'],
  ['key_ops', 'keyOps'],
  ['kid', 'kid'],
  ['kty', 'kty'],
  ['n', 'n'],
  ['p', 'p'],
  ['q', 'q'],
  ['qi', 'qi'],
  ['x', 'x'],
  ['y', 'y'],
];

/** The key as JSON: byte fields base64url without padding, absent fields left out. */
export function jwkJson(key: JsonWebKey | undefined): string {
  const out: Record<string, unknown> = {};
  for (const [wire, field] of JWK_FIELDS) {
    const value = key?.[field];
    if (value === undefined || value === null) continue;
    out[wire] = value instanceof Uint8Array ? Buffer.from(value).toString('base64url') : value;
  }
  return JSON.stringify(out);
}

export function callTarget(context: ReadContext, ref: AzureObjectRef, version?: string): AzureCallTarget {
  return {
    operation: CALLS[ref.type].operation,
    objectType: ref.type,
    permission: 'get',
    name: ref.name,
    ...(version ? { version } : {}),
    vaultUrl: context.vaultUrl,
    identity: context.identity,
  };
}

interface SdkProperties {
  version?: string;
  updatedOn?: Date;
  tags?: Record<string, string>;
}

function fetched(
  key: string,
  ref: AzureObjectRef,
  content: Buffer,
  properties: SdkProperties,
): FetchedObject {
  return {
    content,
    tags: { ...properties.tags },
    source: {
      key,
      name: ref.name,
      objectType: ref.type,
      version: properties.version ?? '',
      ...(properties.updatedOn ? { updatedOn: properties.updatedOn } : {}),
    },
  };
}

async function request(
  context: ReadContext,
  ref: AzureObjectRef,
  version: string | undefined,
  signal?: AbortSignal,
) {
  const options = signal ? { abortSignal: signal } : {};
  switch (ref.type) {
    case 'secret': {
      const secret = await context.clients
        .secrets()
        .getSecret(ref.name, { ...options, ...(version ? { version } : {}) });
      return { content: Buffer.from(secret.value ?? '', 'utf8'), properties: secret.properties };
    }
    case 'key': {
      const key: KeyVaultKey = await context.clients
        .keys()
        .getKey(ref.name, { ...options, ...(version ? { version } : {}) });
      return { content: Buffer.from(jwkJson(key.key), 'utf8'), properties: key.properties };
    }
    case 'cert': {
      const certificates = context.clients.certificates();
      const certificate = version
        ? await certificates.getCertificateVersion(ref.name, version, options)
        : await certificates.getCertificate(ref.name, options);
      return {
        content: Buffer.from(certificate.cer ?? new Uint8Array()),
        properties: certificate.properties,
      };
    }
  }
}

/**
 * GETs the object `ref` names (the latest version unless `version`), with retries and error
 * translation (`callKeyVault`). `key` is `remoteRef.key` as written, for the source.
 */
export async function fetchObject(
  context: ReadContext,
  key: string,
  ref: AzureObjectRef,
  version: string | undefined,
  options: ProviderCallOptions = {},
): Promise<FetchedObject> {
  const result = await callKeyVault(
    context,
    CALLS[ref.type].call,
    callTarget(context, ref, version),
    () => request(context, ref, version, options.abortSignal),
    options.abortSignal,
  );
  return fetched(key, ref, result.content, result.properties);
}
