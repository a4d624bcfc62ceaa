import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../../src/api/index.ts';
import {
  fingerprint,
  fingerprints,
  newSecretValue,
  readyCondition,
  startOperatorSandbox,
  waitForEvent,
  waitForExternalSecret,
  waitForSecretValue,
  type OperatorSandbox,
  type SecretView,
} from './operator-support.ts';

/**
 * Bad input, end to end with kubectl: each mistake either is refused by the API server (the CRD
 * schema) with kubectl's error, or gives the ExternalSecret Ready=False, reason
 * SecretSyncedError, a message naming the problem and a Warning event — and nothing else is
 * affected: the bad ExternalSecret's existing Secret is neither deleted nor blanked, and another
 * ExternalSecret in the same namespace keeps syncing. Every bad ExternalSecret first syncs
 * while good, so that "kept" is tested against a real Secret.
 */

const NS = 'bad-input';
const OTHER_NS = 'elsewhere';
const STORE = 'vault';
/** Each Key Vault value is capped at 25,600 bytes: a Secret over 1 MiB takes many entries. */
const CHUNK_BYTES = 24_000;

let env: OperatorSandbox;
/** Secrets of bad ExternalSecrets as they were before the mistake; re-checked at the end. */
const kept = new Map<string, SecretView>();
const values = new Map<string, string>();

function storeYaml(namespace: string, name: string): string {
  return `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  provider:
    azurekv:
      authType: ManagedIdentity
      vaultUrl: https://our-vault.vault.azure.net
`;
}

function externalSecret(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: NS },
    spec: { refreshInterval: '1h', secretStoreRef: { kind: 'SecretStore', name: STORE }, ...spec },
  });
}

function oneKey(remoteKey: string, extra: Record<string, unknown> = {}) {
  return { data: [{ secretKey: 'value', remoteRef: { key: remoteKey, ...extra } }] };
}

async function setVault(name: string, value: string): Promise<void> {
  values.set(name, value);
  await env.sandbox.secrets.setSecret(name, value);
}

const isSynced = (es: ExternalSecret) =>
  readyCondition(es)?.status === 'True' &&
  es.status?.syncedResourceVersion?.startsWith(`${es.metadata.generation}-`) === true;

/** Applies a good ExternalSecret and waits until its Secret exists; remembers that Secret. */
async function syncedGood(name: string, spec: Record<string, unknown>): Promise<SecretView> {
  await env.apply(externalSecret(name, spec));
  await waitForExternalSecret(env, NS, name, 'synced while good', isSynced);
  const secret = (await env.secret(NS, name))!;
  expect(Object.keys(secret.data).length).toBeGreaterThan(0);
  kept.set(name, secret);
  return secret;
}

async function patch(name: string, type: 'merge' | 'json', body: unknown): Promise<void> {
  await env.kubectl(['patch', 'externalsecret', name, '-n', NS, '--type', type, '-p', JSON.stringify(body)]);
}

async function forceSync(name: string): Promise<void> {
  await env.kubectl(['annotate', 'es', name, '-n', NS, `force-sync=${Date.now()}`, '--overwrite']);
}

/** Waits for Ready=False/SecretSyncedError whose message has every part, and the matching Warning event. */
async function expectFailure(name: string, parts: string[]): Promise<string> {
  const es = await waitForExternalSecret(
    env,
    NS,
    name,
    `Ready=False mentioning ${parts.join(', ')}`,
    (candidate) => {
      const ready = readyCondition(candidate);
      return ready?.status === 'False' && parts.every((part) => ready.message?.includes(part));
    },
  );
  const ready = readyCondition(es)!;
  expect(ready.reason).toBe('SecretSyncedError');
  const event = await waitForEvent(env, NS, name, 'Warning', parts[0]!);
  expect(event.reason).toBe('UpdateFailed');
  for (const part of parts) expect(event.message).toContain(part);
  return ready.message!;
}

/** The Secret is exactly as it was before the mistake: same object, same data, not rewritten. */
async function expectKept(name: string): Promise<void> {
  const before = kept.get(name)!;
  const now = await env.secret(NS, name);
  expect(now?.uid).toBe(before.uid);
  expect(now?.resourceVersion).toBe(before.resourceVersion);
  expect(fingerprints(now)).toEqual(fingerprints(before));
}

beforeAll(async () => {
  env = await startOperatorSandbox({ examples: false });
  await env.apply(`apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${OTHER_NS}}
---
${storeYaml(NS, STORE)}---
${storeYaml(OTHER_NS, 'other-store')}`);
  await setVault('bystander', newSecretValue());
  await setVault('plain', newSecretValue());
  await env.apply(externalSecret('bystander', oneKey('bystander')));
  await waitForSecretValue(env, NS, 'bystander', 'value', values.get('bystander')!);
});

afterAll(async () => {
  await env?.close();
});

