/**
 * The live check behind `kvsync why` and `kvsync diff`: with the store's own credentials, can
 * the operator reach the vault, `get` each secret the ExternalSecret reads and `list` the vault;
 * which version does Key Vault hold now; which keys of the target Secret differ from it.
 *
 * Values are read into memory and compared here; what leaves is a keyed hash prefix (HMAC with
 * a key that never leaves the process), so that two hashes in one answer compare equal exactly
 * when the bytes do, and nothing can be learned about a value from its hash offline.
 */
import { createHmac } from 'node:crypto';
import {
  effectiveTargetName,
  LABEL_MANAGED,
  type AnySecretStore,
  type ExternalSecret,
} from '../../api/index.ts';
import {
  fetchProviderData,
  type FetchRequest,
  type FetchResult,
} from '../../controllers/external-secret/fetch.ts';
import type { ProviderSource, StoreKind } from '../../controllers/secret-store/resolve.ts';
import { isKvsyncError } from '../../errors.ts';
import { isProviderError } from '../../providers/errors.ts';
import type { SecretsProvider } from '../../providers/provider.ts';
import type { CheckOutcome, DiffRow, ProbeKey, ProbeResult } from './wire.ts';

/** The target Secret as the probe needs it (data base64-encoded, as the API returns it). */
export interface TargetSecret {
  metadata: { labels?: Record<string, string> };
  data?: Record<string, string>;
}

export interface ProbeInput {
  es: ExternalSecret;
  /** The store, when it was found and may be used by this ExternalSecret. */
  store?: { kind: StoreKind; store: AnySecretStore };
  /** Why the store cannot be used (not found, not allowed, not Ready), when the operator knows. */
  storeProblem?: CheckOutcome;
  providers: ProviderSource;
  readTarget(namespace: string, name: string): Promise<TargetSecret | undefined>;
  /** HMAC key of the hashes; random per process. */
  hashKey: Buffer;
  nowMs: number;
}

/** A failure as the API may show it: KvsyncError messages are value-free by contract, others are not shown. */
export function outcomeOf(error: unknown): CheckOutcome {
  if (isProviderError(error) && error.providerCode)
    return { ok: false, code: error.code, providerCode: error.providerCode, message: error.message };
  if (isKvsyncError(error)) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'ERR_UNEXPECTED', message: 'unexpected error; see the operator log' };
}

function hashOf(key: Buffer, value: Buffer): string {
  return createHmac('sha256', key).update(value).digest('hex').slice(0, 12);
}

export interface EntryRead {
  probe: ProbeKey;
  fetched?: FetchResult;
}

async function readEntries(es: ExternalSecret, provider: SecretsProvider): Promise<EntryRead[]> {
  const synced = new Map((es.status?.syncedVersions ?? []).map((entry) => [entry.key, entry.version]));
  const reads: Array<{
    key: string;
    from: 'data' | 'dataFrom';
    secretKey?: string;
    request: FetchRequest;
  }> = [
    ...(es.spec.dataFrom ?? []).map((entry) => ({
      key: entry.extract?.key ?? '(find)',
      from: 'dataFrom' as const,
      request: { data: [], dataFrom: [entry], deletionPolicy: 'Retain' as const },
    })),
    ...(es.spec.data ?? []).map((entry) => ({
      key: entry.remoteRef.key,
      from: 'data' as const,
      secretKey: entry.secretKey,
      request: { data: [entry], dataFrom: [], deletionPolicy: 'Retain' as const },
    })),
  ];
  return Promise.all(
    reads.map(async (read): Promise<EntryRead> => {
      const base = {
        key: read.key,
        from: read.from,
        ...(read.secretKey !== undefined ? { secretKey: read.secretKey } : {}),
        ...(synced.has(read.key) ? { syncedVersion: synced.get(read.key)! } : {}),
      };
      try {
        const fetched = await fetchProviderData(provider, read.request);
        const source = fetched.sources[0];
        return {
          fetched,
          probe: {
            ...base,
            ok: true,
            ...(source ? { vaultVersion: source.version } : {}),
            ...(source?.updatedOn ? { vaultUpdated: source.updatedOn.toISOString() } : {}),
          },
        };
      } catch (error) {
        return { probe: { ...base, ...outcomeOf(error) } };
      }
    }),
  );
}

