import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  VersionApi,
  Watch,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { KubeStatusError } from '../errors.ts';
import { expectApiException, loadKubeConfig } from './client-node-helper.ts';
import { eventually, uniqueName } from './eventually.ts';
import { ES_GROUP, ES_PLURAL, externalSecret } from './fixtures.ts';
import { apiRequest, expectStatus } from './http-helper.ts';
import { APPS, rbacManifests, READABLE_SECRET, SA_NAME, SA_NAMESPACE, SA_USER } from './rbac-manifests.ts';
import { useKubeEnvironment } from './test-env.ts';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const WATCHER = 'watcher';
const WATCHER_USER = `system:serviceaccount:${SA_NAMESPACE}:${WATCHER}`;
const CHOSEN = 'chosen';

/** A Role in `apps` for the `watcher` account: list (not watch) ConfigMaps, delete them one by one, and list/watch one Secret by name. */
function watcherManifests(): KubernetesObject[] {
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: WATCHER, namespace: SA_NAMESPACE } },
    {
      apiVersion: RBAC_V1,
      kind: 'Role',
      metadata: { name: WATCHER, namespace: APPS },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'delete'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'], resourceNames: [CHOSEN] },
      ],
    } as KubernetesObject,
    {
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: { name: WATCHER, namespace: APPS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: WATCHER },
      subjects: [{ kind: 'ServiceAccount', name: WATCHER, namespace: SA_NAMESPACE }],
    } as KubernetesObject,
  ];
}

/** Starts a watch and resolves with the first event's type, or rejects with the HTTP error. */
function firstWatchEvent(
  kubeConfig: KubeConfig,
  path: string,
  query: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    void new Watch(kubeConfig)
      .watch(
        path,
        query,
        (type) => {
          resolve(type);
          controller?.abort();
        },
        (error: unknown) => (error ? reject(error as Error) : resolve('closed')),
      )
      .then((started) => (controller = started));
  });
}

