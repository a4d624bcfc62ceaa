import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityService, VaultRequestInfo } from './contracts.ts';
import { createPermissiveIdentity } from './permissive-identity.ts';
import { startKeyVaultEmulator, type KeyVaultEmulator } from './server.ts';
import { clientOptions, staticCredential } from './test-support.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(
  emulator: KeyVaultEmulator,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ca: emulator.caPem },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

const AUTH = { authorization: 'Bearer test-token' };

describe('the HTTP surface', () => {
  let emulator: KeyVaultEmulator;
  let url: string;
  beforeAll(async () => {
    emulator = await startKeyVaultEmulator({ vaults: ['raw-vault'] });
    url = emulator.vaults['raw-vault']!;
  });
  afterAll(() => emulator.close());

  it('challenges an unauthenticated request before reading its body', async () => {
    const response = await raw(emulator, `${url}/secrets/a?api-version=7.5`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"value":"v"}',
    });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer authorization="${emulator.authorityHost}/${emulator.tenantId}", resource="api://0.0.1"`,
    );
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' },
    });
  });

  it('accepts the percent-encoded api%2Dversion and refuses unknown versions with Azure message', async () => {
    await raw(emulator, `${url}/secrets/enc?api%2Dversion=2025-07-01`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{"value":"v","attributes":{}}',
    });
    const ok = await raw(emulator, `${url}/secrets/enc/?api%2Dversion=2025-07-01`, { headers: AUTH });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');
    const bad = await raw(emulator, `${url}/secrets/enc/?api-version=1.0`, { headers: AUTH });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({
      error: {
        code: 'BadParameter',
        message:
          'The specified version (1.0) is not recognized. Consider using the latest supported version (2026-04-01).',
      },
    });
    expect(
      (await raw(emulator, `${url}/secrets/enc/?api-version=2026-04-01`, { headers: AUTH })).status,
    ).toBe(200);
  });

  it('answers malformed bodies, bad maxresults and skip tokens with 400 BadParameter', async () => {
    const malformed = await raw(emulator, `${url}/secrets/m?api-version=7.5`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: '{"value":',
    });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('BadParameter');
    expect(
      (await raw(emulator, `${url}/secrets?api-version=7.5&maxresults=26`, { headers: AUTH })).status,
    ).toBe(400);
    expect(
      (await raw(emulator, `${url}/secrets?api-version=7.5&$skiptoken=%%%`, { headers: AUTH })).status,
    ).toBe(400);
  });

  it('emits same-origin nextLinks with $skiptoken and an empty value array on empty lists', async () => {
    const empty = await raw(emulator, `${url}/deletedsecrets?api-version=7.5`, { headers: AUTH });
    expect(JSON.parse(empty.body)).toEqual({ value: [], nextLink: null });
    for (const name of ['p1', 'p2', 'p3'])
      await raw(emulator, `${url}/secrets/${name}?api-version=7.5`, {
        method: 'PUT',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: '{"value":"v"}',
      });
    const first = JSON.parse(
      (await raw(emulator, `${url}/secrets?api-version=7.5&maxresults=1`, { headers: AUTH })).body,
    );
    expect(first.value).toHaveLength(1);
    expect(first.nextLink).toMatch(
      new RegExp(`^${url}/secrets\\?api-version=7\\.5&\\$skiptoken=[\\w-]+&maxresults=1$`),
    );
  });

  it('names unknown paths 404 and wrong methods 405', async () => {
    expect((await raw(emulator, `${url}/nothing?api-version=7.5`, { headers: AUTH })).status).toBe(404);
    expect(
      (await raw(emulator, `${url}/secrets?api-version=7.5`, { method: 'PUT', headers: AUTH })).status,
    ).toBe(405);
  });
});

describe('identity and hooks seams', () => {
  let emulator: KeyVaultEmulator;
  const seen: Array<[string, number]> = [];
  beforeAll(async () => {
    const permissive = createPermissiveIdentity();
    const identity: IdentityService = {
      ...permissive,
      verifyAccessToken: (token, resource) =>
        token === 'expired'
          ? { error: 'AKV10022: token expired' }
          : permissive.verifyAccessToken(token, resource),
      authorize: (_vault, _principal, permission) =>
        permission === 'secrets/get'
          ? {
              allowed: false,
              innerCode: 'ForbiddenByRbac',
              message: 'Caller is not authorized to perform action on resource.',
            }
          : { allowed: true },
    };
    emulator = await startKeyVaultEmulator({
      vaults: ['seam-vault'],
      identity,
      hooks: {
        beforeRequest: async (info: VaultRequestInfo, response) => {
          if (info.objectName !== 'faulty') return false;
          response
            .writeHead(503, { 'content-type': 'application/json' })
            .end('{"error":{"code":"ServiceUnavailable","message":"x"}}');
          return true;
        },
        afterResponse: (info, status) => seen.push([info.operation, status]),
      },
    });
  });
  afterAll(() => emulator.close());

  it('turns a refused token into 401 and a refused permission into 403 with its inner code', async () => {
    const url = emulator.vaults['seam-vault']!;
    const expired = await raw(emulator, `${url}/secrets/a/?api-version=7.5`, {
      headers: { authorization: 'Bearer expired' },
    });
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('resource=');
    const client = new SecretClient(url, staticCredential(), clientOptions(emulator));
    await client.setSecret('a', 'v');
    const error = (await client.getSecret('a').catch((e: unknown) => e)) as {
      statusCode: number;
      details: unknown;
    };
    expect(error.statusCode).toBe(403);
    expect(error.details).toMatchObject({
      error: { code: 'Forbidden', innerError: { code: 'ForbiddenByRbac' } },
    });
    const fault = (await client.setSecret('faulty', 'v').catch((e: unknown) => e)) as { statusCode: number };
    expect(fault.statusCode).toBe(503);
    expect(seen).toContainEqual(['setSecret', 200]);
    expect(seen).toContainEqual(['getSecret', 403]);
    expect(seen).toContainEqual(['setSecret', 503]);
  });
});

describe('vault.azure.net host names and persistence', () => {
  it('serves NAME.vault.azure.net on the main port without disabling resource verification', async () => {
    const emulator = await startKeyVaultEmulator({ vaults: ['our-vault'] });
    try {
      const lookup: LookupFunction = (hostname, options, callback) =>
        hostname.endsWith('.vault.azure.net')
          ? dnsLookup('127.0.0.1', options, callback)
          : dnsLookup(hostname, options, callback);
      const agent = new Agent({ ca: emulator.caPem, lookup });
      const credential = staticCredential();
      const client = new SecretClient(emulator.azureVaultUrls['our-vault']!, credential, { agent });
      await client.setSecret('hello', 'world');
      const got = await client.getSecret('hello');
      expect(got.value).toBe('world');
      expect(got.properties.vaultUrl).toBe(emulator.azureVaultUrls['our-vault']);
      expect(credential.calls[0]).toEqual(['https://vault.azure.net/.default']);
      const other = new SecretClient(
        emulator.vaults['our-vault']!,
        staticCredential(),
        clientOptions(emulator),
      );
      expect((await other.getSecret('hello')).value).toBe('world');
    } finally {
      await emulator.close();
    }
  });

  it('keeps state, CA and vault ports in dir across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvsync-kv-test-'));
    try {
      const first = await startKeyVaultEmulator({ vaults: ['keep-vault'], dir });
      const url = first.vaults['keep-vault']!;
      await new SecretClient(url, staticCredential(), clientOptions(first)).setSecret('kept', 'value');
      await first.close();
      const second = await startKeyVaultEmulator({ vaults: ['keep-vault'], dir });
      try {
        expect(second.caPem).toBe(first.caPem);
        expect(second.vaults['keep-vault']).toBe(url);
        const client = new SecretClient(
          second.vaults['keep-vault']!,
          staticCredential(),
          clientOptions(second),
        );
        expect((await client.getSecret('kept')).value).toBe('value');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