/** Compares what Key Vault holds now with the target's data, key by key (ESO's order: dataFrom, then data). */
export function diffRows(
  reads: readonly EntryRead[],
  target: TargetSecret | undefined,
  hashKey: Buffer,
): DiffRow[] {
  const wanted = new Map<string, { value: Buffer; probe: ProbeKey }>();
  const unreadable = new Map<string, ProbeKey>();
  for (const read of reads) {
    if (read.fetched)
      for (const [key, value] of read.fetched.data) wanted.set(key, { value, probe: read.probe });
    else if (read.probe.secretKey !== undefined) unreadable.set(read.probe.secretKey, read.probe);
  }
  const data = target?.data ?? {};
  const rows: DiffRow[] = [];
  for (const [secretKey, { value, probe }] of wanted) {
    const stored = data[secretKey];
    const vaultHash = hashOf(hashKey, value);
    const secretHash = stored === undefined ? undefined : hashOf(hashKey, Buffer.from(stored, 'base64'));
    rows.push({
      secretKey,
      remoteKey: probe.key,
      ...(probe.vaultVersion ? { vaultVersion: probe.vaultVersion } : {}),
      ...(probe.syncedVersion ? { syncedVersion: probe.syncedVersion } : {}),
      vaultHash,
      ...(secretHash ? { secretHash } : {}),
      state: secretHash === undefined ? 'missing-in-secret' : secretHash === vaultHash ? 'same' : 'differs',
    });
  }
  for (const [secretKey, probe] of unreadable)
    if (!wanted.has(secretKey))
      rows.push({
        secretKey,
        remoteKey: probe.key,
        ...(probe.syncedVersion ? { syncedVersion: probe.syncedVersion } : {}),
        ...(data[secretKey] !== undefined
          ? { secretHash: hashOf(hashKey, Buffer.from(data[secretKey]!, 'base64')) }
          : {}),
        state: 'unreadable',
      });
  for (const [secretKey, stored] of Object.entries(data))
    if (!wanted.has(secretKey) && !unreadable.has(secretKey))
      rows.push({
        secretKey,
        secretHash: hashOf(hashKey, Buffer.from(stored, 'base64')),
        state: 'only-in-secret',
      });
  return rows.sort((a, b) => a.secretKey.localeCompare(b.secretKey));
}

async function listOutcome(provider: SecretsProvider): Promise<CheckOutcome & { count?: number }> {
  if (!provider.listSecretProperties)
    return { ok: false, code: 'ERR_UNSUPPORTED', message: 'this provider cannot list secrets' };
  try {
    return { ok: true, count: (await provider.listSecretProperties()).length };
  } catch (error) {
    return outcomeOf(error);
  }
}

/** Runs every check; never rejects (each failure is reported in its place). */
export async function probeExternalSecret(input: ProbeInput): Promise<ProbeResult> {
  const { es } = input;
  const namespace = es.metadata.namespace ?? '';
  const targetName = effectiveTargetName(es);
  const storeRef = {
    kind: input.store?.kind ?? es.spec.secretStoreRef?.kind ?? 'SecretStore',
    name: input.store?.store.metadata.name ?? es.spec.secretStoreRef?.name ?? '',
    ...(input.store?.store.spec.provider?.azurekv?.vaultUrl
      ? { vault: input.store.store.spec.provider.azurekv.vaultUrl }
      : {}),
  };
  const target = await input.readTarget(namespace, targetName).catch(() => undefined);
  const targetView = {
    name: targetName,
    exists: target !== undefined,
    ...(target ? { managed: target.metadata.labels?.[LABEL_MANAGED] === 'true' } : {}),
  };
  const checkedAt = new Date(input.nowMs).toISOString();
  let provider: SecretsProvider | undefined;
  let storeOutcome: CheckOutcome = input.storeProblem ?? { ok: true };
  // A store that is not Ready is still tried: the live failure names the cause best.
  if (input.store) {
    try {
      provider = await input.providers.providerFor(input.store.kind, input.store.store, namespace);
      await provider.validate();
    } catch (error) {
      storeOutcome = outcomeOf(error);
    }
  }
  if (!provider)
    return { checkedAt, store: { ...storeRef, ...storeOutcome }, keys: [], target: targetView, diff: [] };
  const [list, reads] = await Promise.all([listOutcome(provider), readEntries(es, provider)]);
  return {
    checkedAt,
    store: { ...storeRef, ...storeOutcome },
    list,
    keys: reads.map((read) => read.probe),
    target: targetView,
    diff: diffRows(reads, target, input.hashKey),
  };
}