describe('client-node with RBAC enforced', () => {
  const env = useKubeEnvironment({ rbac: true, externalSecretCrd: true });
  let admin: KubeConfig;
  let account: KubeConfig;
  let watcher: KubeConfig;

  beforeAll(async () => {
    admin = loadKubeConfig(env.server.kubeconfig);
    const objects = KubernetesObjectApi.makeApiClient(admin);
    for (const manifest of [...rbacManifests(), ...watcherManifests()])
      await objects.create(manifest as KubernetesObject);
    await env.server.cluster.idle();
    account = loadKubeConfig(await env.server.kubeconfigFor(SA_NAMESPACE, SA_NAME));
    watcher = loadKubeConfig(await env.server.kubeconfigFor(SA_NAMESPACE, WATCHER));
  });

  it('authorizes list and watch separately', async () => {
    const core = watcher.makeApiClient(CoreV1Api);
    await expect(core.listNamespacedConfigMap({ namespace: APPS })).resolves.toMatchObject({ items: [] });
    const error = await firstWatchEvent(watcher, `/api/v1/namespaces/${APPS}/configmaps`).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 403 });
    const raw = await apiRequest(env.server, `/api/v1/namespaces/${APPS}/configmaps?watch=true`, {
      token: env.server.tokenFor(SA_NAMESPACE, WATCHER),
    });
    expect(expectStatus(raw, 403, 'Forbidden').message).toBe(
      `configmaps is forbidden: User "${WATCHER_USER}" cannot watch resource "configmaps" in API group "" in the namespace "${APPS}"`,
    );
  });

  it('resourceNames allow the named object only, and a list or watch narrowed to it by metadata.name', async () => {
    const core = account.makeApiClient(CoreV1Api);
    const adminCore = admin.makeApiClient(CoreV1Api);
    await adminCore.createNamespacedSecret({
      namespace: APPS,
      body: { metadata: { name: READABLE_SECRET } },
    });
    await adminCore.createNamespacedSecret({ namespace: APPS, body: { metadata: { name: 'other' } } });
    await expect(
      core.readNamespacedSecret({ namespace: APPS, name: READABLE_SECRET }),
    ).resolves.toMatchObject({
      metadata: { name: READABLE_SECRET },
    });
    const other = await expectApiException(
      core.readNamespacedSecret({ namespace: APPS, name: 'other' }),
      403,
      'Forbidden',
    );
    expect(other).toMatchObject({
      message: `secrets "other" is forbidden: User "${SA_USER}" cannot get resource "secrets" in API group "" in the namespace "${APPS}"`,
      details: { name: 'other', kind: 'secrets' },
    });

    const watcherCore = watcher.makeApiClient(CoreV1Api);
    await expectApiException(watcherCore.listNamespacedSecret({ namespace: APPS }), 403, 'Forbidden');
    const fieldSelector = `metadata.name=${CHOSEN}`;
    await expect(watcherCore.listNamespacedSecret({ namespace: APPS, fieldSelector })).resolves.toMatchObject(
      { items: [] },
    );
    const event = firstWatchEvent(watcher, `/api/v1/namespaces/${APPS}/secrets`, { fieldSelector });
    await adminCore.createNamespacedSecret({ namespace: APPS, body: { metadata: { name: CHOSEN } } });
    await expect(event).resolves.toBe('ADDED');
  });

  it('the status subresource is authorized apart from its resource', async () => {
    const name = uniqueName('es');
    const coordinates = { group: ES_GROUP, version: 'v1', namespace: APPS, plural: ES_PLURAL, name };
    await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...coordinates,
      body: externalSecret({ name, namespace: APPS }),
    });
    const custom = account.makeApiClient(CustomObjectsApi);
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const status = { status: { refreshTime: '2026-01-01T00:00:00Z' } };
    await expect(
      custom.patchNamespacedCustomObjectStatus({ ...coordinates, body: status }, mergePatch),
    ).resolves.toMatchObject(status);
    const denied = await expectApiException(
      custom.patchNamespacedCustomObject(
        { ...coordinates, body: { spec: { refreshInterval: '1m' } } },
        mergePatch,
      ),
      403,
      'Forbidden',
    );
    expect(denied.message).toBe(
      `${ES_PLURAL}.${ES_GROUP} "${name}" is forbidden: User "${SA_USER}" cannot patch resource "${ES_PLURAL}" in API group "${ES_GROUP}" in the namespace "${APPS}"`,
    );
    expect(denied.details).toEqual({ name, group: ES_GROUP, kind: ES_PLURAL });
  });

  it('serviceaccounts/token is granted per namespace, and the token it issues authenticates', async () => {
    const core = account.makeApiClient(CoreV1Api);
    const request = { body: { spec: { audiences: [] } } };
    const issued = await core.createNamespacedServiceAccountToken({
      ...request,
      namespace: SA_NAMESPACE,
      name: 'default',
    });
    const review = await apiRequest<{ status: { userInfo: { username: string } } }>(
      env.server,
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      {
        method: 'POST',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        token: issued.status!.token,
      },
    );
    expect(review.json.status.userInfo.username).toBe(`system:serviceaccount:${SA_NAMESPACE}:default`);
    const denied = await expectApiException(
      core.createNamespacedServiceAccountToken({ ...request, namespace: APPS, name: 'default' }),
      403,
      'Forbidden',
    );
    expect(denied.message).toBe(
      `serviceaccounts "default" is forbidden: User "${SA_USER}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "${APPS}"`,
    );
  });

  it('deletecollection is a verb of its own', async () => {
    const core = watcher.makeApiClient(CoreV1Api);
    await admin
      .makeApiClient(CoreV1Api)
      .createNamespacedConfigMap({ namespace: APPS, body: { metadata: { name: 'gone' } } });
    await core.deleteNamespacedConfigMap({ namespace: APPS, name: 'gone' });
    const denied = await expectApiException(
      core.deleteCollectionNamespacedConfigMap({ namespace: APPS }),
      403,
      'Forbidden',
    );
    expect(denied.message).toContain(
      `cannot deletecollection resource "configmaps" in API group "" in the namespace "${APPS}"`,
    );
  });

  it('non-resource URLs follow the default system:discovery binding, and a change applies to the next request', async () => {
    const token = env.server.tokenFor(SA_NAMESPACE, SA_NAME);
    await expect(account.makeApiClient(VersionApi).getCode()).resolves.toMatchObject({ major: '1' });
    for (const path of ['/api', '/apis', '/apis/apps/v1', '/openapi/v3'])
      expect((await apiRequest(env.server, path, { token })).status, path).toBe(200);

    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    const binding = await rbac.readClusterRoleBinding({ name: 'system:discovery' });
    await rbac.deleteClusterRoleBinding({ name: 'system:discovery' });
    const denied = expectStatus(await apiRequest(env.server, '/apis', { token }), 403, 'Forbidden');
    expect(denied.message).toBe(`forbidden: User "${SA_USER}" cannot get path "/apis"`);
    expect(denied.details).toEqual({});
    expect((await apiRequest(env.server, '/version', { token })).status).toBe(200);

    const { name, labels, annotations } = binding.metadata!;
    await rbac.createClusterRoleBinding({ body: { ...binding, metadata: { name, labels, annotations } } });
    expect((await apiRequest(env.server, '/apis', { token })).status).toBe(200);
  });

  it('answers SelfSubjectAccessReviews with the binding that allowed them', async () => {
    const reviews = account.makeApiClient(AuthorizationV1Api);
    const allowed = await reviews.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'watch', group: ES_GROUP, resource: ES_PLURAL } } },
    });
    expect(allowed.status).toEqual({
      allowed: true,
      reason: `RBAC: allowed by ClusterRoleBinding "kvsync-externalsecrets" of ClusterRole "kvsync-externalsecrets" to ServiceAccount "${SA_NAME}/${SA_NAMESPACE}"`,
    });
    const denied = await reviews.createSelfSubjectAccessReview({
      body: {
        spec: {
          resourceAttributes: { verb: 'delete', resource: 'secrets', namespace: APPS, name: READABLE_SECRET },
        },
      },
    });
    expect(denied.status).toEqual({ allowed: false });
    const who = await account.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(who.status?.userInfo?.username).toBe(SA_USER);
  });

  it('deleting a ServiceAccount revokes its tokens; tokenFor refuses a missing account', async () => {
    const name = uniqueName('temp');
    const core = admin.makeApiClient(CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: SA_NAMESPACE, body: { metadata: { name } } });
    const token = env.server.tokenFor(SA_NAMESPACE, name);
    expect((await apiRequest(env.server, '/apis', { token })).status).toBe(200);
    await core.deleteNamespacedServiceAccount({ namespace: SA_NAMESPACE, name });
    expectStatus(await apiRequest(env.server, '/apis', { token }), 401, 'Unauthorized');
    expect(() => env.server.tokenFor(SA_NAMESPACE, name)).toThrow(KubeStatusError);
  });

  it('anonymous requests reach health and version, not the issuer keys or the API', async () => {
    expect((await apiRequest(env.server, '/version', { token: null })).status).toBe(200);
    expect((await apiRequest(env.server, '/healthz', { token: null })).status).toBe(200);
    const keys = expectStatus(
      await apiRequest(env.server, '/openid/v1/jwks', { token: null }),
      403,
      'Forbidden',
    );
    expect(keys.message).toBe('forbidden: User "system:anonymous" cannot get path "/openid/v1/jwks"');
    expectStatus(await apiRequest(env.server, '/api', { token: null }), 401, 'Unauthorized');
  });

  it('the aggregated view role carries the rules of system:aggregate-to-view', async () => {
    await eventually(async () => {
      const view = await admin.makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name: 'view' });
      expect(view.rules).toContainEqual(
        expect.objectContaining({ resources: ['namespaces'], verbs: ['get', 'list', 'watch'] }),
      );
    });
  });
});

describe('client-node with RBAC off (the default)', () => {
  const env = useKubeEnvironment();

  it('a ServiceAccount token may do everything, and RBAC objects are still served', async () => {
    const admin = loadKubeConfig(env.server.kubeconfig);
    await admin
      .makeApiClient(CoreV1Api)
      .createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'any' } } });
    const account = loadKubeConfig(await env.server.kubeconfigFor('default', 'any'));
    await expect(account.makeApiClient(CoreV1Api).listSecretForAllNamespaces()).resolves.toMatchObject({
      items: [],
    });
    const role = await account.makeApiClient(RbacAuthorizationV1Api).createClusterRole({
      body: {
        metadata: { name: 'nothing' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
      },
    });
    expect(role.metadata?.name).toBe('nothing');
    const review = await account.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'delete', resource: 'nodes' } } },
    });
    expect(review.status?.allowed).toBe(true);
  });
});