describe('bad input gives a clear status and event, and touches nothing else', () => {
  it('refreshInterval: banana is accepted by the CRD, so the status says it (and the Secret stays)', async () => {
    await syncedGood('bad-duration', oneKey('plain'));
    await patch('bad-duration', 'merge', { spec: { refreshInterval: 'banana' } });
    const message = await expectFailure('bad-duration', ['spec.refreshInterval', '"banana"']);
    expect(message).toMatch(/invalid duration/);
    await expectKept('bad-duration');

    // Created bad from the start: no Secret at all, the same status.
    await env.apply(externalSecret('new-bad-duration', { ...oneKey('plain'), refreshInterval: 'banana' }));
    await expectFailure('new-bad-duration', ['spec.refreshInterval', '"banana"']);
    expect(await env.secret(NS, 'new-bad-duration')).toBeUndefined();
  });

  it('an unknown store', async () => {
    await syncedGood('unknown-store', oneKey('plain'));
    await patch('unknown-store', 'json', [
      { op: 'replace', path: '/spec/secretStoreRef/name', value: 'no-such-store' },
    ]);
    await expectFailure('unknown-store', [`SecretStore "no-such-store" not found in namespace "${NS}"`]);
    await expectKept('unknown-store');
  });

  it('a SecretStore of another namespace: not found here, and the message says where it is', async () => {
    await syncedGood('foreign-store', oneKey('plain'));
    await patch('foreign-store', 'json', [
      { op: 'replace', path: '/spec/secretStoreRef/name', value: 'other-store' },
    ]);
    await expectFailure('foreign-store', [
      `SecretStore "other-store" not found in namespace "${NS}"`,
      `exists in ${OTHER_NS}`,
      'ClusterSecretStore',
    ]);
    await expectKept('foreign-store');
  });

  it('a secretKey that is not a valid Secret key is refused by the CRD; the ExternalSecret stays as it was', async () => {
    await syncedGood('bad-key', oneKey('plain'));
    const before = await env.externalSecret(NS, 'bad-key');
    const bad = { data: [{ secretKey: 'not a key!', remoteRef: { key: 'plain' } }] };
    const failure = await env.kubectlFailure(['apply', '-f', '-'], externalSecret('bad-key', bad));
    expect(failure.code).not.toBe(0);
    expect(failure.stderr).toContain('spec.data[0].secretKey');
    expect(failure.stderr).toContain('^[-._a-zA-Z0-9]+$');
    const after = await env.externalSecret(NS, 'bad-key');
    expect(after?.metadata.generation).toBe(before?.metadata.generation);
    expect(readyCondition(after)?.status).toBe('True');
    await expectKept('bad-key');
  });

  it('dataFrom.extract converts JSON keys that are not valid Secret keys (Default and Unicode)', async () => {
    const host = newSecretValue();
    const user = newSecretValue();
    await setVault('odd-keys', JSON.stringify({ 'db host': host, 'user/name': user, ok: 'plain-ok' }));
    await env.apply(externalSecret('extract-default', { dataFrom: [{ extract: { key: 'odd-keys' } }] }));
    const converted = await waitForSecretValue(env, NS, 'extract-default', 'db_host', host);
    expect(Object.keys(converted.data).sort()).toEqual(['db_host', 'ok', 'user_name']);
    expect(fingerprint(converted.data['user_name'])).toBe(fingerprint(user));

    const unicode = { dataFrom: [{ extract: { key: 'odd-keys', conversionStrategy: 'Unicode' } }] };
    await env.apply(externalSecret('extract-unicode', unicode));
    const escaped = await waitForSecretValue(env, NS, 'extract-unicode', 'db_U0020_host', host);
    expect(Object.keys(escaped.data).sort()).toEqual(['db_U0020_host', 'ok', 'user_U002f_name']);
  });

  it('a JSON key that is invalid even after conversion (empty) fails the sync and keeps the Secret', async () => {
    await setVault('extract-source', JSON.stringify({ first: newSecretValue(), second: newSecretValue() }));
    await syncedGood('extract-invalid', { dataFrom: [{ extract: { key: 'extract-source' } }] });
    await setVault('extract-source', JSON.stringify({ '': newSecretValue(), first: newSecretValue() }));
    await forceSync('extract-invalid');
    await expectFailure('extract-invalid', ["'' is not a valid Secret key"]);
    await expectKept('extract-invalid');
  });

  it('a value that is not JSON, read with property, fails the sync and keeps the Secret', async () => {
    await setVault('json-source', JSON.stringify({ password: newSecretValue() }));
    await syncedGood('not-json', oneKey('json-source', { property: 'password' }));
    await setVault('json-source', newSecretValue('not-json'));
    await forceSync('not-json');
    await expectFailure('not-json', ["'json-source'", 'is not JSON', "property 'password'"]);
    await expectKept('not-json');
  });

  it('a Secret over 1 MiB (many 24 KB values) fails the sync and keeps the Secret', async () => {
    await setVault('big-chunk', randomBytes(CHUNK_BYTES / 2).toString('hex'));
    const entries = (count: number) =>
      Array.from({ length: count }, (_, index) => ({
        secretKey: `part-${String(index).padStart(2, '0')}`,
        remoteRef: { key: 'big-chunk' },
      }));
    await syncedGood('too-big', { data: entries(2) });
    const count = Math.ceil((1024 * 1024) / CHUNK_BYTES) + 1;
    expect(count * CHUNK_BYTES).toBeGreaterThan(1024 * 1024);
    await patch('too-big', 'merge', { spec: { data: entries(count) } });
    await expectFailure('too-big', [`${count * CHUNK_BYTES} bytes`, '1 MiB']);
    await expectKept('too-big');
  });

  it('meanwhile the other ExternalSecret of the namespace keeps syncing, and every kept Secret is still intact', async () => {
    expect(kept.size).toBeGreaterThanOrEqual(7);
    const next = newSecretValue();
    await setVault('bystander', next);
    await forceSync('bystander');
    await waitForSecretValue(env, NS, 'bystander', 'value', next, 5_000);
    const bystander = await waitForExternalSecret(env, NS, 'bystander', 'synced', isSynced);
    expect(readyCondition(bystander)?.reason).toBe('SecretSynced');
    for (const name of kept.keys()) await expectKept(name);
    const warnings = (await env.events(NS, 'bystander')).filter((event) => event.type === 'Warning');
    expect(warnings.map((event) => event.reason)).toEqual([]);
  });
});
