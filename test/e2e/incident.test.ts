import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalSecret } from '../../src/api/index.ts';
import {
  fingerprint,
  fingerprints,
  newSecretValue,
  pause,
  readyCondition,
  startOperatorSandbox,
  waitFor,
  waitForEvent,
  waitForExternalSecret,
  waitForSecretValue,
  type GetProbe,
  type OperatorSandbox,
} from './operator-support.ts';

/**
 * The incident of ../shared/incident-report.md, replayed in order against the sandbox with the
 * real kubectl and the real Azure SDK: the exact v1beta1 manifests, a rotation that a 1h
 * interval does not pick up, what `kubectl describe` shows about it, and every way the author
 * tried to get the new password in — each of which must now work at once. Then what the
 * incident did not reach: a principal without `get`, a throttled vault, an operator restart.
 *
 * The tests share one sandbox and build on each other's state (one story); values are compared
 * by fingerprint so that no failure prints a secret.
 */

const NAMESPACE = 'default';
const NAME = 'database-credentials';
const MANIFEST = resolve(import.meta.dirname, '../../examples/incident/external-secret.yaml');
const HOUR_MS = 3_600_000;
/** The operator's default `--refresh-jitter`: the next sync comes up to 10% early. */
const JITTER = 0.1;

let env: OperatorSandbox;

beforeAll(async () => {
  env = await startOperatorSandbox();
});

afterAll(async () => {
  await env?.close();
});

async function vaultValue(name: string): Promise<string> {
  return (await env.sandbox.secrets.getSecret(name)).value!;
}

async function rotate(name: string): Promise<{ value: string; version: string }> {
  const value = newSecretValue('rotated');
  const stored = await env.sandbox.secrets.setSecret(name, value);
  return { value, version: stored.properties.version! };
}

/** Every successful getSecret the vault has answered (the emulator's counters, all secrets). */
function getSecretCount(): number {
  return env.sandbox.vault.controls
    .counters()
    .entries.filter((entry) => entry.operation === 'getSecret' && entry.status === 200)
    .reduce((sum, entry) => sum + entry.count, 0);
}

async function forceSync(name = NAME): Promise<void> {
  await env.kubectl(['annotate', 'es', name, `force-sync=${Date.now()}`, '--overwrite']);
}

/** The `key: value` fields of `kubectl describe` output (first occurrence of each name). */
function describedFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const match of text.matchAll(/^\s*([A-Z][A-Za-z ]*):\s+(\S.*)$/gm))
    if (!fields.has(match[1]!)) fields.set(match[1]!, match[2]!.trim());
  return fields;
}

function syncedVersion(es: ExternalSecret | undefined): string | undefined {
  return es?.status?.syncedVersions?.[0]?.version;
}

const isSynced = (es: ExternalSecret) =>
  readyCondition(es)?.status === 'True' &&
  es.status?.syncedResourceVersion?.startsWith(`${es.metadata.generation}-`) === true;

