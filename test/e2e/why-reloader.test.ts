import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import { createKubeClient, type KubeClient } from '../../src/kube/index.ts';
import { newSecretValue, waitFor } from './operator-support.ts';

/**
 * `kvsync why` with the reloader running in the sandbox: a workload that reads the Secret
 * through env and is not opted in to restarts shows as "pods stale"; one whose restart waits
 * for a restart window shows as "restart pending". Both are what the emulators produce, not
 * fixtures.
 */

const run = promisify(execFile);
/** The push, the reloader's watch and the CLI each take a moment; on a loaded 2-core machine, several. */
const SLOW = { timeoutMs: 60_000, intervalMs: 500 };
const BIN = resolve(import.meta.dirname, '../../bin/kvsync.js');
let dir: string;
let sandbox: Sandbox;
let kube: KubeClient;

function deployment(name: string, secret: string, annotations: Record<string, string>) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name, image: 'registry.example.com/app:1', envFrom: [{ secretRef: { name: secret } }] },
          ],
        },
      },
    },
  };
}

function externalSecret(name: string, remoteKey: string) {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: 'default' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'azure-backend', kind: 'SecretStore' },
      target: { name },
      data: [{ secretKey: 'value', remoteRef: { key: remoteKey } }],
    },
  };
}

async function why(name: string): Promise<{ code: number; verdict: { cause: string; summary: string } }> {
  const args = [
    BIN,
    'why',
    name,
    '-n',
    'default',
    '-o',
    'json',
    '--kubeconfig',
    sandbox.endpoints.kubeconfig,
  ];
  const ran = await run(process.execPath, [...args, '--operator-url', sandbox.endpoints.operatorUrl]).then(
    (result) => ({ code: 0, stdout: result.stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return {
    code: ran.code,
    verdict: (JSON.parse(ran.stdout) as { verdict: { cause: string; summary: string } }).verdict,
  };
}

async function podsRunning(app: string): Promise<boolean> {
  const pods = await kube.list<{ status?: { phase?: string } }>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'default',
    labelSelector: `app=${app}`,
  });
  return pods.length > 0 && pods.every((pod) => pod.status?.phase === 'Running');
}

const STALE_SECRET = { apiVersion: 'v1', kind: 'Secret', namespace: 'default', name: 'stale-credentials' };

/** When the pods of `app` started, in epoch ms (the latest, whole seconds). */
async function startSecondOf(app: string): Promise<number> {
  const pods = await kube.list<{ status?: { startTime?: string } }>({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'default',
    labelSelector: `app=${app}`,
  });
  return Math.max(
    ...pods.map((pod) => Date.parse(pod.status?.startTime ?? '')).filter((ms) => !Number.isNaN(ms)),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvsync-why-'));
  sandbox = await startSandbox({ dir, operatorArgs: ['--reloader-settle-period', '1s'], writeLog: () => {} });
  kube = createKubeClient({ kubeconfigPath: sandbox.endpoints.kubeconfig });
  for (const name of ['stale-credentials', 'windowed-credentials']) {
    await sandbox.secrets.setSecret(name, newSecretValue('first'));
    await kube.create(externalSecret(name, name));
  }
  // Not opted in to restarts: its pods keep the value they started with.
  await kube.create(deployment('stale-app', 'stale-credentials', {}));
  // Opted in, but restarts only in a one-minute window months away.
  const later = new Date(Date.now() + 180 * 86_400_000);
  const cron = `${later.getUTCMinutes()} ${later.getUTCHours()} ${later.getUTCDate()} ${later.getUTCMonth() + 1} *`;
  await kube.create(
    deployment('windowed-app', 'windowed-credentials', {
      'secret.reloader.stakater.com/reload': 'windowed-credentials',
      'kvsync.io/restart-window': cron,
      'kvsync.io/restart-window-duration': '1m',
    }),
  );
  await waitFor('both apps running', async () =>
    (await podsRunning('stale-app')) && (await podsRunning('windowed-app')) ? true : undefined,
  );
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kvsync why, with the reloader', () => {
  it('names stale pods when a workload keeps running an old value', { timeout: 90_000 }, async () => {
    // Stale pods are judged from the data history the reloader records on the Secret: wait until
    // it has seen the first value, as it would have long before a rotation in real life.
    await waitFor(
      'the reloader to record the first data',
      async () => {
        const secret = await kube.get<{ metadata: { annotations?: Record<string, string> } }>(STALE_SECRET);
        return secret?.metadata.annotations?.['kvsync.io/data-observed'] ? true : undefined;
      },
      SLOW,
    );
    // Start times have whole seconds, and a container started in the second of a change counts as
    // having the new data: rotate only once the pods' start second has passed, as in real life.
    const started = await startSecondOf('stale-app');
    await waitFor('the second after the pods started', () => Date.now() >= started + 1000 || undefined);
    await sandbox.secrets.setSecret('stale-credentials', newSecretValue('second'));
    let last: unknown;
    const answer = await waitFor(
      'why to see stale pods',
      async () => {
        const result = await why('stale-credentials');
        last = result;
        return result.verdict.cause === 'pods-stale' ? result : undefined;
      },
      SLOW,
    ).catch(async (error: Error) => {
      // What `why` said last and what the reloader recorded (metadata only: no values).
      const secret = await kube.get<{ metadata: object }>(STALE_SECRET);
      throw new Error(
        `${error.message}; why said ${JSON.stringify(last)}; Secret metadata ${JSON.stringify(secret?.metadata)}`,
      );
    });
    expect(answer.code).toBe(1);
    expect(answer.verdict.summary).toMatch(/still run an old value/);
  });

  it('names a pending restart when the restart waits for its window', { timeout: 90_000 }, async () => {
    await sandbox.secrets.setSecret('windowed-credentials', newSecretValue('second'));
    const answer = await waitFor(
      'why to see the pending restart',
      async () => {
        const result = await why('windowed-credentials');
        return result.verdict.cause === 'restart-pending' ? result : undefined;
      },
      SLOW,
    );
    expect(answer.code).toBe(1);
    expect(answer.verdict.summary).toMatch(/windowed-app/);
  });
});
