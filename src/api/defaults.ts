import { parseGoDuration } from './duration.ts';
import type {
  ConversionStrategy,
  CreationPolicy,
  DecodingStrategy,
  DeletionPolicy,
  ExternalSecret,
  MetadataPolicy,
  NullBytePolicy,
  RefreshPolicy,
  RemoteRefSpec,
  StoreKind,
} from './external-secret-types.ts';
import type { AzureAuthType, AzureEnvironmentType, AzureKVProvider } from './secret-store-types.ts';

/**
 * The values ESO's controller uses when a field is empty. CRD defaults fill most of them on
 * objects the API server stored, but objects from elsewhere (tests, `kubectl create
 * --validate=false`, v1 objects without the strategy defaults ESO dropped in v2.9.0) may lack
 * them, so code reads spec fields through these accessors, never raw.
 */

export const DEFAULT_REFRESH_INTERVAL = '1h0m0s';
export const DEFAULT_REFRESH_INTERVAL_MS = 60 * 60 * 1000;

/**
 * `spec.refreshInterval` in milliseconds; 1h when unset (the CRD default). 0 or less means
 * "sync once, never periodically". Throws `KvsyncError('ERR_INVALID_DURATION')` when the text
 * is not a Go duration (`validateExternalSecret` reports that first).
 */
export function effectiveRefreshIntervalMs(es: ExternalSecret): number {
  const text = es.spec.refreshInterval;
  return text === undefined ? DEFAULT_REFRESH_INTERVAL_MS : parseGoDuration(text);
}

/** `spec.refreshPolicy`; empty behaves like `Periodic`. */
export function effectiveRefreshPolicy(es: ExternalSecret): RefreshPolicy {
  return es.spec.refreshPolicy || 'Periodic';
}

/** `spec.secretStoreRef` with kind `SecretStore` when empty; name '' when absent. */
export function effectiveStoreRef(es: ExternalSecret): { kind: StoreKind; name: string } {
  return { kind: es.spec.secretStoreRef?.kind || 'SecretStore', name: es.spec.secretStoreRef?.name ?? '' };
}

/** The target Secret's name: `spec.target.name`, else the ExternalSecret's own name. */
export function effectiveTargetName(es: ExternalSecret): string {
  return es.spec.target?.name || es.metadata.name || '';
}

/** `spec.target.creationPolicy`; default `Owner`. */
export function effectiveCreationPolicy(es: ExternalSecret): CreationPolicy {
  return es.spec.target?.creationPolicy || 'Owner';
}

/** `spec.target.deletionPolicy`; default `Retain`. */
export function effectiveDeletionPolicy(es: ExternalSecret): DeletionPolicy {
  return es.spec.target?.deletionPolicy || 'Retain';
}

/** A remoteRef with every strategy filled in as ESO's controller reads an empty one. */
export interface EffectiveRemoteRef extends RemoteRefSpec {
  conversionStrategy: ConversionStrategy;
  decodingStrategy: DecodingStrategy;
  metadataPolicy: MetadataPolicy;
  nullBytePolicy: NullBytePolicy;
}

/** Conversion `Default`, decoding `None`, metadata `None`, null bytes `Ignore` when empty. */
export function effectiveRemoteRef(ref: RemoteRefSpec): EffectiveRemoteRef {
  return {
    ...ref,
    conversionStrategy: ref.conversionStrategy || 'Default',
    decodingStrategy: ref.decodingStrategy || 'None',
    metadataPolicy: ref.metadataPolicy || 'None',
    nullBytePolicy: ref.nullBytePolicy || 'Ignore',
  };
}

/**
 * A copy of `es` with every defaulted field filled in: refresh interval and policy, store kind,
 * target name and policies, and each `data[].remoteRef` and `dataFrom[].extract` strategy. The
 * input is not changed. `refreshInterval` keeps the user's text when set.
 */
export function applyExternalSecretDefaults(es: ExternalSecret): ExternalSecret {
  const copy = structuredClone(es);
  const spec = copy.spec;
  spec.refreshInterval ??= DEFAULT_REFRESH_INTERVAL;
  spec.refreshPolicy = effectiveRefreshPolicy(es);
  spec.secretStoreRef = { ...spec.secretStoreRef, kind: effectiveStoreRef(es).kind };
  spec.target = {
    ...spec.target,
    name: effectiveTargetName(es),
    creationPolicy: effectiveCreationPolicy(es),
    deletionPolicy: effectiveDeletionPolicy(es),
  };
  spec.data = spec.data?.map((entry) => ({ ...entry, remoteRef: effectiveRemoteRef(entry.remoteRef) }));
  spec.dataFrom = spec.dataFrom?.map((entry) =>
    entry.extract ? { ...entry, extract: effectiveRemoteRef(entry.extract) } : entry,
  );
  if (spec.data === undefined) delete spec.data;
  if (spec.dataFrom === undefined) delete spec.dataFrom;
  return copy;
}

/** `azurekv.authType`; default `ServicePrincipal` (the CRD default). */
export function effectiveAuthType(provider: AzureKVProvider): AzureAuthType {
  return provider.authType || 'ServicePrincipal';
}

/** `azurekv.environmentType`; default `PublicCloud` (the CRD default). */
export function effectiveEnvironmentType(provider: AzureKVProvider): AzureEnvironmentType {
  return provider.environmentType || 'PublicCloud';
}
