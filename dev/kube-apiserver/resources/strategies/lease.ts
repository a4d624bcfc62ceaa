import { badRequest } from '../../errors.ts';
import type { ResourceStrategy } from '../resource-type.ts';

/**
 * Leases: `acquireTime` and `renewTime` are MicroTime, which the real server parses with exactly
 * six fractional digits. Copying that strictness keeps code that passes here from failing there.
 */
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
const GO_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

function checkMicroTime(value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || !MICRO_TIME.test(value)) {
    const fraction =
      typeof value === 'string' ? (/(\.\d*)?(Z|[+-].*)$/.exec(value)?.[0] ?? value) : String(value);
    throw badRequest(
      `Lease in version "v1" cannot be handled as a Lease: ${field}: parsing time "${String(value)}" as "${GO_LAYOUT}": cannot parse "${fraction}" as ".000000"`,
    );
  }
}

function checkLease(lease: Record<string, unknown>): void {
  const spec = (lease['spec'] ?? {}) as Record<string, unknown>;
  checkMicroTime(spec['acquireTime'], 'spec.acquireTime');
  checkMicroTime(spec['renewTime'], 'spec.renewTime');
}

export const leaseStrategy: ResourceStrategy = {
  prepareForCreate: checkLease,
  prepareForUpdate: checkLease,
};
