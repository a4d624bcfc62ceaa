import type { SecretClient } from '@azure/keyvault-secrets';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLED_MESSAGE } from '../admin/index.ts';
import { CREDENTIAL_KINDS, failureOf, POLICY_VAULT, READER_VAULT, useConformanceHarness } from './harness.ts';

// The errors Azure returns, as the unmodified SecretClient sees them through each credential:
// 403 from an RBAC vault (Key Vault Reader, no getSecret/action) and from an access-policy vault
// (list only), and the SDK's retry behaviour on injected 429s and 5xx (reference §5.3: the
// throttling strategy retries 429/503 only with a retry-after header; the exponential strategy
// retries 408 and 5xx except 501/505; a 429 without the header is not retried at all).

const harness = useConformanceHarness();

describe.each(CREDENTIAL_KINDS)('errors through %s', (kind) => {
  let client: SecretClient;
  let vault: string;
  beforeAll(async () => {
    client = harness().secrets(kind);
    vault = harness().ownVault(kind);
    await client.setSecret('api-key', 'value');
  });
  afterEach(() => harness().emulator.controls.clearFaults());

  /** Counts of getSecret answers on the own vault, by status, during `action`. */
  async function getSecretStatuses(action: () => Promise<unknown>): Promise<Record<number, number>> {
    const statuses = [200, 429, 500, 503];
    const before = statuses.map((status) => harness().requests(vault, 'getSecret', status));
    await action();
    return Object.fromEntries(
      statuses
        .map((status, i) => [status, harness().requests(vault, 'getSecret', status) - before[i]!])
        .filter(([, count]) => count !== 0),
    );
  }

  it('gets 403 Forbidden/ForbiddenByRbac without getSecret on an RBAC vault, where listing works', async () => {
    const reader = harness().secrets(kind, READER_VAULT);
    for await (const _ of reader.listPropertiesOfSecrets()) break;
    const error = await failureOf(reader.getSecret('api-key'));
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(error.details?.error?.innerError?.code).toBe('ForbiddenByRbac');
    expect(error.message).toMatch(/Action: 'Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action'/);
    expect(error.message).toMatch(/DecisionReason: 'DeniedWithNoValidRBAC'/);
  });

  it('gets 403 Forbidden/AccessDenied without get on an access-policy vault, where listing works', async () => {
    const lister = harness().secrets(kind, POLICY_VAULT);
    for await (const _ of lister.listPropertiesOfSecrets()) break;
    const error = await failureOf(lister.getSecret('api-key'));
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(error.details?.error?.innerError?.code).toBe('AccessDenied');
    expect(error.message).toMatch(/does not have secrets get permission on key vault 'conf-policy;location=/);
  });

  it('retries a 429 that carries Retry-After and then succeeds', async () => {
    harness().emulator.controls.addFault({
      vault,
      operation: 'getSecret',
      count: 2,
      kind: 'status',
      status: 429,
      retryAfterSeconds: 0,
    });
    let value: string | undefined;
    const statuses = await getSecretStatuses(async () => (value = (await client.getSecret('api-key')).value));
    expect(value).toBe('value');
    expect(statuses).toEqual({ 429: 2, 200: 1 });
  });

  it('gives up on a 429 with Retry-After after maxRetries (3) retries', async () => {
    harness().emulator.controls.addFault({
      vault,
      operation: 'getSecret',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 0,
    });
    let error: Awaited<ReturnType<typeof failureOf>> | undefined;
    const statuses = await getSecretStatuses(
      async () => (error = await failureOf(client.getSecret('api-key'))),
    );
    expect(error).toMatchObject({ statusCode: 429, code: 'Throttled' });
    expect(statuses).toEqual({ 429: 4 });
  });

  it('does not retry a 429 without Retry-After (as the real service sends it): one request, RestError 429', async () => {
    harness().emulator.controls.addFault({
      vault,
      operation: 'getSecret',
      count: 1,
      kind: 'status',
      status: 429,
    });
    let error: Awaited<ReturnType<typeof failureOf>> | undefined;
    const statuses = await getSecretStatuses(
      async () => (error = await failureOf(client.getSecret('api-key'))),
    );
    expect(error).toMatchObject({ statusCode: 429, code: 'Throttled', message: THROTTLED_MESSAGE });
    expect(error!.response?.headers.get('retry-after')).toBeUndefined();
    expect(statuses).toEqual({ 429: 1 });
    expect((await client.getSecret('api-key')).value).toBe('value');
  });

  it.each([500, 503])(
    'retries %i (no Retry-After) with the exponential strategy and then succeeds',
    async (status) => {
      harness().emulator.controls.addFault({
        vault,
        operation: 'getSecret',
        count: 2,
        kind: 'status',
        status,
      });
      let value: string | undefined;
      const statuses = await getSecretStatuses(
        async () => (value = (await client.getSecret('api-key')).value),
      );
      expect(value).toBe('value');
      expect(statuses).toEqual({ [status]: 2, 200: 1 });
    },
  );
});
