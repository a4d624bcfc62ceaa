import { SecretClient } from '@azure/keyvault-secrets';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_RESOURCE, MAX_SECRET_VALUE_BYTES } from '../index.ts';
import { httpsJson, type RawResponse } from '../identity/test-support.ts';
import { failureOf, useConformanceHarness, type CredentialKind } from './harness.ts';

// Bad input through the SDK and as raw HTTPS with a real token: Azure's 400 BadParameter
// answers, no value echoed in them, and nothing stored is lost (the previous version is still
// the latest, and no version was added).

const harness = useConformanceHarness();
const KIND: CredentialKind = 'ClientSecretCredential';
const SECRET = 'db-password';
const STORED = 'stored-value-7f3a';

let client: SecretClient;
let vaultUrl: string;
let token: string;
let storedVersion: string;

beforeAll(async () => {
  client = harness().secrets(KIND);
  vaultUrl = harness().emulator.vaults[harness().ownVault(KIND)]!;
  token = (await harness().credential(KIND).getToken(`${LOOPBACK_RESOURCE}/.default`))!.token;
  storedVersion = (await client.setSecret(SECRET, STORED)).properties.version!;
});

/** The secret is unchanged: same latest version and value, one version in all. */
async function expectNothingLost(): Promise<void> {
  const latest = await client.getSecret(SECRET);
  expect(latest.value).toBe(STORED);
  expect(latest.properties.version).toBe(storedVersion);
  let versions = 0;
  for await (const _ of client.listPropertiesOfSecretVersions(SECRET)) versions++;
  expect(versions).toBe(1);
}

function raw(path: string, init: { method?: string; body?: string } = {}): Promise<RawResponse> {
  return httpsJson(`${vaultUrl}${path}`, harness().emulator.caPem, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
}

function expectBadParameter(response: RawResponse, message?: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  const error = (response.body as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('BadParameter');
  if (message) expect(error.message).toMatch(message);
}

describe('bad input through the SDK', () => {
  it('accepts a value of exactly 25 KB and refuses one byte more with 400 BadParameter', async () => {
    const limit = 'x'.repeat(MAX_SECRET_VALUE_BYTES);
    expect((await client.setSecret('at-the-limit', limit)).value).toHaveLength(MAX_SECRET_VALUE_BYTES);
    const error = await failureOf(client.setSecret(SECRET, `${limit}y`));
    expect(error).toMatchObject({ statusCode: 400, code: 'BadParameter' });
    expect(error.message).toMatch(/exceeds the maximum allowed size of 25600 bytes/);
    expect(error.message).not.toContain('xxxx');
    await expectNothingLost();
  });

  it.each(['under_score', 'a'.repeat(128), 'sp ace', 'dötted'])(
    'refuses the name %j with 400 BadParameter',
    async (name) => {
      const error = await failureOf(client.setSecret(name, 'value'));
      expect(error).toMatchObject({ statusCode: 400, code: 'BadParameter' });
      expect(error.message).toMatch(/invalid name/);
    },
  );

  it('refuses an unknown api-version (serviceVersion) with Azure message', async () => {
    // The SDK passes `serviceVersion` through unchecked.
    const old = new SecretClient(vaultUrl, harness().credential(KIND), {
      serviceVersion: '7.9' as '7.5',
      tlsOptions: { ca: harness().emulator.caPem },
      retryOptions: { maxRetries: 0 },
    });
    const error = await failureOf(old.setSecret(SECRET, 'other'));
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'BadParameter',
      message:
        'The specified version (7.9) is not recognized. Consider using the latest supported version (2026-04-01).',
    });
    await expectNothingLost();
  });
});

describe('bad input as raw HTTPS with a valid token', () => {
  it('answers a malformed JSON body with 400 BadParameter, without quoting it', async () => {
    const response = await raw(`/secrets/${SECRET}?api-version=7.6`, {
      method: 'PUT',
      body: '{"value":"leaked-if-echoed"',
    });
    expectBadParameter(response, /not valid JSON/);
    expect(JSON.stringify(response.body)).not.toContain('leaked-if-echoed');
    await expectNothingLost();
  });

  it.each([
    ['an array', '[]'],
    ['no value', '{"attributes":{}}'],
    ['a number value', '{"value":42}'],
    ['a bad attribute', '{"value":"v","attributes":{"exp":"tomorrow"}}'],
    ['nbf after exp', '{"value":"v","attributes":{"nbf":2000000000,"exp":1000000000}}'],
    [
      'sixteen tags',
      JSON.stringify({
        value: 'v',
        tags: Object.fromEntries([...Array(16).keys()].map((i) => [`t${i}`, 'x'])),
      }),
    ],
    ['a long content type', JSON.stringify({ value: 'v', contentType: 'c'.repeat(256) })],
  ])('answers a body with %s with 400 BadParameter', async (_, body) => {
    expectBadParameter(await raw(`/secrets/${SECRET}?api-version=7.6`, { method: 'PUT', body }));
    await expectNothingLost();
  });

  it('answers an oversized value with 400 BadParameter, without quoting it', async () => {
    const body = JSON.stringify({ value: 'z'.repeat(MAX_SECRET_VALUE_BYTES + 1) });
    const response = await raw(`/secrets/${SECRET}?api-version=2026-04-01`, { method: 'PUT', body });
    expectBadParameter(response, /25600 bytes/);
    expect(JSON.stringify(response.body)).not.toContain('zzzz');
    await expectNothingLost();
  });

  it('answers unknown and missing api-versions with 400 BadParameter, on reads and writes', async () => {
    const unknown = await raw(`/secrets/${SECRET}?api-version=2015-06-01`, {
      method: 'PUT',
      body: '{"value":"v"}',
    });
    expectBadParameter(unknown, /^The specified version \(2015-06-01\) is not recognized\./);
    expectBadParameter(await raw(`/secrets/${SECRET}/`), /api-version query parameter/);
    expectBadParameter(await raw(`/secrets/${SECRET}/?api%2Dversion=8.0`), /\(8\.0\) is not recognized/);
    await expectNothingLost();
  });

  it('answers bad names in the path, and bad paging parameters, with 400 BadParameter', async () => {
    expectBadParameter(
      await raw('/secrets/bad_name?api-version=7.6', { method: 'PUT', body: '{"value":"v"}' }),
      /invalid name/,
    );
    expectBadParameter(await raw('/secrets?api-version=7.6&maxresults=0'), /maxresults/);
    expectBadParameter(await raw('/secrets?api-version=7.6&maxresults=26'), /maxresults/);
    expectBadParameter(await raw('/secrets?api-version=7.6&$skiptoken=not-a-token'), /skiptoken/);
    await expectNothingLost();
  });
});
