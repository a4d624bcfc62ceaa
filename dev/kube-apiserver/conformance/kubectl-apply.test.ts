import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { uniqueName } from './eventually.ts';
import {
  ES_DEFAULT_REFRESH_INTERVAL,
  ES_GROUP,
  deployment,
  esPath,
  externalSecret,
  toYaml,
} from './fixtures.ts';
import { apiRequest, readObject, resourcePath } from './http-helper.ts';
import { describeFailure } from './kubectl-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('kubectl apply of custom resources', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  it('creates a v1 ExternalSecret, fills the schema default and records last-applied', async () => {
    const name = uniqueName('es');
    const stdout = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(externalSecret({ name })) });
    expect(stdout.trim()).toBe(`externalsecret.${ES_GROUP}/${name} created`);

    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec).toMatchObject({ refreshInterval: ES_DEFAULT_REFRESH_INTERVAL });
    expect(stored.metadata.generation).toBe(1);
    expect(stored.metadata.annotations?.[LAST_APPLIED]).toContain(name);
  });

  it('creates from a v1beta1 manifest and serves it as v1 and as v1beta1', async () => {
    const name = uniqueName('es-beta');
    const stdout = await env.kubectl.ok(['apply', '-f', '-'], {
      stdin: toYaml(externalSecret({ name, version: 'v1beta1', storeName: 'beta-store' })),
    });
    expect(stdout.trim()).toBe(`externalsecret.${ES_GROUP}/${name} created`);

    const asV1 = await env.kubectl.ok([
      'get',
      'es',
      name,
      '-o',
      'jsonpath={.apiVersion} {.spec.secretStoreRef.name}',
    ]);
    expect(asV1).toBe(`${ES_GROUP}/v1 beta-store`);
    const asBeta = await env.kubectl.ok([
      'get',
      `externalsecrets.v1beta1.${ES_GROUP}`,
      name,
      '-o',
      'jsonpath={.apiVersion}',
    ]);
    expect(asBeta).toBe(`${ES_GROUP}/v1beta1`);
  });

  it('applying the same manifest twice reports unchanged, and a change reports configured', async () => {
    const name = uniqueName('es-twice');
    const manifest = externalSecret({ name, refreshInterval: '1h' });
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(manifest) });

    const again = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(manifest) });
    expect(again.trim()).toMatch(new RegExp(`${name} (unchanged|configured)$`));

    const changed = externalSecret({ name, refreshInterval: '15m' });
    const configured = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(changed) });
    expect(configured.trim()).toBe(`externalsecret.${ES_GROUP}/${name} configured`);

    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec).toMatchObject({ refreshInterval: '15m' });
    expect(stored.metadata.generation).toBe(2);
  });

  it('a field dropped from the manifest is removed on the next apply', async () => {
    const name = uniqueName('es-drop');
    const manifest = externalSecret({ name, labels: { tier: 'gold', team: 'payments' } });
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(manifest) });
    const withoutTeam = externalSecret({ name, labels: { tier: 'gold' } });
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(withoutTeam) });

    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.metadata.labels).toEqual({ tier: 'gold' });
  });

  it('apply --dry-run=server validates and defaults but stores nothing', async () => {
    const name = uniqueName('es-dry');
    const stdout = await env.kubectl.ok(['apply', '--dry-run=server', '-o', 'yaml', '-f', '-'], {
      stdin: toYaml(externalSecret({ name })),
    });
    const preview = parse(stdout) as { spec: { refreshInterval?: string } };
    expect(preview.spec.refreshInterval).toBe(ES_DEFAULT_REFRESH_INTERVAL);
    expect((await apiRequest(env.server, esPath('default', name))).status).toBe(404);
  });

  it('apply --server-side creates, then updates, a custom resource', async () => {
    const name = uniqueName('es-ssa');
    const created = await env.kubectl.ok(['apply', '--server-side', '-f', '-'], {
      stdin: toYaml(externalSecret({ name, refreshInterval: '5m' })),
    });
    expect(created.trim()).toBe(`externalsecret.${ES_GROUP}/${name} serverside-applied`);

    const updated = await env.kubectl.ok(['apply', '--server-side', '-f', '-'], {
      stdin: toYaml(externalSecret({ name, refreshInterval: '10m' })),
    });
    expect(updated.trim()).toBe(`externalsecret.${ES_GROUP}/${name} serverside-applied`);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec).toMatchObject({ refreshInterval: '10m' });
  });

  it('apply --server-side of a ConfigMap creates it and merges a later apply', async () => {
    const name = uniqueName('cm-ssa');
    const configMap = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default' },
      data,
    });
    await env.kubectl.ok(['apply', '--server-side', '-f', '-'], {
      stdin: toYaml(configMap({ colour: 'blue' })),
    });
    const stdout = await env.kubectl.ok(['apply', '--server-side', '-f', '-'], {
      stdin: toYaml(configMap({ colour: 'green', size: 'large' })),
    });
    expect(stdout.trim()).toBe(`configmap/${name} serverside-applied`);
    const stored = await readObject(env.server, resourcePath('v1', 'configmaps', 'default', name));
    expect(stored.data).toEqual({ colour: 'green', size: 'large' });
  });

  it('replace -f updates with the given resourceVersion, and a stale one gets a Conflict', async () => {
    const name = uniqueName('es-replace');
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(externalSecret({ name })) });
    const live = parse(await env.kubectl.ok(['get', 'es', name, '-o', 'yaml'])) as {
      metadata: { resourceVersion: string };
      spec: { refreshInterval: string };
    };

    live.spec.refreshInterval = '30m';
    const replaced = await env.kubectl.ok(['replace', '-f', '-'], { stdin: toYaml(live) });
    expect(replaced.trim()).toBe(`externalsecret.${ES_GROUP}/${name} replaced`);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec).toMatchObject({ refreshInterval: '30m' });

    live.spec.refreshInterval = '45m';
    const stale = await env.kubectl.run(['replace', '-f', '-'], { stdin: toYaml(live) });
    expect(stale.code, describeFailure(['replace'], stale)).not.toBe(0);
    expect(stale.stderr).toMatch(/Conflict|the object has been modified/);
  });
});

