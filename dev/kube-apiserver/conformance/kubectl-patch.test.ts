import { describe, expect, it } from 'vitest';
import { uniqueName } from './eventually.ts';
import { ES_GROUP, deployment, esPath, externalSecret, readyCondition } from './fixtures.ts';
import { createObject, readObject, resourcePath } from './http-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

interface Container {
  name: string;
  image: string;
  ports?: unknown[];
  env?: { name: string; value?: string }[];
}

describe('kubectl patch', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  const newExternalSecret = async () => {
    const name = uniqueName('es-patch');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    return name;
  };

  it('--type=merge changes the spec and bumps generation', async () => {
    const name = await newExternalSecret();
    const stdout = await env.kubectl.ok([
      'patch',
      'es',
      name,
      '--type=merge',
      '-p',
      '{"spec":{"refreshInterval":"10m","target":{"name":"renamed"}}}',
    ]);
    expect(stdout.trim()).toBe(`externalsecret.${ES_GROUP}/${name} patched`);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec).toMatchObject({ refreshInterval: '10m', target: { name: 'renamed' } });
    expect(stored.metadata.generation).toBe(2);
  });

  it('--type=merge with null removes a field', async () => {
    const name = await newExternalSecret();
    await env.kubectl.ok(['patch', 'es', name, '--type=merge', '-p', '{"spec":{"target":null}}']);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec?.target).toBeUndefined();
  });

  it('--type=json applies operations in order', async () => {
    const name = await newExternalSecret();
    const operations = [
      { op: 'replace', path: '/spec/refreshInterval', value: '15m' },
      { op: 'add', path: '/spec/data/-', value: { secretKey: 'user', remoteRef: { key: 'db-user' } } },
      { op: 'add', path: '/metadata/labels', value: { patched: 'json' } },
    ];
    await env.kubectl.ok(['patch', 'es', name, '--type=json', '-p', JSON.stringify(operations)]);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec).toMatchObject({
      refreshInterval: '15m',
      data: [{ secretKey: 'password' }, { secretKey: 'user', remoteRef: { key: 'db-user' } }],
    });
    expect(stored.metadata.labels).toEqual({ patched: 'json' });
  });

  it('--type=json with a failing test operation is rejected and changes nothing', async () => {
    const name = await newExternalSecret();
    const before = await readObject(env.server, esPath('default', name));
    const operations = [
      { op: 'replace', path: '/spec/refreshInterval', value: '15m' },
      { op: 'test', path: '/spec/secretStoreRef/name', value: 'not-the-store' },
    ];
    const result = await env.kubectl.run([
      'patch',
      'es',
      name,
      '--type=json',
      '-p',
      JSON.stringify(operations),
    ]);
    expect(result.code).not.toBe(0);
    const after = await readObject(env.server, esPath('default', name));
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('the default strategic patch of a custom resource fails with 415 UnsupportedMediaType', async () => {
    const name = await newExternalSecret();
    const result = await env.kubectl.run(['patch', 'es', name, '-p', '{"spec":{"refreshInterval":"20m"}}']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/UnsupportedMediaType|415|unknown format|media type/i);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec?.refreshInterval).not.toBe('20m');
  });

  it('--subresource=status sets status only, without bumping generation', async () => {
    const name = await newExternalSecret();
    const patch = {
      spec: { refreshInterval: '99h' },
      status: { conditions: [readyCondition('True', 'SecretSynced', 1)] },
    };
    const stdout = await env.kubectl.ok([
      'patch',
      'es',
      name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(patch),
    ]);
    expect(stdout.trim()).toBe(`externalsecret.${ES_GROUP}/${name} patched`);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.status).toMatchObject({
      conditions: [{ type: 'Ready', status: 'True', reason: 'SecretSynced' }],
    });
    expect(stored.spec?.refreshInterval).not.toBe('99h');
    expect(stored.metadata.generation).toBe(1);

    const table = await env.kubectl.ok(['get', 'es', name, '--no-headers']);
    expect(table).toMatch(/SecretSynced\s+True/);
  });

  it('a merge patch of the main resource leaves status alone', async () => {
    const name = await newExternalSecret();
    await env.kubectl.ok([
      'patch',
      'es',
      name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { conditions: [readyCondition('True', 'SecretSynced')] } }),
    ]);
    await env.kubectl.ok([
      'patch',
      'es',
      name,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { refreshInterval: '2h' }, status: { conditions: [] } }),
    ]);
    const stored = await readObject(env.server, esPath('default', name));
    expect(stored.spec?.refreshInterval).toBe('2h');
    expect(stored.status).toMatchObject({ conditions: [{ type: 'Ready', reason: 'SecretSynced' }] });
  });

  it('a strategic patch of a Deployment merges containers by name', async () => {
    const name = uniqueName('web-patch');
    await createObject(env.server, resourcePath('apps/v1', 'deployments', 'default'), deployment({ name }));
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'EXTRA', value: 'yes' }] }],
          },
        },
      },
    };
    const stdout = await env.kubectl.ok(['patch', 'deployment', name, '-p', JSON.stringify(patch)]);
    expect(stdout.trim()).toBe(`deployment.apps/${name} patched`);

    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    const containers = (stored.spec?.template as { spec: { containers: Container[] } }).spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]?.image).toBe('nginx:1.27');
    expect(containers[0]?.ports).toHaveLength(1);
    expect(containers[0]?.env?.map((entry) => entry.name).sort()).toEqual(['EXTRA', 'LOG_LEVEL', 'MODE']);
    expect(stored.metadata.generation).toBe(2);
  });

  it('a strategic patch with $patch: delete removes one list element by key', async () => {
    const name = uniqueName('web-delete-env');
    await createObject(env.server, resourcePath('apps/v1', 'deployments', 'default'), deployment({ name }));
    const patch = {
      spec: {
        template: { spec: { containers: [{ name: 'web', env: [{ name: 'MODE', $patch: 'delete' }] }] } },
      },
    };
    await env.kubectl.ok(['patch', 'deployment', name, '--type=strategic', '-p', JSON.stringify(patch)]);
    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    const containers = (stored.spec?.template as { spec: { containers: Container[] } }).spec.containers;
    expect(containers[0]?.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
    expect(containers[0]?.image).toBe('nginx:1.25');
  });

  it('a patch that changes nothing keeps the resourceVersion', async () => {
    const name = await newExternalSecret();
    const before = await readObject(env.server, esPath('default', name));
    const stdout = await env.kubectl.ok([
      'patch',
      'es',
      name,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { secretStoreRef: { name: 'azure-store' } } }),
    ]);
    expect(stdout.trim()).toMatch(/\(no change\)$|patched$/);
    const after = await readObject(env.server, esPath('default', name));
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata.generation).toBe(1);
  });
});
