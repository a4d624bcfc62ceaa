import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApiServer, type KubeApiServer } from '../../../dev/kube-apiserver/index.ts';
import { isKvsyncError } from '../../../src/errors.ts';
import { createKubeClient, isNotFound, KubeApiError, type KubeClient } from '../../../src/kube/client.ts';

interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
  };
  data?: Record<string, string>;
  type?: string;
}

const secretRef = (name: string, namespace = 'default') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  namespace,
  name,
});
const newSecret = (name: string, labels: Record<string, string> = {}): Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'default', labels },
  data: { password: Buffer.from('hunter2').toString('base64') },
});

/** The rejection of `call`, asserted to be a KubeApiError. */
async function apiError(call: Promise<unknown>): Promise<KubeApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeApiError);
  expect(isKvsyncError(error, 'ERR_KUBE_API')).toBe(true);
  return error as KubeApiError;
}

describe('KubeClient against the API emulator', () => {
  let server: KubeApiServer;
  let kube: KubeClient;

  beforeAll(async () => {
    server = await startKubeApiServer({ port: 0, controllers: false });
    kube = createKubeClient({ kubeconfigPath: server.kubeconfig });
  });
  afterAll(() => server?.close());

  it('creates, reads, lists by label, replaces and deletes a Secret', async () => {
    const created = await kube.create(newSecret('crud', { app: 'a' }));
    expect(created.metadata.uid).toBeTruthy();
    await kube.create(newSecret('other', { app: 'b' }));

    const read = await kube.get<Secret>(secretRef('crud'));
    expect(read).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'crud' } });

    const listed = await kube.list<Secret>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'default',
      labelSelector: 'app=a',
    });
    expect(listed.map((s) => [s.kind, s.metadata.name])).toEqual([['Secret', 'crud']]);

    const replaced = await kube.replace<Secret>({
      ...read!,
      data: { password: Buffer.from('x').toString('base64') },
    });
    expect(replaced.metadata.resourceVersion).not.toBe(read!.metadata.resourceVersion);

    expect(await kube.delete(secretRef('crud'), { propagationPolicy: 'Background' })).toBe(true);
    expect(await kube.get(secretRef('crud'))).toBeUndefined();
    expect(await kube.delete(secretRef('crud'))).toBe(false);
  });

  it('maps 409s to Conflict and AlreadyExists, without bodies in messages', async () => {
    const created = await kube.create(newSecret('conflict'));
    const duplicate = await apiError(kube.create(newSecret('conflict')));
    expect([duplicate.status, duplicate.reason]).toEqual([409, 'AlreadyExists']);
    expect(duplicate.message).toContain('create Secret default/conflict');

    await kube.mergePatch(secretRef('conflict'), { metadata: { labels: { touched: 'yes' } } });
    const stale = await apiError(kube.replace(created));
    expect([stale.status, stale.reason]).toEqual([409, 'Conflict']);
    expect(stale.message).toContain('update Secret default/conflict');
    expect(stale.message).not.toContain(Buffer.from('hunter2').toString('base64'));
  });

  it('maps 404s: get → undefined, patch → NotFound error, unknown kind → error', async () => {
    expect(await kube.get(secretRef('missing'))).toBeUndefined();
    const patch = await apiError(kube.mergePatch(secretRef('missing'), { metadata: { labels: { a: 'b' } } }));
    expect(isNotFound(patch)).toBe(true);
    const unknown = await apiError(kube.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }));
    expect(unknown.status).toBe(404);
  });

  it('merge-patches objects (maps merge, null deletes) and patches the status subresource', async () => {
    await kube.create(newSecret('patched', { keep: '1', drop: '1' }));
    const patched = await kube.mergePatch<Secret>(secretRef('patched'), {
      metadata: { labels: { drop: null, added: '1' } },
    });
    expect(patched.metadata.labels).toEqual({ keep: '1', added: '1' });

    const deploymentRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'web' };
    await kube.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
        },
      },
    });
    const withStatus = await kube.patchStatus<{ status?: { observedGeneration?: number }; spec: object }>(
      deploymentRef,
      { status: { observedGeneration: 7 }, spec: { replicas: 9 } },
    );
    expect(withStatus.status?.observedGeneration).toBe(7);
    expect(withStatus.spec).not.toMatchObject({ replicas: 9 }); // /status ignores spec
  });

  it('deletes with a uid precondition only when the uid matches', async () => {
    const created = await kube.create<Secret>(newSecret('guarded'));
    const wrong = await apiError(kube.delete(secretRef('guarded'), { uid: 'not-the-uid' }));
    expect(wrong.reason).toBe('Conflict');
    expect(await kube.delete(secretRef('guarded'), { uid: created.metadata.uid! })).toBe(true);
  });

  it('discovers kinds it does not know and accepts registered ones', async () => {
    await kube.create({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w1', namespace: 'default' },
      size: 3,
    };
    await expect
      .poll(
        () =>
          kube.create(widget).then(
            () => true,
            () => false,
          ),
        { timeout: 5000 },
      )
      .toBe(true);
    const fresh = createKubeClient({ kubeconfigPath: server.kubeconfig });
    fresh.registerKind({ apiVersion: 'example.com/v1', kind: 'Widget', plural: 'widgets', namespaced: true });
    expect(
      await fresh.get({ apiVersion: 'example.com/v1', kind: 'Widget', namespace: 'default', name: 'w1' }),
    ).toMatchObject({
      size: 3,
    });
  });

  it('requests ServiceAccount tokens for an audience', async () => {
    await kube.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'reader', namespace: 'default' },
    });
    const token = await kube.createServiceAccountToken('default', 'reader', {
      audiences: ['api://AzureADTokenExchange'],
      expirationSeconds: 3600,
    });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      aud: string[];
      sub: string;
    };
    expect(claims.aud).toEqual(['api://AzureADTokenExchange']);
    expect(claims.sub).toBe('system:serviceaccount:default:reader');
    const missing = await apiError(kube.createServiceAccountToken('default', 'nobody', { audiences: ['x'] }));
    expect(missing.status).toBe(404);
  });

  it('refuses a namespaced object without a namespace before sending it', async () => {
    const error = await kube.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKvsyncError(error, 'ERR_INVALID_RESOURCE')).toBe(true);
  });

  it('reports an unreachable server as a Transport error', async () => {
    const closed = await startKubeApiServer({ port: 0, controllers: false });
    const client = createKubeClient({ kubeconfigPath: closed.kubeconfig });
    await closed.close();
    const error = await apiError(client.get(secretRef('x')));
    expect([error.status, error.reason]).toEqual([0, 'Transport']);
    expect(error.message).toContain('ECONNREFUSED');
  });
});
