import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseOperatorConfig } from '../../src/config/index.ts';
import { renderCommittedChart } from './chart-render.ts';

/*
 * The Deployment's arguments and environment are what `kvsync run` accepts and means: they go
 * through the operator's own flag parser, with the downward-API variables a pod gets.
 */

interface Container {
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
}

async function containerOf(values: object): Promise<Container> {
  const [deployment] = (await renderCommittedChart(values)).get('deployment.yaml') as Array<{
    spec: { template: { spec: { containers: Container[] } } };
  }>;
  return deployment!.spec.template.spec.containers[0]!;
}

/** The environment the kubelet gives the pod `kvsync-7d9f-abcde` in `kvsync-system`. */
function podEnvironment(container: Container): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.namespace': 'kvsync-system',
    'metadata.name': 'kvsync-7d9f-abcde',
  };
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
  for (const variable of container.env)
    env[variable.name] = variable.value ?? fields[variable.valueFrom!.fieldRef!.fieldPath]!;
  return env;
}

async function configFor(values: object) {
  const container = await containerOf(values);
  return parseOperatorConfig(container.args, podEnvironment(container), { hostname: 'unused', pid: 1 });
}

describe('the Deployment runs kvsync run', () => {
  it('in-cluster, electing a leader through a Lease in its namespace, with the pod as identity', async () => {
    const config = await configFor({});
    expect(config.kubernetes.inCluster).toBe(true);
    expect(config.leaderElection).toMatchObject({
      enabled: true,
      namespace: 'kvsync-system',
      leaseName: 'kvsync-controller',
      identity: 'kvsync-7d9f-abcde',
      shards: 1,
    });
    expect(config.http).toMatchObject({ address: ':8080', dashboardAddress: undefined });
    expect(config.reconcile.namespaces).toEqual([]);
    expect(config.eventGrid).toEqual({ secretFile: undefined, secretRef: undefined });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
  });

  it('with every option the chart offers', async () => {
    const config = await configFor({
      webhook: { enabled: true },
      dashboard: { enabled: true, tokenSecretName: 'dash' },
      shards: 3,
      watchedNamespaces: ['apps', 'payments'],
      logLevel: 'debug',
      logFormat: 'text',
      extraArgs: ['--concurrent=8'],
    });
    expect(config.eventGrid.secretFile).toBe('/etc/kvsync/eventgrid/shared-secret');
    expect(config.http).toMatchObject({
      dashboardAddress: '127.0.0.1:8081',
      dashboardTokenFile: '/etc/kvsync/dashboard/token',
    });
    expect(config.leaderElection.shards).toBe(3);
    expect(config.reconcile.namespaces).toEqual(['apps', 'payments']);
    expect(config.reconcile.concurrentReconciles).toBe(8);
    expect(config.log).toEqual({ level: 'debug', format: 'text' });
  });

  it('mounts the files the flags name', async () => {
    const container = (await containerOf({
      webhook: { enabled: true },
      dashboard: { enabled: true, tokenSecretName: 'd' },
    })) as Container & {
      volumeMounts: Array<{ mountPath: string }>;
    };
    const mounts = container.volumeMounts.map((mount) => mount.mountPath);
    for (const arg of container.args.filter((a) => a.includes('-file=')))
      expect(
        mounts.some((path) => arg.split('=')[1]!.startsWith(`${path}/`)),
        arg,
      ).toBe(true);
  });

  it("sizes the heap from the container's limit with NODE_OPTIONS that this Node accepts", async () => {
    const container = await containerOf({});
    const nodeOptions = container.env.find((variable) => variable.name === 'NODE_OPTIONS')?.value;
    expect(nodeOptions).toBe('--max-old-space-size-percentage=50 --max-semi-space-size=16');
    const limitMb = Number(
      execFileSync(
        process.execPath,
        ['-e', "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit / 1048576))"],
        { env: { ...process.env, NODE_OPTIONS: nodeOptions } },
      ),
    );
    expect(limitMb).toBeGreaterThan(0);
    expect((await containerOf({ nodeOptions: '' })).env.map((variable) => variable.name)).not.toContain(
      'NODE_OPTIONS',
    );
  });
});
