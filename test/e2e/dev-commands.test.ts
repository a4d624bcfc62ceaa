import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess } from './process.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const node = process.execPath;
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvsync-e2e-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const home = tempDir();
  const { stdout } = await run(
    'kubectl',
    ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'cache'), ...args],
    {
      env: { ...process.env, HOME: home },
    },
  );
  return stdout;
}

describe('kvsync-dev kube-apiserver', () => {
  it('prints one ready line with its URL and kubeconfig, serves kubectl, and stops on SIGTERM', async () => {
    const kubeconfigPath = join(tempDir(), 'kubeconfig');
    const server = await startProcess(
      node,
      [join(root, 'bin/kvsync-dev.js'), 'kube-apiserver', '--port', '0', '--kubeconfig', kubeconfigPath],
      {
        ready: (line) => line.startsWith('{'),
      },
    );
    const ready = JSON.parse(server.firstLine) as { ready: boolean; url: string; kubeconfig: string };
    expect(ready).toMatchObject({ ready: true, kubeconfig: kubeconfigPath });
    expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await kubectl(kubeconfigPath, 'get', 'namespace', 'default', '-o', 'name')).toBe(
      'namespace/default\n',
    );
    expect(await server.stop()).toBe(0);
  });

  it('rejects a bad port with exit code 2 and a message', async () => {
    const failure = await run(node, [
      join(root, 'bin/kvsync-dev.js'),
      'kube-apiserver',
      '--port',
      'nope',
    ]).catch((e: { code: number; stderr: string }) => e);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--port must be a number');
  });
});

describe('npm start (the sandbox)', () => {
  it('writes .kvsync/sandbox.json with a working kubeconfig, and removes it when stopped', async () => {
    const cwd = tempDir();
    const sandbox = await startProcess(node, [join(root, 'dev/sandbox/main.ts')], {
      cwd,
      ready: (line) => line.startsWith('Stop with'),
    });
    const file = join(cwd, '.kvsync', 'sandbox.json');
    const endpoints = JSON.parse(readFileSync(file, 'utf8')) as {
      kubeconfig: string;
      kubernetesUrl: string;
      vaults: Record<string, string>;
      caFile: string;
      imdsEndpoint: string;
      metricsUrl: string;
    };
    expect(endpoints.kubernetesUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.vaults['our-vault']).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(endpoints.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
    const imds = await fetch(
      `${endpoints.imdsEndpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`,
      {
        headers: { Metadata: 'true' },
      },
    );
    expect(((await imds.json()) as { token_type: string }).token_type).toBe('Bearer');
    expect(await kubectl(endpoints.kubeconfig, 'get', 'namespaces', '-o', 'name')).toContain(
      'namespace/kube-system',
    );
    // The operator runs and has synced the incident's ExternalSecret from the seeded vault.
    const ready = () =>
      kubectl(
        endpoints.kubeconfig,
        'get',
        'es',
        'database-credentials',
        '-o',
        'jsonpath={.status.conditions[0].reason}',
      );
    const deadline = Date.now() + 20_000;
    while ((await ready()) !== 'SecretSynced' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await ready()).toBe('SecretSynced');
    expect(
      await kubectl(endpoints.kubeconfig, 'get', 'secret', 'database-credentials', '-o', 'name'),
    ).toContain('secret/database-credentials');
    const metrics = await (await fetch(endpoints.metricsUrl)).text();
    expect(metrics).toMatch(
      /^externalsecret_sync_calls_total\{[^}]*name="database-credentials"[^}]*\} [1-9]/m,
    );
    expect(await sandbox.stop()).toBe(0);
    expect(existsSync(file)).toBe(false);
  });
});