describe('the incident, replayed with kubectl and the Azure SDK', () => {
  let probe: GetProbe;
  let firstVersion: string;
  let rotated: { value: string; version: string };

  it('applied manifests: the Secret appears with the vault value, and nothing failed on the way', async () => {
    await waitForSecretValue(env, NAMESPACE, NAME, 'password', await vaultValue('postgresql-password'));
    const es = await waitForExternalSecret(env, NAMESPACE, NAME, 'synced', isSynced);
    expect(readyCondition(es)?.reason).toBe('SecretSynced');
    firstVersion = syncedVersion(es)!;
    expect(firstVersion).toMatch(/^[0-9a-f]{32}$/);
    const table = await env.kubectl(['get', 'es', NAME, '-n', NAMESPACE]);
    expect(table).toMatch(/database-credentials\s+.*azure-backend\s+1h\s+SecretSynced\s+True/);
    expect(await env.kubectl(['get', 'secretstore', 'azure-backend', '-n', NAMESPACE])).toMatch(/Valid/);
    await waitForEvent(env, NAMESPACE, NAME, 'Normal', 'created');
    const warnings = (await env.events(NAMESPACE, NAME)).filter((event) => event.type === 'Warning');
    expect(warnings.map((event) => `${event.reason}: ${event.message}`)).toEqual([]);
  });

  it('a rotation is not picked up with the 1h interval, and describe says when the next sync is', async () => {
    const before = await env.secret(NAMESPACE, NAME);
    probe = env.countGets('postgresql-password');
    rotated = await rotate('postgresql-password');
    const vaultGets = getSecretCount();
    expect(rotated.version).not.toBe(firstVersion);
    // Proving that nothing happens takes some waiting; a few seconds is what the incident's
    // author would have seen too. The probe below is shown to count in the next test.
    await pause(2_000);
    expect(probe.count()).toBe(0);
    expect(getSecretCount()).toBe(vaultGets);
    expect(fingerprints(await env.secret(NAMESPACE, NAME))).toEqual(fingerprints(before));

    const described = await env.kubectl(['describe', 'externalsecret', NAME, '-n', NAMESPACE]);
    const fields = describedFields(described);
    const refreshMs = Date.parse(fields.get('Refresh Time') ?? '');
    const nextMs = Date.parse(fields.get('Next Refresh Time') ?? '');
    expect(Number.isNaN(refreshMs) || Number.isNaN(nextMs)).toBe(false);
    expect(nextMs - refreshMs).toBeLessThanOrEqual(HOUR_MS);
    expect(nextMs - refreshMs).toBeGreaterThanOrEqual(HOUR_MS * (1 - JITTER) - 1_000);
    expect(nextMs).toBeGreaterThan(Date.now());
    expect(fields.get('Version')).toBe(firstVersion);
    expect(described).toContain('Synced Versions:');
    expect(described).not.toContain(rotated.version);
  });

  it('kubectl annotate force-sync brings the new value within seconds, and status shows its version', async () => {
    const started = Date.now();
    await forceSync();
    await waitForSecretValue(env, NAMESPACE, NAME, 'password', rotated.value, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(probe.count()).toBeGreaterThanOrEqual(1);
    const es = await waitForExternalSecret(
      env,
      NAMESPACE,
      NAME,
      'new version in status',
      (candidate) => syncedVersion(candidate) === rotated.version,
    );
    expect(readyCondition(es)?.status).toBe('True');
    const described = await env.kubectl(['describe', 'externalsecret', NAME, '-n', NAMESPACE]);
    expect(describedFields(described).get('Version')).toBe(rotated.version);
    await waitForEvent(env, NAMESPACE, NAME, 'Normal', `postgresql-password@${rotated.version.slice(0, 8)}`);
    probe.remove();
  });

  it('changing the interval to 5m syncs at once, and the next sync counts 5m from it', async () => {
    rotated = await rotate('postgresql-password');
    const patch = JSON.stringify({ spec: { refreshInterval: '5m' } });
    await env.kubectl(['patch', 'externalsecret', NAME, '-n', NAMESPACE, '--type', 'merge', '-p', patch]);
    await waitForSecretValue(env, NAMESPACE, NAME, 'password', rotated.value, 5_000);
    const es = await waitForExternalSecret(env, NAMESPACE, NAME, 'synced with the 5m interval', isSynced);
    expect(es.spec.refreshInterval).toBe('5m');
    const gapMs = Date.parse(es.status!.nextRefreshTime!) - Date.parse(es.status!.refreshTime!);
    expect(gapMs).toBeLessThanOrEqual(5 * 60_000);
    expect(gapMs).toBeGreaterThanOrEqual(5 * 60_000 * (1 - JITTER) - 1_000);
    expect(syncedVersion(es)).toBe(rotated.version);
  });

  it('deleting and re-applying the ExternalSecret syncs at once (the owned Secret is collected and recreated)', async () => {
    const before = await env.secret(NAMESPACE, NAME);
    const oldEs = await env.externalSecret(NAMESPACE, NAME);
    rotated = await rotate('postgresql-password');
    await env.kubectl(['delete', 'externalsecret', NAME, '-n', NAMESPACE]);
    // creationPolicy Owner: the Secret has a controller reference to the ExternalSecret, so the
    // garbage collector removes it; deletionPolicy Retain adds no finalizer of ours.
    await waitFor(
      'the owned Secret to be garbage-collected',
      async () => !(await env.secret(NAMESPACE, NAME)),
    );
    await env.kubectl(['apply', '-f', MANIFEST]);
    const after = await waitForSecretValue(env, NAMESPACE, NAME, 'password', rotated.value, 5_000);
    expect(after.uid).not.toBe(before!.uid);
    const es = await waitForExternalSecret(env, NAMESPACE, NAME, 'synced after re-apply', isSynced);
    expect(es.metadata.uid).not.toBe(oldEs!.metadata.uid);
    expect(es.spec.refreshInterval).toBe('1h');
    const owner = await env.kube.get<{
      metadata: { ownerReferences?: Array<{ uid: string; controller?: boolean }> };
    }>({ apiVersion: 'v1', kind: 'Secret', namespace: NAMESPACE, name: NAME });
    expect(owner?.metadata.ownerReferences?.filter((reference) => reference.controller)).toEqual([
      expect.objectContaining({ uid: es.metadata.uid }),
    ]);
  });

  it('switching remoteRef.key to postgresql-password-v2 syncs at once', async () => {
    const v2 = newSecretValue('v2');
    const stored = await env.sandbox.secrets.setSecret('postgresql-password-v2', v2);
    const patch = JSON.stringify([
      { op: 'replace', path: '/spec/data/0/remoteRef/key', value: 'postgresql-password-v2' },
    ]);
    await env.kubectl(['patch', 'externalsecret', NAME, '-n', NAMESPACE, '--type', 'json', '-p', patch]);
    await waitForSecretValue(env, NAMESPACE, NAME, 'password', v2, 5_000);
    const es = await waitForExternalSecret(env, NAMESPACE, NAME, 'synced from v2', isSynced);
    expect(es.status?.syncedVersions).toEqual([
      expect.objectContaining({
        key: 'postgresql-password-v2',
        secretKey: 'password',
        version: stored.properties.version,
      }),
    ]);
  });
});

describe('beyond the incident', () => {
  const V2 = 'postgresql-password-v2';
  const IDENTITY = { clientId: '<managed-identity-client-id>' };

  it('a principal without get: Ready=False naming the missing role, a Warning event, the Secret kept', async () => {
    const { vault } = env.sandbox;
    const lastGood = await env.secret(NAMESPACE, NAME);
    expect(lastGood?.data['password']).toBeDefined();
    // The test's own SDK client is the system-assigned identity: it keeps writing.
    vault.grantRole('our-vault', { systemAssigned: true }, 'Key Vault Secrets Officer');
    vault.grantRole('our-vault', IDENTITY, 'Key Vault Reader');
    vault.setOpenMode(false);
    try {
      const next = await rotate(V2);
      await forceSync();
      const failed = await waitForExternalSecret(
        env,
        NAMESPACE,
        NAME,
        'Ready=False',
        (es) => readyCondition(es)?.status === 'False',
      );
      const ready = readyCondition(failed)!;
      expect(ready.reason).toBe('SecretSyncedError');
      expect(ready.message).toContain(`get secret '${V2}'`);
      expect(ready.message).toContain('403');
      expect(ready.message).toContain("needs the 'Key Vault Secrets User' role");
      const event = await waitForEvent(env, NAMESPACE, NAME, 'Warning', 'Key Vault Secrets User');
      expect(event.reason).toBe('UpdateFailed');
      const described = await env.kubectl(['describe', 'externalsecret', NAME, '-n', NAMESPACE]);
      expect(described).toContain('Key Vault Secrets User');
      expect(fingerprints(await env.secret(NAMESPACE, NAME))).toEqual(fingerprints(lastGood));
      expect((await env.secret(NAMESPACE, NAME))?.resourceVersion).toBe(lastGood!.resourceVersion);

      // Granting the role the message names fixes it; the next attempt brings the new value.
      vault.grantRole('our-vault', IDENTITY, 'Key Vault Secrets User');
      await forceSync();
      await waitForSecretValue(env, NAMESPACE, NAME, 'password', next.value, 10_000);
      await waitForExternalSecret(env, NAMESPACE, NAME, 'Ready=True again', isSynced);
    } finally {
      vault.setOpenMode(true);
    }
  });

  it('a throttled vault (429 with Retry-After) delays the sync but loses nothing', async () => {
    const controls = env.sandbox.vault.controls;
    const before = await env.secret(NAMESPACE, NAME);
    const next = await rotate(V2);
    const fault = controls.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      vault: 'our-vault',
      operation: 'getSecret',
      objectName: V2,
      count: 2,
    });
    try {
      const started = Date.now();
      await forceSync();
      await waitFor(
        'both throttled answers',
        () => controls.faults().find((rule) => rule.id === fault)!.applied === 2,
      );
      // Throttled, waiting for Retry-After: the Secret is as it was.
      expect(fingerprints(await env.secret(NAMESPACE, NAME))).toEqual(fingerprints(before));
      await waitForSecretValue(env, NAMESPACE, NAME, 'password', next.value, 10_000);
      // Two answers said "retry after 1 s": the value cannot have come sooner.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      await waitForExternalSecret(
        env,
        NAMESPACE,
        NAME,
        'synced',
        (es) => isSynced(es) && syncedVersion(es) === next.version,
      );
    } finally {
      controls.removeFault(fault);
    }
  });

  it('a throttled vault (429 without Retry-After, as Azure sends it) is retried with backoff and loses nothing', async () => {
    const controls = env.sandbox.vault.controls;
    const before = await env.secret(NAMESPACE, NAME);
    const next = await rotate(V2);
    const fault = controls.addFault({
      kind: 'status',
      status: 429,
      vault: 'our-vault',
      operation: 'getSecret',
      objectName: V2,
      count: 2,
    });
    try {
      await forceSync();
      await waitFor(
        'both throttled answers',
        () => controls.faults().find((rule) => rule.id === fault)!.applied === 2,
      );
      expect(fingerprints(await env.secret(NAMESPACE, NAME))).toEqual(fingerprints(before));
      await waitForSecretValue(env, NAMESPACE, NAME, 'password', next.value, 10_000);
      await waitForExternalSecret(
        env,
        NAMESPACE,
        NAME,
        'synced',
        (es) => isSynced(es) && syncedVersion(es) === next.version,
      );
    } finally {
      controls.removeFault(fault);
    }
  });

  it('an operator restart resyncs what is due and nothing that is not', async () => {
    const dueNs = 'payments';
    const dueName = 'payments-api';
    await waitForExternalSecret(env, dueNs, dueName, 'synced', isSynced);
    const notDue = await waitForExternalSecret(env, NAMESPACE, NAME, 'synced', isSynced);
    const before = await env.secret(NAMESPACE, NAME);
    const all = await env.kube.list<ExternalSecret>({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
    });
    expect(all.length).toBeGreaterThanOrEqual(2);

    await env.operator().stop();
    // While no operator runs: the vault changes under a not-due ExternalSecret, and another
    // ExternalSecret's last sync moves two hours back (it is due now).
    const notDueGets = env.countGets(V2);
    const dueGets = env.countGets('payments-db');
    await rotate(V2);
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const statusPatch = JSON.stringify({ status: { refreshTime: twoHoursAgo } });
    await env.kubectl([
      'patch',
      'externalsecret',
      dueName,
      '-n',
      dueNs,
      '--subresource=status',
      '--type',
      'merge',
      '-p',
      statusPatch,
    ]);

    const operator = await env.restartOperator();
    // The restarted operator looks at every ExternalSecret once (level-based start); each one it
    // has looked at gets a condition series in its (new) metrics registry.
    await waitFor('every ExternalSecret reconciled by the new operator', async () => {
      const text = await (await fetch(`${operator.http.url}/metrics`)).text();
      return all.every((es) => hasConditionSeries(text, es.metadata.namespace!, es.metadata.name!));
    });
    const resynced = await waitForExternalSecret(
      env,
      dueNs,
      dueName,
      'resynced',
      (es) => Date.parse(es.status?.refreshTime ?? '') > Date.now() - 60_000,
    );
    expect(readyCondition(resynced)?.status).toBe('True');
    expect(dueGets.count()).toBeGreaterThanOrEqual(1);

    expect(notDueGets.count()).toBe(0);
    const after = await env.externalSecret(NAMESPACE, NAME);
    expect(after?.status?.refreshTime).toBe(notDue.status?.refreshTime);
    expect(fingerprints(await env.secret(NAMESPACE, NAME))).toEqual(fingerprints(before));
    expect(fingerprint(before?.data['password'])).not.toBe(fingerprint(await vaultValue(V2)));
  });
});

/** True when the metrics text has an `externalsecret_status_condition` series for the ExternalSecret. */
function hasConditionSeries(metrics: string, namespace: string, name: string): boolean {
  return metrics
    .split('\n')
    .some(
      (line) =>
        line.startsWith('externalsecret_status_condition{') &&
        line.includes(`name="${name}"`) &&
        line.includes(`namespace="${namespace}"`),
    );
}
