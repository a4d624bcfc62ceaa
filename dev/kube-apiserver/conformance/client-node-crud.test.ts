import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1Secret,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectApiException, loadKubeConfig } from './client-node-helper.ts';
import { uniqueName } from './eventually.ts';
import { ES_GROUP, ES_PLURAL, externalSecret, readyCondition } from './fixtures.ts';
import { useKubeEnvironment } from './test-env.ts';

interface ExternalSecretObject extends KubernetesObject {
  spec?: {
    refreshInterval?: string;
    secretStoreRef?: { name: string; kind?: string };
    target?: { name?: string };
  };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
}

describe('client-node CoreV1Api secrets', () => {
  const env = useKubeEnvironment();
  let core: CoreV1Api;
  const namespace = 'default';

  beforeAll(() => {
    core = loadKubeConfig(env.server.kubeconfig).makeApiClient(CoreV1Api);
  });

  it('creates with stringData, reads base64 data, replaces, lists by selector and deletes', async () => {
    const name = uniqueName('secret');
    const created = await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name, labels: { app: name } }, stringData: { password: 'hunter2' } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.type).toBe('Opaque');
    expect(created.stringData).toBeUndefined();
    expect(Buffer.from(created.data?.password ?? '', 'base64').toString()).toBe('hunter2');

    const read = await core.readNamespacedSecret({ name, namespace });
    expect(read.data).toEqual(created.data);
    expect(read.kind).toBe('Secret');
    expect(read.apiVersion).toBe('v1');

    const replacement: V1Secret = {
      ...read,
      data: { password: Buffer.from('correct horse').toString('base64') },
    };
    const replaced = await core.replaceNamespacedSecret({ name, namespace, body: replacement });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );

    const byLabel = await core.listNamespacedSecret({ namespace, labelSelector: `app=${name}` });
    expect(byLabel.items.map((item) => item.metadata?.name)).toEqual([name]);
    expect(byLabel.metadata?.resourceVersion).toMatch(/^\d+$/);
    const byType = await core.listNamespacedSecret({ namespace, fieldSelector: 'type=Opaque' });
    expect(byType.items.map((item) => item.metadata?.name)).toContain(name);
    const otherType = await core.listNamespacedSecret({ namespace, fieldSelector: 'type=kubernetes.io/tls' });
    expect(otherType.items.map((item) => item.metadata?.name)).not.toContain(name);

    await core.deleteNamespacedSecret({ name, namespace });
    const status = await expectApiException(core.readNamespacedSecret({ name, namespace }), 404, 'NotFound');
    expect(status.message).toBe(`secrets "${name}" not found`);
    expect(status.details).toMatchObject({ name, kind: 'secrets' });
  });

  it('creating an existing name answers 409 AlreadyExists', async () => {
    const name = uniqueName('secret-dup');
    await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { a: 'b' } } });
    const status = await expectApiException(
      core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { a: 'c' } } }),
      409,
      'AlreadyExists',
    );
    expect(status.message).toBe(`secrets "${name}" already exists`);
  });

  it('generated patch methods default to JSON patch', async () => {
    const name = uniqueName('secret-jsonpatch');
    await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: { a: 'b' } } });
    const patched = await core.patchNamespacedSecret({
      name,
      namespace,
      body: [{ op: 'add', path: '/metadata/labels', value: { patched: 'yes' } }],
    });
    expect(patched.metadata?.labels).toEqual({ patched: 'yes' });

    // A merge-style object sent as the default JSON patch is not a list of operations: 400.
    await expectApiException(
      core.patchNamespacedSecret({ name, namespace, body: { metadata: { labels: { other: 'x' } } } }),
      400,
      'BadRequest',
    );
    const merged = await core.patchNamespacedSecret(
      { name, namespace, body: { metadata: { labels: { other: 'x' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ patched: 'yes', other: 'x' });
  });

  it('replace with a stale resourceVersion answers 409 Conflict', async () => {
    const name = uniqueName('secret-stale');
    const created = await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name }, stringData: { a: '1' } },
    });
    await core.replaceNamespacedSecret({ name, namespace, body: { ...created, stringData: { a: '2' } } });
    const status = await expectApiException(
      core.replaceNamespacedSecret({ name, namespace, body: { ...created, stringData: { a: '3' } } }),
      409,
      'Conflict',
    );
    expect(status.message).toContain('the object has been modified');
    expect(status.details).toMatchObject({ name, kind: 'secrets' });
  });
});

