import { describe, expect, it } from 'vitest';
import { bearerToken, tenantIssuers, verifyEntraToken } from './entra-token.ts';
import {
  createTestSigner,
  eventGridClaims,
  TEST_AUDIENCE,
  TEST_TENANT_ID,
  type TestSigner,
} from './test-support.ts';
import type { EntraAuthentication } from './types.ts';

const NOW_MS = Date.UTC(2026, 0, 1, 12);
const signer = createTestSigner('kid-1');
const stranger = createTestSigner('kid-1');

function options(
  overrides: Partial<EntraAuthentication> = {},
  keys: TestSigner[] = [signer],
): EntraAuthentication {
  return {
    audience: TEST_AUDIENCE,
    tenantId: TEST_TENANT_ID,
    jwks: async (kid) => keys.find((key) => key.kid === kid)?.publicKey,
    ...overrides,
  };
}

async function reason(token: string | undefined, entra = options(), nowMs = NOW_MS): Promise<string> {
  const result = await verifyEntraToken(token, entra, nowMs);
  return result.ok ? 'ok' : result.reason;
}

describe('verifyEntraToken', () => {
  it('accepts an Event Grid v1 token of the tenant and audience, and returns its claims', async () => {
    const result = await verifyEntraToken(signer.sign(eventGridClaims(NOW_MS)), options(), NOW_MS);
    expect(result).toMatchObject({ ok: true, claims: { aud: TEST_AUDIENCE, tid: TEST_TENANT_ID } });
  });

  it('accepts the v2 issuer with azp, and an audience among several', async () => {
    const claims = eventGridClaims(NOW_MS, {
      iss: `https://login.microsoftonline.com/${TEST_TENANT_ID}/v2.0`,
      appid: undefined,
      azp: '4962773b-9cdb-44cf-a8bf-237846a00ab7',
      aud: 'client-id-of-app',
    });
    expect(
      await reason(signer.sign(claims), options({ audience: [TEST_AUDIENCE, 'client-id-of-app'] })),
    ).toBe('ok');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['another audience', { aud: 'api://someone-else' }, 'audience'],
    ['another tenant issuer', { iss: 'https://sts.windows.net/other-tenant/' }, 'issuer'],
    ['a tid of another tenant', { tid: 'other-tenant' }, 'tenant'],
    ['a client that is not Event Grid', { appid: '11111111-2222-3333-4444-555555555555' }, 'client'],
    ['no exp', { exp: undefined }, 'expired'],
    ['an exp 6 minutes ago', { exp: NOW_MS / 1000 - 360 }, 'expired'],
    ['an nbf 6 minutes ahead', { nbf: NOW_MS / 1000 + 360 }, 'not-yet-valid'],
    ['an exp 4 minutes ago (within the skew)', { exp: NOW_MS / 1000 - 240 }, 'ok'],
  ])('with %s: %s', async (_name, overrides, expected) => {
    expect(await reason(signer.sign(eventGridClaims(NOW_MS, overrides)))).toBe(expected);
  });

  it('refuses forged, tampered and unsigned tokens', async () => {
    const claims = eventGridClaims(NOW_MS);
    expect(await reason(stranger.sign(claims))).toBe('signature');
    const [header, , signature] = signer.sign(claims).split('.');
    const otherPayload = Buffer.from(JSON.stringify({ ...claims, aud: 'x' })).toString('base64url');
    expect(await reason(`${header}.${otherPayload}.${signature}`)).toBe('signature');
    expect(await reason(signer.sign(claims, { alg: 'none' }))).toBe('algorithm');
    expect(await reason(signer.sign(claims, { alg: 'HS256' }))).toBe('algorithm');
    expect(await reason(signer.sign(claims, { kid: 'unknown' }))).toBe('unknown-key');
  });

  it.each([
    undefined,
    '',
    'abc',
    'a.b',
    'a.b.c.d',
    '!!.??.**',
    `${Buffer.from('[]').toString('base64url')}.e30.x`,
  ])('refuses the malformed token %j', async (token) => {
    expect(await reason(token)).toBe(token === undefined ? 'missing' : 'malformed');
  });

  it('checks the client only when asked, and a role when one is required', async () => {
    const foreign = signer.sign(eventGridClaims(NOW_MS, { appid: 'someone' }));
    expect(await reason(foreign, options({ clientIds: 'any' }))).toBe('ok');
    expect(await reason(foreign, options({ clientIds: ['someone'] }))).toBe('ok');
    const roleless = signer.sign(eventGridClaims(NOW_MS, { roles: undefined }));
    expect(await reason(roleless)).toBe('ok');
    expect(await reason(roleless, options({ requiredRole: 'AzureEventGridSecureWebhookSubscriber' }))).toBe(
      'role',
    );
    const withRole = signer.sign(eventGridClaims(NOW_MS));
    expect(await reason(withRole, options({ requiredRole: 'AzureEventGridSecureWebhookSubscriber' }))).toBe(
      'ok',
    );
  });

  it('uses explicit issuers instead of the tenant ones', async () => {
    const token = signer.sign(eventGridClaims(NOW_MS, { iss: 'https://issuer.example/' }));
    expect(await reason(token, options({ issuers: ['https://issuer.example/'] }))).toBe('ok');
    expect(
      await reason(signer.sign(eventGridClaims(NOW_MS)), options({ issuers: ['https://issuer.example/'] })),
    ).toBe('issuer');
  });

  it('rejects (does not refuse) when the keys cannot be fetched', async () => {
    const failing = options({ jwks: () => Promise.reject(new Error('down')) });
    await expect(verifyEntraToken(signer.sign(eventGridClaims(NOW_MS)), failing, NOW_MS)).rejects.toThrow(
      'down',
    );
  });
});

describe('helpers', () => {
  it('reads the bearer token of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('derives the v1 and v2 issuers of a tenant', () => {
    expect(tenantIssuers('t')).toEqual([
      'https://sts.windows.net/t/',
      'https://login.microsoftonline.com/t/v2.0',
    ]);
  });
});
