import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import { applyFolder } from '../../dev/sandbox/sandbox.ts';
import { createKubeClient } from '../../src/kube/index.ts';
import { startProcess } from './process.ts';

/** `kvsync run` as a process, the way a Deployment runs it: flags, probes, lease, SIGTERM. */

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin/kvsync.js');
let cluster: KubeApiServer;

beforeAll(async () => {
  cluster = await startKubeApiServer({ port: 0 });
  await applyFolder(createKubeClient({ kubeconfigPath: cluster.kubeconfig }), join(root, 'deploy/crds'));
});
afterAll(() => cluster.close());

interface Lease {
  spec: { holderIdentity?: string };
}

describe('kvsync run', () => {
  it('answers --help with every flag, and a bad flag with exit code 2 naming it', async () => {
    const help = await run(process.execPath, [bin, 'run', '--help']);
    expect(help.stdout).toContain('--leader-elect');
    expect(help.stdout).toContain('--azure-vault-endpoint');
    const failure = await run(process.execPath, [bin, 'run', '--concurrent', 'many']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('--concurrent');
  });

  it('serves probes and metrics, leads through a Lease, and releases it on SIGTERM', async () => {
    const operator = await startProcess(
      process.execPath,
      [
        bin,
        'run',
        '--kubeconfig',
        cluster.kubeconfig,
        '--http-addr',
        '127.0.0.1:0',
        '--leader-election-namespace',
        'default',
        '--identity',
        'replica-a',
      ],
      { ready: (line) => line.includes('"msg":"owning"') },
    );
    const kube = createKubeClient({ kubeconfigPath: cluster.kubeconfig });
    const lease = () =>
      kube.get<Lease>({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        namespace: 'default',
        name: 'kvsync-controller',
      });
    expect((await lease())?.spec.holderIdentity).toBe('replica-a');
    // The log is JSON lines; the server's URL is in the line that announces it.
    const logs = operator.stdout();
    const url = logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; url?: string })
      .find((entry) => entry.msg === 'http server listening')?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('leader');
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^kvsync_leader 1$/m);

    expect(await operator.stop()).toBe(0);
    expect((await lease())?.spec.holderIdentity ?? '').toBe('');
  });
});