describe('kubectl apply of a Deployment', () => {
  const env = useKubeEnvironment();

  const readContainer = async (name: string): Promise<Container> => {
    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    const template = stored.spec?.template as { spec: { containers: Container[] } };
    expect(template.spec.containers).toHaveLength(1);
    return template.spec.containers[0] as Container;
  };

  it('re-applying with a new image keeps the container ports, env and args', async () => {
    const name = uniqueName('web');
    const created = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(deployment({ name })) });
    expect(created.trim()).toBe(`deployment.apps/${name} created`);

    const unchanged = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(deployment({ name })) });
    expect(unchanged.trim()).toMatch(/ (unchanged|configured)$/);

    const configured = await env.kubectl.ok(['apply', '-f', '-'], {
      stdin: toYaml(deployment({ name, image: 'nginx:1.26' })),
    });
    expect(configured.trim()).toBe(`deployment.apps/${name} configured`);

    const container = await readContainer(name);
    expect(container.image).toBe('nginx:1.26');
    expect(container.args).toEqual(['--port=8080']);
    expect(container.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 8080 })]);
    expect(container.env).toEqual([
      { name: 'MODE', value: 'production' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]);
  });

  it('re-applying with one env entry changed merges the env list by name', async () => {
    const name = uniqueName('web-env');
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(deployment({ name })) });
    const manifest = deployment({ name });
    const container = manifest.spec.template.spec.containers[0];
    if (!container) throw new Error('fixture has a container');
    container.env = [
      { name: 'MODE', value: 'production' },
      { name: 'LOG_LEVEL', value: 'debug' },
    ];
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(manifest) });

    const stored = await readContainer(name);
    expect(stored.env).toEqual([
      { name: 'MODE', value: 'production' },
      { name: 'LOG_LEVEL', value: 'debug' },
    ]);
    expect(stored.ports).toEqual([expect.objectContaining({ containerPort: 8080 })]);
  });

  it('fills the Deployment defaults a real server adds', async () => {
    const name = uniqueName('web-defaults');
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(deployment({ name })) });
    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    expect(stored.spec).toMatchObject({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    expect(stored.metadata.generation).toBe(1);
  });

  it('apply --server-side of a Deployment works, also over a client-side applied one', async () => {
    const name = uniqueName('web-ssa');
    const created = await env.kubectl.ok(['apply', '--server-side', '-f', '-'], {
      stdin: toYaml(deployment({ name })),
    });
    expect(created.trim()).toBe(`deployment.apps/${name} serverside-applied`);

    const other = uniqueName('web-csa');
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(deployment({ name: other })) });
    const converted = await env.kubectl.ok(['apply', '--server-side', '-f', '-'], {
      stdin: toYaml(deployment({ name: other, image: 'nginx:1.27' })),
    });
    expect(converted.trim()).toBe(`deployment.apps/${other} serverside-applied`);
    const container = (await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', other)))
      .spec?.template as { spec: { containers: Container[] } };
    expect(container.spec.containers[0]?.image).toBe('nginx:1.27');
  });
});
