import { ConflictError, type LeaseLock, type LeaseRecord } from '../runtime/index.ts';
import { isAlreadyExists, isConflict } from './api-error.ts';
import type { KubeClient } from './client.ts';

/**
 * The runtime's LeaseLock on a coordination.k8s.io/v1 Lease. Times are written as MicroTime
 * with exactly six fractional digits, which a real API server requires for `acquireTime` and
 * `renewTime` (three digits, as `Date.toISOString()` gives, are rejected with 400).
 */

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string; [field: string]: unknown };
  spec?: LeaseRecord & { [field: string]: unknown };
}

/** `2026-01-02T03:04:05.123Z` → `2026-01-02T03:04:05.123000Z`; undefined stays undefined. */
export function toMicroTime(time: string | undefined): string | undefined {
  if (!time) return undefined;
  const parsed = Date.parse(time);
  if (Number.isNaN(parsed)) return undefined;
  const fraction = /\.(\d+)Z$/.exec(time)?.[1];
  if (fraction && fraction.length === 6) return time;
  return new Date(parsed).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function specOf(record: LeaseRecord): NonNullable<Lease['spec']> {
  return {
    holderIdentity: record.holderIdentity ?? '',
    leaseDurationSeconds: record.leaseDurationSeconds,
    acquireTime: toMicroTime(record.acquireTime),
    renewTime: toMicroTime(record.renewTime),
    leaseTransitions: record.leaseTransitions,
  };
}

function recordOf(lease: Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  return {
    holderIdentity: spec.holderIdentity,
    leaseDurationSeconds: spec.leaseDurationSeconds,
    acquireTime: text(spec.acquireTime),
    renewTime: text(spec.renewTime),
    leaseTransitions: spec.leaseTransitions,
  };
}

export function createKubeLeaseLock(client: KubeClient, namespace: string, name: string): LeaseLock {
  const ref = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name } as const;
  /** The Lease last read or written, so an update keeps its labels and unknown spec fields. */
  let last: Lease | undefined;
  const remember = (lease: Lease) => {
    last = lease;
    return lease.metadata.resourceVersion ?? '';
  };
  return {
    describe: () => `${namespace}/${name}`,
    async get() {
      const lease = await client.get<Lease>(ref);
      if (!lease) return undefined;
      return { record: recordOf(lease), version: remember(lease) };
    },
    async create(record) {
      const body: Lease = {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name, namespace },
        spec: specOf(record),
      };
      try {
        return remember(await client.create(body));
      } catch (error) {
        if (isAlreadyExists(error))
          throw new ConflictError(`Lease ${namespace}/${name} already exists`, { cause: error });
        throw error;
      }
    },
    async update(record, version) {
      const base: Lease = last ?? {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name, namespace },
      };
      const body: Lease = {
        ...base,
        metadata: { ...base.metadata, resourceVersion: version },
        spec: { ...base.spec, ...specOf(record) },
      };
      try {
        return remember(await client.replace(body));
      } catch (error) {
        if (isConflict(error))
          throw new ConflictError(`Lease ${namespace}/${name} was modified`, { cause: error });
        throw error;
      }
    },
  };
}
