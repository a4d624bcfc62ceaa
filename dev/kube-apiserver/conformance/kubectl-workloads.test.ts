import { describe, expect, it } from 'vitest';
import { eventually, uniqueName } from './eventually.ts';
import { ES_GROUP, deployment, esPath, externalSecret, readyCondition, toYaml } from './fixtures.ts';
import { createObject, listObjects, mergePatch, readObject, resourcePath } from './http-helper.ts';
import { describeFailure } from './kubectl-helper.ts';
import { useKubeEnvironment } from './test-env.ts';

const AZURE_AUDIENCE = 'api://AzureADTokenExchange';
/** kubectl gets --timeout=60s as scripts use it, but the simulated rollout must finish well within this. */
const ROLLOUT_DEADLINE_MS = 20_000;

/** Decodes the claims of a JWT without verifying it. */
function jwtClaims(token: string): Record<string, unknown> {
  const [, payload = ''] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('kubectl wait on a custom resource condition', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });

  it('times out while the condition is missing', async () => {
    const name = uniqueName('es-wait');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    const result = await env.kubectl.run(['wait', '--for=condition=Ready', `es/${name}`, '--timeout=1s']);
    expect(result.code).not.toBe(0);
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toMatch(/timed out waiting for the condition/);
  });

  it('returns as soon as the status subresource gains the condition', async () => {
    const name = uniqueName('es-wait');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    // -v=6 logs each request, so the test knows when kubectl is watching.
    const waiting = env.kubectl.start([
      'wait',
      '--for=condition=Ready',
      `es/${name}`,
      '--timeout=30s',
      '-v=6',
    ]);
    await waiting.waitForOutput(/watch=true/, { stream: 'stderr' });
    await mergePatch(env.server, esPath('default', name, 'status'), {
      status: { conditions: [readyCondition('True', 'SecretSynced', 1)] },
    });
    const result = await waiting.exited;
    expect(result.code, describeFailure(['wait'], result)).toBe(0);
    expect(result.stdout).toContain(`externalsecret.${ES_GROUP}/${name} condition met`);
  });

  it('--for=condition=Ready=False matches the condition status', async () => {
    const name = uniqueName('es-wait-false');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    await mergePatch(env.server, esPath('default', name, 'status'), {
      status: { conditions: [readyCondition('False', 'SecretSyncedError')] },
    });
    const stdout = await env.kubectl.ok([
      'wait',
      '--for=condition=Ready=False',
      `es/${name}`,
      '--timeout=10s',
    ]);
    expect(stdout).toContain('condition met');
  });

  it('a condition observed at an older generation does not count', async () => {
    const name = uniqueName('es-wait-gen');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    await mergePatch(env.server, esPath('default', name), { spec: { refreshInterval: '5m' } });
    await mergePatch(env.server, esPath('default', name, 'status'), {
      status: { conditions: [readyCondition('True', 'SecretSynced', 1)] },
    });
    const stale = await env.kubectl.run(['wait', '--for=condition=Ready', `es/${name}`, '--timeout=1s']);
    expect(stale.code).not.toBe(0);

    await mergePatch(env.server, esPath('default', name, 'status'), {
      status: { conditions: [readyCondition('True', 'SecretSynced', 2)] },
    });
    await env.kubectl.ok(['wait', '--for=condition=Ready', `es/${name}`, '--timeout=10s']);
  });

  it('--for=jsonpath matches a field value', async () => {
    const name = uniqueName('es-wait-jsonpath');
    await createObject(env.server, esPath('default'), externalSecret({ name, refreshInterval: '3m' }));
    await env.kubectl.ok([
      'wait',
      `--for=jsonpath={.spec.refreshInterval}=3m`,
      `es/${name}`,
      '--timeout=10s',
    ]);
  });

  it('--for=delete returns once the object is gone', async () => {
    const name = uniqueName('es-wait-delete');
    await createObject(env.server, esPath('default'), externalSecret({ name }));
    const waiting = env.kubectl.start(['wait', '--for=delete', `es/${name}`, '--timeout=30s', '-v=6']);
    await waiting.waitForOutput(/watch=true/, { stream: 'stderr' });
    await env.kubectl.ok(['delete', 'es', name]);
    const result = await waiting.exited;
    expect(result.code, describeFailure(['wait', '--for=delete'], result)).toBe(0);
  });
});

