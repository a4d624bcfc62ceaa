import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startSandbox, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import type { ExternalSecret } from '../../src/api/index.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { attachOperatorApi } from '../../src/server/operator-api/test-support.ts';
import { newSecretValue, waitFor } from './operator-support.ts';

/**
 * The `kvsync` CLI as users run it: the bin as a process against the sandbox (both emulators and
 * the operator), with a kubectl-style kubeconfig, and as `kubectl kvsync` found by kubectl on the
 * PATH. Each command, its exit codes, `-o json|yaml` parsed, and `kvsync why` naming the cause
 * of each failure the emulators can produce. Values are never printed: the tests check that the
 * CLI's output does not contain them either.
 */

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/kvsync.js');
const ES_API = 'external-secrets.io/v1';

let dir: string;
let sandbox: Sandbox;
let kube: KubeClient;
let operatorUrl: string;
let detach: () => Promise<void>;
let pluginPath: string;
let kubeconfig: string;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function kvsync(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? dir,
      env: { PATH: process.env.PATH!, HOME: dir, ...options.env },
      maxBuffer: 8 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The CLI with the sandbox's kubeconfig and operator. */
const cli = (...args: string[]) =>
  kvsync([...args, '--kubeconfig', kubeconfig, '--operator-url', operatorUrl]);

/** kubectl with the plugin first on the PATH; kubectl gives plugins none of its flags, so the kubeconfig goes by KUBECONFIG. */
async function kubectl(args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await run('kubectl', args, {
      env: {
        PATH: `${pluginPath}:${process.env.PATH}`,
        HOME: dir,
        KUBECONFIG: kubeconfig,
        KVSYNC_OPERATOR_URL: operatorUrl,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function noStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function externalSecret(
  namespace: string,
  name: string,
  spec: Partial<ExternalSecret['spec']>,
): ExternalSecret {
  return {
    apiVersion: ES_API,
    kind: 'ExternalSecret',
    metadata: { name, namespace },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'SecretStore', name: 'azure-backend' },
      target: { name },
      data: [{ secretKey: 'password', remoteRef: { key: 'postgresql-password' } }],
      ...spec,
    },
  };
}

function readyOf(es: ExternalSecret | undefined) {
  return es?.status?.conditions?.find((condition) => condition.type === 'Ready');
}

function getEs(namespace: string, name: string) {
  return kube.get<ExternalSecret>({ apiVersion: ES_API, kind: 'ExternalSecret', namespace, name });
}

function waitForReady(namespace: string, name: string, status: 'True' | 'False') {
  return waitFor(
    `ExternalSecret ${namespace}/${name} Ready=${status}`,
    async () => readyOf(await getEs(namespace, name))?.status === status,
  );
}

async function whyJson(name: string, namespace = 'default') {
  const ran = await cli('why', name, '-n', namespace, '-o', 'json');
  return {
    ...ran,
    body: JSON.parse(ran.stdout) as {
      verdict: { cause: string; ok: boolean; fix: string[] };
      checks: Array<{ id: string; status: string }>;
    },
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvsync-cli-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'cli-test-token\n', { mode: 0o600 });
  sandbox = await startSandbox({
    dir: join(dir, 'sandbox'),
    push: false,
    operatorArgs: ['--dashboard-token-file', tokenFile, '--reloader=false'],
    writeLog: () => {},
  });
  kubeconfig = sandbox.endpoints.kubeconfig;
  kube = createKubeClient({ kubeconfigPath: kubeconfig });
  const attached = await attachOperatorApi(sandbox, { tokenFile });
  operatorUrl = attached.url;
  detach = attached.detach;
  // kubectl finds plugins named kubectl-<name> on the PATH.
  pluginPath = join(dir, 'plugins');
  mkdirSync(pluginPath);
  const plugin = join(pluginPath, 'kubectl-kvsync');
  writeFileSync(plugin, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(plugin, 0o755);
  await waitForReady('default', 'database-credentials', 'True');
  await waitForReady('payments', 'payments-api', 'True');
});

afterAll(async () => {
  await detach?.();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CLI manners', () => {
  it('answers --help on every command with examples, and usage errors with exit code 2 and one line', async () => {
    const usage = await kvsync(['--help']);
    expect(usage.code).toBe(0);
    for (const command of ['status', 'why', 'sync', 'diff', 'restart-stale', 'completion']) {
      expect(usage.stdout).toContain(command);
      const help = await kvsync([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain('Examples:');
      expect(help.stdout, command).toContain(`kvsync ${command}`);
    }
    for (const args of [
      ['nonsense'],
      ['status', '--bogus'],
      ['why'],
      ['sync'],
      ['sync', 'x', '--all'],
      ['sync', 'x', '--timeout', 'soon'],
      ['status', '-o', 'xml'],
      ['completion', 'fish'],
    ]) {
      const failed = await kvsync(args);
      expect(failed.code, args.join(' ')).toBe(2);
      expect(failed.stderr, args.join(' ')).toMatch(/kvsync/);
      noStackTrace(failed.stderr);
    }
  });

  it('fails with exit code 1 and no stack trace when the cluster cannot be reached', async () => {
    const broken = join(dir, 'unreachable-kubeconfig');
    writeFileSync(
      broken,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const failed = await kvsync(['status', '--kubeconfig', broken]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('kvsync status:');
    noStackTrace(failed.stderr);
    const missing = await kvsync(['status', '--kubeconfig', join(dir, 'no-such-file')]);
    expect(missing.code).toBe(2);
    noStackTrace(missing.stderr);
  });

  it('prints completion scripts, and completes commands, flags, formats, namespaces and names', async () => {
    for (const shell of ['bash', 'zsh']) {
      const script = await kvsync(['completion', shell]);
      expect(script.code).toBe(0);
      expect(script.stdout).toContain('kvsync __complete');
      expect(script.stdout).toContain('kubectl-kvsync');
    }
    const complete = async (...words: string[]) =>
      (await kvsync(['__complete', ...words], { env: { KUBECONFIG: kubeconfig } })).stdout
        .split('\n')
        .filter(Boolean);
    expect(await complete('sta')).toEqual(['status']);
    expect(await complete('status', '--all')).toEqual(['--all-namespaces']);
    expect(await complete('status', '-o', '')).toEqual(['text', 'wide', 'json', 'yaml']);
    expect(await complete('why', '-n', 'pay')).toEqual(['payments']);
    expect(await complete('why', 'data')).toEqual(['database-credentials']);
    expect(await complete('why', '-n', 'payments', '')).toEqual(['payments-api']);
  });
});

describe('kvsync status', () => {
  it('shows every ExternalSecret with -A, exit 0 when all are in step, and -o json / yaml for scripts', async () => {
    const table = await cli('status', '-A');
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^NAMESPACE\s+NAME\s+STORE\s+INTERVAL\s+LAST SYNC\s+NEXT SYNC\s+STATE\s+KV NEWER\s+STALE PODS\s+PENDING$/,
    );
    expect(lines.find((line) => line.includes('database-credentials'))).toMatch(
      /^default\s+database-credentials\s+SecretStore\/azure-backend\s+1h\s+\S+ ago\s+in \S+\s+synced\s+no\s+-\s+-$/,
    );
    expect(table.stdout).not.toContain('\u001b[');
    const json = JSON.parse((await cli('status', '-A', '-o', 'json')).stdout) as {
      items: Array<Record<string, unknown>>;
    };
    expect(json.items.map((item) => `${item.namespace}/${item.name}`)).toEqual(
      expect.arrayContaining(['default/database-credentials', 'payments/payments-api']),
    );
    expect(json.items.find((item) => item.name === 'payments-api')).toMatchObject({
      store: 'ClusterSecretStore/our-vault',
      intervalMs: 300_000,
      state: 'synced',
      keyVaultNewer: false,
      vault: 'our-vault.vault.azure.net',
    });
    const yaml = parseYaml((await cli('status', '-n', 'payments', '-o', 'yaml')).stdout) as {
      items: Array<{ name: string }>;
    };
    expect(yaml.items.map((item) => item.name)).toEqual(['payments-api']);
    const wide = await cli('status', '-n', 'payments', '-o', 'wide');
    expect(wide.stdout.split('\n')[0]).toMatch(/TARGET\s+VAULT\s+PUSH\s+MESSAGE$/);
    const empty = await cli('status', '-n', 'kube-system');
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    expect(empty.stderr).toContain('No ExternalSecrets found in kube-system namespace.');
  });

  it('shows "?" for what only the operator knows when it cannot be asked, and still lists', async () => {
    const ran = await kvsync(['status', '--kubeconfig', kubeconfig, '--operator-url', 'http://127.0.0.1:1']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/database-credentials\s+\S+\s+1h\s+.+synced\s+\?\s+\?\s+\?/);
    expect(ran.stderr).toContain('could not ask the operator');
  });

  it('runs as `kubectl kvsync`, found by kubectl on the PATH', async () => {
    const ran = await kubectl(['kvsync', 'status', '-A']);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/payments\s+payments-api\s+ClusterSecretStore\/our-vault/);
    const why = await kubectl(['kvsync', 'why', 'database-credentials']);
    expect(why.code).toBe(0);
    expect(why.stdout).toContain('Verdict: default/database-credentials is in step with Key Vault');
  });

  it('finds the sandbox operator from .kvsync/sandbox.json when it names the kubeconfig in use', async () => {
    const cwd = join(dir, 'project');
    mkdirSync(join(cwd, '.kvsync'), { recursive: true });
    writeFileSync(
      join(cwd, '.kvsync/sandbox.json'),
      JSON.stringify({ kubeconfig, metricsUrl: `${operatorUrl}/metrics` }),
    );
    const ran = await kvsync(['why', 'database-credentials'], { cwd, env: { KUBECONFIG: kubeconfig } });
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/ok\s+Operator\s+http:\/\/127\.0\.0\.1:\d+: leader/);
  });
});

describe('a rotation the 1h interval does not pick up: why, diff, sync', () => {
  let rotated: { value: string; version: string };

  it('why names "refresh not due" with the next sync time and the fix, and exits 1', async () => {
    const value = newSecretValue('rotated');
    const stored = await sandbox.secrets.setSecret('postgresql-password', value);
    rotated = { value, version: stored.properties.version! };
    const text = await cli('why', 'database-credentials');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`Key Vault ${rotated.version.slice(0, 8)}`);
    expect(text.stdout).toMatch(
      /Verdict: Key Vault holds a newer version of postgresql-password than the Secret; the next sync is in \S+/,
    );
    expect(text.stdout).toContain('kvsync sync database-credentials -n default --wait');
    expect(text.stdout).toMatch(/info\s+Pods\s+not available/);
    const { body } = await whyJson('database-credentials');
    expect(body.verdict).toMatchObject({ cause: 'refresh-not-due', ok: false });
    for (const output of [text.stdout, JSON.stringify(body)]) {
      expect(output).not.toContain(value);
      expect(output).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('diff shows the key differing by version and hash, never the value, and exits 1', async () => {
    const ran = await cli('diff', 'database-credentials');
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(
      new RegExp(
        `password\\s+postgresql-password\\s+\\w{8}\\s+${rotated.version.slice(0, 8)}\\s+differs\\s+[0-9a-f]{12}\\s+[0-9a-f]{12}`,
      ),
    );
    const json = JSON.parse((await cli('diff', 'database-credentials', '-o', 'json')).stdout) as {
      diff: Array<{ state: string; vaultHash: string; secretHash: string }>;
    };
    expect(json.diff[0]!.state).toBe('differs');
    expect(json.diff[0]!.vaultHash).not.toBe(json.diff[0]!.secretHash);
    expect(ran.stdout + JSON.stringify(json)).not.toContain(rotated.value);
  });

  it('sync --wait forces the sync and reports the new version; then why and diff exit 0', async () => {
    const ran = await cli('sync', 'database-credentials', '--wait');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(
      new RegExp(
        `default/database-credentials: synced in [\\d.]+s \\(postgresql-password@${rotated.version.slice(0, 8)}\\)`,
      ),
    );
    const es = await getEs('default', 'database-credentials');
    expect(es?.metadata.annotations?.['force-sync']).toMatch(/^\d+$/);
    expect((await cli('why', 'database-credentials')).code).toBe(0);
    const diff = await cli('diff', 'database-credentials');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/password\s+postgresql-password\s+\w{8}\s+\w{8}\s+same/);
  });

  it('sync --all -A --wait -o json reports each, and a missing name is exit 1', async () => {
    const all = JSON.parse((await cli('sync', '--all', '-A', '--wait', '-o', 'json')).stdout) as {
      items: Array<{ name: string; result: string }>;
    };
    expect(all.items.map((item) => [item.name, item.result])).toEqual(
      expect.arrayContaining([
        ['database-credentials', 'synced'],
        ['payments-api', 'synced'],
      ]),
    );
    const missing = await cli('sync', 'no-such-es');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('default/no-such-es: not-found');
    const requested = await cli('sync', 'database-credentials');
    expect(requested).toMatchObject({ code: 0 });
    expect(requested.stdout).toContain('default/database-credentials: sync requested');
  });

  it('restart-stale says it is not available yet without a reloader (exit 1)', async () => {
    const ran = await cli('restart-stale', 'database-credentials');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain('not available yet');
    noStackTrace(ran.stderr);
  });
});

describe('kvsync why names the cause of each failure', () => {
  const NS = 'why-cases';

  beforeAll(async () => {
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const store = (name: string, azurekv: Record<string, unknown>) =>
      kube.create({
        apiVersion: ES_API,
        kind: 'SecretStore',
        metadata: { name, namespace: NS },
        spec: { provider: { azurekv } },
      });
    await store('azure-backend', {
      authType: 'ManagedIdentity',
      vaultUrl: 'https://our-vault.vault.azure.net',
      identityId: '<managed-identity-client-id>',
    });
    await store('wrong-url', {
      authType: 'ManagedIdentity',
      vaultUrl: 'https://no-such-vault.vault.azure.net',
    });
    await store('broken', { authType: 'ServicePrincipal', vaultUrl: 'https://our-vault.vault.azure.net' });
    await kube.create(
      externalSecret(NS, 'reads-wrong-vault', { secretStoreRef: { kind: 'SecretStore', name: 'wrong-url' } }),
    );
    await kube.create(
      externalSecret(NS, 'store-broken', { secretStoreRef: { kind: 'SecretStore', name: 'broken' } }),
    );
    await kube.create(
      externalSecret(NS, 'secret-gone', { data: [{ secretKey: 'x', remoteRef: { key: 'no-such-secret' } }] }),
    );
    await kube.create(
      externalSecret(NS, 'no-store', { secretStoreRef: { kind: 'SecretStore', name: 'nope' } }),
    );
    await kube.create(externalSecret(NS, 'healthy', {}));
    await waitForReady(NS, 'healthy', 'True');
    await waitForReady(NS, 'reads-wrong-vault', 'False');
    await waitForReady(NS, 'secret-gone', 'False');
    await waitForReady(NS, 'no-store', 'False');
  });

  it.each([
    ['healthy', 'healthy', 0],
    ['reads-wrong-vault', 'wrong-vault-url', 1],
    ['store-broken', 'store-not-ready', 1],
    ['secret-gone', 'secret-missing', 1],
    ['no-store', 'store-not-found', 1],
    ['does-not-exist', 'not-found', 1],
  ])('%s → %s (exit %i)', async (name, cause, code) => {
    const { code: exit, body } = await whyJson(name, NS);
    expect(body.verdict.cause).toBe(cause);
    expect(exit).toBe(code);
    if (!body.verdict.ok && cause !== 'not-found') expect(body.verdict.fix.length).toBeGreaterThan(0);
  });

  it('a missing get permission: the verdict names the role to grant', async () => {
    const { vault } = sandbox;
    vault.grantRole('our-vault', { systemAssigned: true }, 'Key Vault Secrets Officer');
    vault.grantRole('our-vault', { clientId: '<managed-identity-client-id>' }, 'Key Vault Reader');
    vault.setOpenMode(false);
    try {
      const ran = await cli('why', 'healthy', '-n', NS);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toMatch(/FAIL\s+Key Vault access/);
      expect(ran.stdout).toContain("Verdict: The store's identity may not get secret 'postgresql-password'");
      expect(ran.stdout).toContain('Key Vault Secrets User');
      expect((await whyJson('healthy', NS)).body.verdict.cause).toBe('missing-get');
    } finally {
      vault.setOpenMode(true);
    }
  });

  it('a throttled vault: the verdict says so (last: it pauses the vault for everyone)', async () => {
    const controls = sandbox.vault.controls;
    const fault = controls.addFault({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 30,
      vault: 'our-vault',
      operation: 'getSecret',
    });
    try {
      const { code, body } = await whyJson('healthy', NS);
      expect(body.verdict.cause).toBe('throttled');
      expect(code).toBe(1);
    } finally {
      controls.removeFault(fault);
    }
  });
});
