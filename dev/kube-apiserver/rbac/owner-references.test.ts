import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, expectOk, expectStatus } from '../conformance/http-helper.ts';
import { startKubeApiServer } from '../index.ts';

const RBAC = '/apis/rbac.authorization.k8s.io/v1/namespaces/apps';
const CONFIG_MAPS = '/api/v1/namespaces/apps/configmaps';
const USER = 'system:serviceaccount:apps:writer';

/** A server with an account `apps/writer` that may create and update ConfigMaps in `apps`, plus `extra` rules. */
async function serverWith(options: { enforce: boolean; extraRules?: object[] }) {
  const server = await startKubeApiServer({
    port: 0,
    rbac: true,
    controllers: false,
    ownerReferencesPermissionEnforcement: options.enforce,
  });
  const admin = (path: string, body: object) =>
    apiRequest(server, path, { method: 'POST', body }).then((response) => expectOk(response));
  await admin('/api/v1/namespaces', { metadata: { name: 'apps' } });
  await admin('/api/v1/namespaces/apps/serviceaccounts', { metadata: { name: 'writer' } });
  const parent = await admin(CONFIG_MAPS, { metadata: { name: 'parent' } });
  await admin(`${RBAC}/roles`, {
    metadata: { name: 'writer' },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'update'] },
      ...(options.extraRules ?? []),
    ],
  });
  await admin(`${RBAC}/rolebindings`, {
    metadata: { name: 'writer' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'writer' },
    subjects: [{ kind: 'ServiceAccount', name: 'writer', namespace: 'apps' }],
  });
  const token = server.tokenFor('apps', 'writer');
  const as = (method: string, path: string, body: object) =>
    apiRequest({ url: server.url, caPem: server.caPem, token }, path, { method, body });
  const child = (name: string, blockOwnerDeletion?: boolean) => ({
    metadata: {
      name,
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'parent',
          uid: parent.metadata.uid,
          ...(blockOwnerDeletion === undefined ? {} : { blockOwnerDeletion }),
        },
      ],
    },
  });
  return { server, as, child };
}

describe('OwnerReferencesPermissionEnforcement', () => {
  let enforcing: Awaited<ReturnType<typeof serverWith>>;
  let withFinalizers: Awaited<ReturnType<typeof serverWith>>;
  let lenient: Awaited<ReturnType<typeof serverWith>>;

  beforeAll(async () => {
    enforcing = await serverWith({ enforce: true });
    withFinalizers = await serverWith({
      enforce: true,
      extraRules: [
        {
          apiGroups: [''],
          resources: ['configmaps/finalizers'],
          verbs: ['update'],
          resourceNames: ['parent'],
        },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] },
      ],
    });
    lenient = await serverWith({ enforce: false });
  });
  afterAll(async () => {
    for (const env of [enforcing, withFinalizers, lenient]) await env?.server.close();
  });

  it("refuses blockOwnerDeletion without update on the owner's finalizers, and records the check", async () => {
    const status = expectStatus(
      await enforcing.as('POST', CONFIG_MAPS, enforcing.child('blocking', true)),
      403,
      'Forbidden',
    );
    expect(status.details).toMatchObject({ name: 'blocking', kind: 'configmaps' });
    expect(enforcing.server.authorizations(USER)).toContainEqual(
      expect.objectContaining({
        verb: 'update',
        resource: 'configmaps',
        subresource: 'finalizers',
        name: 'parent',
        namespace: 'apps',
        allowed: false,
      }),
    );
    // A reference that does not block needs nothing beyond create.
    expectOk(await enforcing.as('POST', CONFIG_MAPS, enforcing.child('plain', false)));
  });

  it('allows it with that right, and asks for delete when an update changes the references', async () => {
    expectOk(await withFinalizers.as('POST', CONFIG_MAPS, withFinalizers.child('blocking', true)));
    const plain = expectOk(await enforcing.as('POST', CONFIG_MAPS, { metadata: { name: 'orphan' } }));
    const adopted = {
      ...enforcing.child('orphan', false),
      metadata: {
        ...enforcing.child('orphan', false).metadata,
        resourceVersion: plain.metadata.resourceVersion,
      },
    };
    expectStatus(await enforcing.as('PUT', `${CONFIG_MAPS}/orphan`, adopted), 403, 'Forbidden');
    // An update that leaves the references alone is not checked.
    const relabelled = {
      metadata: { name: 'orphan', labels: { a: 'b' }, resourceVersion: plain.metadata.resourceVersion },
    };
    expectOk(await enforcing.as('PUT', `${CONFIG_MAPS}/orphan`, relabelled));
    const own = expectOk(await withFinalizers.as('POST', CONFIG_MAPS, { metadata: { name: 'orphan' } }));
    const adoptedHere = {
      ...withFinalizers.child('orphan', true),
      metadata: {
        ...withFinalizers.child('orphan', true).metadata,
        resourceVersion: own.metadata.resourceVersion,
      },
    };
    expectOk(await withFinalizers.as('PUT', `${CONFIG_MAPS}/orphan`, adoptedHere));
  });

  it('is off unless asked for', async () => {
    expectOk(await lenient.as('POST', CONFIG_MAPS, lenient.child('blocking', true)));
    expect(
      lenient.server
        .authorizations(USER)
        .some((r) => r.kind === 'resource' && r.subresource === 'finalizers'),
    ).toBe(false);
  });
});