describe('kubectl rollout', () => {
  const env = useKubeEnvironment();

  it('rollout status completes for a new Deployment', async () => {
    const name = uniqueName('web-rollout');
    await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(deployment({ name })) });
    const stdout = await env.kubectl.ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], {
      timeoutMs: ROLLOUT_DEADLINE_MS,
    });
    expect(stdout).toContain(`deployment "${name}" successfully rolled out`);

    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    expect(stored.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'Available', status: 'True' }),
        expect.objectContaining({ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }),
      ]),
    });
    const pods = await listObjects(env.server, resourcePath('v1', 'pods', 'default'), `app=${name}`);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status).toMatchObject({
        phase: 'Running',
        conditions: expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'True' })]),
      });
      expect(pod.status?.startTime).toBeTruthy();
    }
  });

  it('rollout restart rolls the pods to a new ReplicaSet and rollout status completes', async () => {
    const name = uniqueName('web-restart');
    await createObject(env.server, resourcePath('apps/v1', 'deployments', 'default'), deployment({ name }));
    await env.kubectl.ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], {
      timeoutMs: ROLLOUT_DEADLINE_MS,
    });
    const before = await listObjects(env.server, resourcePath('v1', 'pods', 'default'), `app=${name}`);

    const restarted = await env.kubectl.ok(['rollout', 'restart', `deployment/${name}`]);
    expect(restarted.trim()).toBe(`deployment.apps/${name} restarted`);
    const stored = await readObject(env.server, resourcePath('apps/v1', 'deployments', 'default', name));
    expect(stored.metadata.generation).toBe(2);
    const template = stored.spec?.template as { metadata: { annotations?: Record<string, string> } };
    expect(template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(/^\d{4}-/);

    const status = await env.kubectl.ok(['rollout', 'status', `deployment/${name}`, '--timeout=60s'], {
      timeoutMs: ROLLOUT_DEADLINE_MS,
    });
    expect(status).toContain(`deployment "${name}" successfully rolled out`);

    await eventually(async () => {
      const after = await listObjects(env.server, resourcePath('v1', 'pods', 'default'), `app=${name}`);
      expect(after).toHaveLength(2);
      const oldNames = new Set(before.map((pod) => pod.metadata.name));
      expect(after.filter((pod) => oldNames.has(pod.metadata.name))).toEqual([]);
    });
    const sets = await listObjects(
      env.server,
      resourcePath('apps/v1', 'replicasets', 'default'),
      `app=${name}`,
    );
    expect(sets).toHaveLength(2);
    const history = await env.kubectl.ok(['rollout', 'history', `deployment/${name}`]);
    expect(history).toMatch(/^1\s/m);
    expect(history).toMatch(/^2\s/m);
  });

  it('rollout restart of a missing Deployment answers NotFound', async () => {
    const result = await env.kubectl.run(['rollout', 'restart', 'deployment/nope']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/NotFound.*deployments\.apps "nope" not found/);
  });
});

describe('kubectl create secret and create token', () => {
  const env = useKubeEnvironment();

  it('create secret generic --from-literal stores base64 data of type Opaque', async () => {
    const name = uniqueName('secret');
    const stdout = await env.kubectl.ok([
      'create',
      'secret',
      'generic',
      name,
      '--from-literal=a=b',
      '--from-literal=password=s3cr3t!',
    ]);
    expect(stdout.trim()).toBe(`secret/${name} created`);
    const encoded = await env.kubectl.ok(['get', 'secret', name, '-o', 'jsonpath={.data.a}']);
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe('b');
    const type = await env.kubectl.ok(['get', 'secret', name, '-o', 'jsonpath={.type}']);
    expect(type).toBe('Opaque');
    const describe = await env.kubectl.ok(['describe', 'secret', name]);
    expect(describe).toMatch(/^password:\s+7 bytes$/m);
  });

  it('create secret of an existing name answers AlreadyExists', async () => {
    const name = uniqueName('secret-dup');
    await env.kubectl.ok(['create', 'secret', 'generic', name, '--from-literal=a=b']);
    const result = await env.kubectl.run(['create', 'secret', 'generic', name, '--from-literal=a=c']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/already exists/);
  });

  it('create token for the default ServiceAccount returns a JWT for the audience', async () => {
    const stdout = await env.kubectl.ok(['create', 'token', 'default', `--audience=${AZURE_AUDIENCE}`]);
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
    const claims = jwtClaims(token);
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    expect(audiences).toContain(AZURE_AUDIENCE);
    expect(claims.sub).toBe('system:serviceaccount:default:default');
    expect(Number(claims.exp)).toBeGreaterThan(Date.now() / 1000);
  });

  it('create token for a new ServiceAccount honours --duration', async () => {
    const name = uniqueName('sa');
    await env.kubectl.ok(['create', 'serviceaccount', name]);
    const token = (
      await env.kubectl.ok(['create', 'token', name, `--audience=${AZURE_AUDIENCE}`, '--duration=1h'])
    ).trim();
    const claims = jwtClaims(token);
    expect(claims.sub).toBe(`system:serviceaccount:default:${name}`);
    const lifetimeSeconds = Number(claims.exp) - Number(claims.iat);
    expect(lifetimeSeconds).toBeGreaterThanOrEqual(3590);
    expect(lifetimeSeconds).toBeLessThanOrEqual(3610);
  });

  it('create token for a missing ServiceAccount answers NotFound', async () => {
    const result = await env.kubectl.run(['create', 'token', 'no-such-sa']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/NotFound|not found/);
  });
});
