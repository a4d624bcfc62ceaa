import { KvsyncError, isKvsyncError } from '../../errors.ts';
import type { RemoteRef, RemoteSource, SecretsProvider } from '../../providers/provider.ts';
import { convertKey, decodeValue, type ConversionStrategy, type DecodingStrategy } from './decoding.ts';

/**
 * Reads what an ExternalSecret asks for from its provider, in ESO's order: every
 * `dataFrom` entry (later entries overwrite earlier keys), then every `data` entry. A remote
 * object that does not exist is skipped (and reported) only when the deletion policy is not
 * `Retain`, as ESO does; any other failure rejects the whole fetch, so that a partial read never
 * reaches the Secret.
 */

export interface RemoteRefFields extends RemoteRef {
  decodingStrategy?: DecodingStrategy;
  conversionStrategy?: ConversionStrategy;
}

export interface DataEntry {
  secretKey: string;
  remoteRef: RemoteRefFields;
  sourceRef?: unknown;
}

export interface DataFromEntry {
  extract?: RemoteRefFields;
  find?: unknown;
  rewrite?: unknown;
  sourceRef?: unknown;
}

export interface FetchRequest {
  data: readonly DataEntry[];
  dataFrom: readonly DataFromEntry[];
  /** Missing remote objects are tolerated unless this is `Retain`. */
  deletionPolicy: 'Retain' | 'Delete' | 'Merge';
}

/** One remote object that fed the Secret, for status: which version, when it changed. */
export interface SyncedSource {
  key: string;
  secretKey?: string;
  version: string;
  updatedOn?: Date;
}

export interface FetchResult {
  data: Map<string, Buffer>;
  sources: SyncedSource[];
  /** Remote keys that did not exist and were skipped. */
  missing: string[];
}

function toSynced(source: RemoteSource, secretKey?: string): SyncedSource {
  return {
    key: source.key,
    ...(secretKey === undefined ? {} : { secretKey }),
    version: source.version,
    ...(source.updatedOn ? { updatedOn: source.updatedOn } : {}),
  };
}

function unsupportedDataFrom(entry: DataFromEntry, index: number): KvsyncError | undefined {
  const unsupported = entry.find ? 'find' : entry.rewrite ? 'rewrite' : entry.sourceRef ? 'sourceRef' : '';
  if (unsupported)
    return new KvsyncError(
      'ERR_UNSUPPORTED',
      `dataFrom[${index}].${unsupported} is not supported by kvsync yet`,
    );
  if (!entry.extract)
    return new KvsyncError('ERR_INVALID_RESOURCE', `dataFrom[${index}] sets nothing to read`);
  return undefined;
}

/** Runs `read`, turning a not-found into `undefined` when the policy tolerates it. */
async function tolerant<T>(request: FetchRequest, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (request.deletionPolicy !== 'Retain' && isKvsyncError(error, 'ERR_PROVIDER_NOT_FOUND'))
      return undefined;
    throw error;
  }
}

/** Fetches, decodes and converts everything `request` names. */
export async function fetchProviderData(
  provider: SecretsProvider,
  request: FetchRequest,
): Promise<FetchResult> {
  request.dataFrom.forEach((entry, index) => {
    const problem = unsupportedDataFrom(entry, index);
    if (problem) throw problem;
  });
  // A per-entry store would be read from the ExternalSecret's own store otherwise: refuse it.
  request.data.forEach((entry, index) => {
    if (entry.sourceRef)
      throw new KvsyncError('ERR_UNSUPPORTED', `data[${index}].sourceRef is not supported by kvsync yet`);
  });
  const [maps, values] = await Promise.all([
    Promise.all(
      request.dataFrom.map((entry) => tolerant(request, () => provider.getSecretMap(entry.extract!))),
    ),
    Promise.all(request.data.map((entry) => tolerant(request, () => provider.getSecret(entry.remoteRef)))),
  ]);
  const result: FetchResult = { data: new Map(), sources: [], missing: [] };
  maps.forEach((map, index) => {
    const ref = request.dataFrom[index]!.extract!;
    if (!map) return void result.missing.push(ref.key);
    for (const [key, value] of map.values)
      result.data.set(convertKey(key, ref.conversionStrategy), decodeValue(value, ref.decodingStrategy, key));
    result.sources.push(toSynced(map.source));
  });
  values.forEach((value, index) => {
    const entry = request.data[index]!;
    if (!value) return void result.missing.push(entry.remoteRef.key);
    const what = `'${entry.remoteRef.key}' for key '${entry.secretKey}'`;
    result.data.set(entry.secretKey, decodeValue(value.value, entry.remoteRef.decodingStrategy, what));
    result.sources.push(toSynced(value.source, entry.secretKey));
  });
  return result;
}
