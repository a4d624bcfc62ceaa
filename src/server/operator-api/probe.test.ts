import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../../api/index.ts';
import {
  FakeProvider,
  leakForms,
  makeExternalSecret,
  makeSecretStore,
} from '../../controllers/test-support.ts';
import { KvsyncError } from '../../errors.ts';
import { ProviderError } from '../../providers/errors.ts';
import type { SecretsProvider } from '../../providers/provider.ts';
import { probeExternalSecret, type ProbeInput, type TargetSecret } from './probe.ts';

const VALUE = 'correct-horse-battery-staple';
const OLD_VALUE = 'old-horse';

function target(data: Record<string, string>): TargetSecret {
  return {
    metadata: { labels: { 'reconcile.external-secrets.io/managed': 'true' } },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

function input(es: ExternalSecret, provider: FakeProvider, secret: TargetSecret | undefined): ProbeInput {
  return {
    es,
    store: { kind: 'SecretStore', store: makeSecretStore('vault', 'default', { ready: true }) },
    providers: { providerFor: async () => provider },
    readTarget: async () => secret,
    hashKey: randomBytes(32),
    nowMs: Date.UTC(2026, 0, 1),
  };
}

function synced(version: string): ExternalSecret {
  return {
    ...makeExternalSecret(),
    status: { syncedVersions: [{ key: 'pg-password', secretKey: 'password', version }] },
  };
}

describe('probeExternalSecret', () => {
  it('reports access, the current version and an equal key, without any value in the answer', async () => {
    const provider = new FakeProvider();
    provider.set('pg-password', VALUE, { version: 'v-current' });
    (provider as SecretsProvider).listSecretProperties = async () => [];
    const result = await probeExternalSecret(
      input(synced('v-current'), provider, target({ password: VALUE })),
    );
    expect(result.store).toMatchObject({ ok: true, kind: 'SecretStore', name: 'vault' });
    expect(result.list).toEqual({ ok: true, count: 0 });
    expect(result.keys).toEqual([
      {
        key: 'pg-password',
        from: 'data',
        secretKey: 'password',
        syncedVersion: 'v-current',
        ok: true,
        vaultVersion: 'v-current',
        vaultUpdated: expect.any(String),
      },
    ]);
    expect(result.target).toEqual({ name: 'db-secret', exists: true, managed: true });
    expect(result.diff).toEqual([
      expect.objectContaining({ secretKey: 'password', state: 'same', vaultVersion: 'v-current' }),
    ]);
    expect(result.diff[0]!.vaultHash).toBe(result.diff[0]!.secretHash);
    const text = JSON.stringify(result);
    for (const form of [...leakForms(VALUE), ...leakForms(OLD_VALUE)]) expect(text).not.toContain(form);
  });

  it('shows a differing key, a key missing from the Secret and a key only in the Secret', async () => {
    const provider = new FakeProvider();
    provider.set('pg-password', VALUE, { version: 'v2' });
    provider.set('app', JSON.stringify({ user: 'app', host: 'db' }));
    const es: ExternalSecret = {
      ...synced('v1'),
      spec: { ...synced('v1').spec, dataFrom: [{ extract: { key: 'app' } }] },
    };
    const secret = target({ password: OLD_VALUE, user: 'app', stray: 'x' });
    const result = await probeExternalSecret(input(es, provider, secret));
    const states = Object.fromEntries(result.diff.map((row) => [row.secretKey, row.state]));
    expect(states).toEqual({
      password: 'differs',
      user: 'same',
      host: 'missing-in-secret',
      stray: 'only-in-secret',
    });
    const password = result.diff.find((row) => row.secretKey === 'password')!;
    expect(password).toMatchObject({ remoteKey: 'pg-password', vaultVersion: 'v2', syncedVersion: 'v1' });
    expect(password.vaultHash).not.toBe(password.secretHash);
    expect(password.vaultHash).toMatch(/^[0-9a-f]{12}$/);
  });

  it('names a missing get permission and a missing secret per key, and a refused listing', async () => {
    const provider = new FakeProvider();
    provider.fail(
      'pg-password',
      new ProviderError(
        'ERR_PROVIDER_FORBIDDEN',
        "get secret 'pg-password': 403 — needs 'Key Vault Secrets User'",
      ),
    );
    (provider as SecretsProvider).listSecretProperties = async () => {
      throw new ProviderError('ERR_PROVIDER_FORBIDDEN', 'list secrets: 403');
    };
    const es = makeExternalSecret({
      data: [
        { secretKey: 'password', remoteRef: { key: 'pg-password' } },
        { secretKey: 'other', remoteRef: { key: 'nope' } },
      ],
    });
    const result = await probeExternalSecret(input(es, provider, target({ password: OLD_VALUE })));
    expect(result.keys.map((key) => [key.key, key.ok, key.code])).toEqual([
      ['pg-password', false, 'ERR_PROVIDER_FORBIDDEN'],
      ['nope', false, 'ERR_PROVIDER_NOT_FOUND'],
    ]);
    expect(result.list).toMatchObject({ ok: false, code: 'ERR_PROVIDER_FORBIDDEN' });
    expect(result.diff.map((row) => [row.secretKey, row.state])).toEqual([
      ['other', 'unreadable'],
      ['password', 'unreadable'],
    ]);
  });

  it('reports a store that cannot be used and reads nothing', async () => {
    const provider = new FakeProvider();
    const problem = { ok: false, code: 'ERR_STORE_NOT_FOUND', message: 'SecretStore "vault" not found' };
    const result = await probeExternalSecret({
      ...input(makeExternalSecret(), provider, undefined),
      store: undefined,
      storeProblem: problem,
    });
    expect(result.store).toMatchObject(problem);
    expect(result.keys).toEqual([]);
    expect(result.target).toEqual({ name: 'db-secret', exists: false });
    expect(provider.calls).toEqual([]);
  });

  it('reports a failed validation, and hides the text of errors that are not kvsync errors', async () => {
    const provider = new FakeProvider();
    provider.validateError = new KvsyncError('ERR_PROVIDER_UNAUTHENTICATED', 'token request refused: 401');
    provider.fail('pg-password', new Error(`socket said ${VALUE}`));
    const result = await probeExternalSecret(input(makeExternalSecret(), provider, undefined));
    expect(result.store).toMatchObject({ ok: false, code: 'ERR_PROVIDER_UNAUTHENTICATED' });
    expect(result.keys[0]).toMatchObject({ ok: false, code: 'ERR_UNEXPECTED' });
    expect(JSON.stringify(result)).not.toContain(VALUE);
  });
});