describe('client-node KubernetesObjectApi and CustomObjectsApi on a custom resource', () => {
  const env = useKubeEnvironment({ externalSecretCrd: true });
  let objects: KubernetesObjectApi;
  let custom: CustomObjectsApi;
  const namespace = 'default';
  const crCoordinates = { group: ES_GROUP, version: 'v1', namespace, plural: ES_PLURAL };

  beforeAll(() => {
    const kubeConfig = loadKubeConfig(env.server.kubeconfig);
    objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    custom = kubeConfig.makeApiClient(CustomObjectsApi);
  });

  it('create, read, replace and delete through KubernetesObjectApi', async () => {
    const name = uniqueName('es-object');
    const created = await objects.create<ExternalSecretObject>(externalSecret({ name }));
    expect(created.apiVersion).toBe(`${ES_GROUP}/v1`);
    expect(created.kind).toBe('ExternalSecret');
    expect(created.spec?.refreshInterval).toBe('1h0m0s');

    const read = await objects.read<ExternalSecretObject>({
      apiVersion: `${ES_GROUP}/v1`,
      kind: 'ExternalSecret',
      metadata: { name, namespace },
    });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);

    const replaced = await objects.replace<ExternalSecretObject>({
      ...read,
      spec: { ...read.spec, refreshInterval: '20m' },
    });
    expect(replaced.spec?.refreshInterval).toBe('20m');
    expect(replaced.metadata?.generation).toBe(2);

    const list = await objects.list<ExternalSecretObject>(`${ES_GROUP}/v1`, 'ExternalSecret', namespace);
    expect(list.items.map((item) => item.metadata?.name)).toContain(name);
    expect(list.items.every((item) => item.kind === 'ExternalSecret')).toBe(true);

    await objects.delete({
      apiVersion: `${ES_GROUP}/v1`,
      kind: 'ExternalSecret',
      metadata: { name, namespace },
    });
    await expectApiException(
      objects.read({ apiVersion: `${ES_GROUP}/v1`, kind: 'ExternalSecret', metadata: { name, namespace } }),
      404,
      'NotFound',
    );
  });

  it('KubernetesObjectApi.patch defaults to strategic merge, which a CR rejects with 415', async () => {
    const name = uniqueName('es-smp');
    await objects.create(externalSecret({ name }));
    const patch = {
      apiVersion: `${ES_GROUP}/v1`,
      kind: 'ExternalSecret',
      metadata: { name, namespace },
      spec: { refreshInterval: '9m' },
    };
    const status = await expectApiException(objects.patch(patch), 415, 'UnsupportedMediaType');
    expect(status.message).toContain('application/merge-patch+json');

    const merged = await objects.patch<ExternalSecretObject>(
      patch,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(merged.spec?.refreshInterval).toBe('9m');
    expect(merged.spec?.secretStoreRef?.name).toBe('azure-store');
  });

  it('replace of a CR without a resourceVersion is rejected with 422', async () => {
    const name = uniqueName('es-norv');
    const created = await objects.create<ExternalSecretObject>(externalSecret({ name }));
    const withoutVersion = { ...created, metadata: { ...created.metadata, resourceVersion: undefined } };
    await expectApiException(objects.replace(withoutVersion), 422, 'Invalid');
  });

  it('CustomObjectsApi merge patch with the right content type, and status patch', async () => {
    const name = uniqueName('es-custom');
    await custom.createNamespacedCustomObject({ ...crCoordinates, body: externalSecret({ name }) });
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

    const patched = (await custom.patchNamespacedCustomObject(
      { ...crCoordinates, name, body: { spec: { refreshInterval: '2m' } } },
      mergePatch,
    )) as ExternalSecretObject;
    expect(patched.spec?.refreshInterval).toBe('2m');

    const withStatus = (await custom.patchNamespacedCustomObjectStatus(
      { ...crCoordinates, name, body: { status: { conditions: [readyCondition('True', 'SecretSynced')] } } },
      mergePatch,
    )) as ExternalSecretObject;
    expect(withStatus.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(withStatus.metadata?.generation).toBe(2);

    const read = (await custom.getNamespacedCustomObject({ ...crCoordinates, name })) as ExternalSecretObject;
    expect(read.status?.conditions?.[0]?.reason).toBe('SecretSynced');
  });

  it('CustomObjectsApi patch methods default to JSON patch', async () => {
    const name = uniqueName('es-custom-json');
    await custom.createNamespacedCustomObject({ ...crCoordinates, body: externalSecret({ name }) });
    const patched = (await custom.patchNamespacedCustomObject({
      ...crCoordinates,
      name,
      body: [{ op: 'replace', path: '/spec/refreshInterval', value: '4m' }],
    })) as ExternalSecretObject;
    expect(patched.spec?.refreshInterval).toBe('4m');
  });

  it('server-side apply through CustomObjectsApi creates the object', async () => {
    const name = uniqueName('es-apply');
    const applied = (await custom.patchNamespacedCustomObject(
      {
        ...crCoordinates,
        name,
        body: externalSecret({ name, refreshInterval: '8m' }),
        fieldManager: 'kvsync',
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    )) as ExternalSecretObject;
    expect(applied.metadata?.uid).toBeTruthy();
    expect(applied.spec?.refreshInterval).toBe('8m');
  });

  it('unknown fields are pruned and a stale replace gets 409 Conflict', async () => {
    const name = uniqueName('es-prune');
    const body = externalSecret({ name });
    const created = (await custom.createNamespacedCustomObject({
      ...crCoordinates,
      body: { ...body, spec: { ...body.spec, unknownField: 'dropped' } },
    })) as ExternalSecretObject & { spec: Record<string, unknown> };
    expect(created.spec.unknownField).toBeUndefined();

    await custom.replaceNamespacedCustomObject({
      ...crCoordinates,
      name,
      body: { ...created, spec: { ...created.spec, refreshInterval: '1m' } },
    });
    const status = await expectApiException(
      custom.replaceNamespacedCustomObject({
        ...crCoordinates,
        name,
        body: { ...created, spec: { ...created.spec, refreshInterval: '2m' } },
      }),
      409,
      'Conflict',
    );
    expect(status.message).toBe(
      `Operation cannot be fulfilled on ${ES_PLURAL}.${ES_GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
    expect(status.details).toMatchObject({ name, group: ES_GROUP, kind: ES_PLURAL });
  });
});
