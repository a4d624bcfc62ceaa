import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, expectOk, MERGE_PATCH } from '../conformance/http-helper.ts';
import { startKubeApiServer, type KubeApiServer } from '../index.ts';

const RBAC_V1 = 'rbac.authorization.k8s.io/v1';
const USER = 'system:serviceaccount:apps:reader';

describe('the record of authorization decisions', () => {
  let server: KubeApiServer;
  let token: string;
  const as = (path: string, options: Parameters<typeof apiRequest>[2] = {}) =>
    apiRequest({ url: server.url, caPem: server.caPem, token }, path, options);
  const admin = (path: string, body: object) =>
    apiRequest(server, path, { method: 'POST', body }).then((response) => expectOk(response));

  beforeAll(async () => {
    server = await startKubeApiServer({ port: 0, rbac: true, controllers: false });
    await admin('/api/v1/namespaces', { metadata: { name: 'apps' } });
    await admin('/api/v1/namespaces/apps/serviceaccounts', { metadata: { name: 'reader' } });
    await admin('/api/v1/namespaces/apps/configmaps', { metadata: { name: 'settings' }, data: { a: '1' } });
    await admin(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles`, {
      apiVersion: RBAC_V1,
      kind: 'Role',
      metadata: { name: 'reader' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'patch'] }],
    });
    await admin(`/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings`, {
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: { name: 'reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'apps' }],
    });
    token = server.tokenFor('apps', 'reader');
  });
  afterAll(() => server?.close());

  it("keeps each user's distinct decisions with their counts, allowed or not", async () => {
    const settings = '/api/v1/namespaces/apps/configmaps/settings';
    expect((await as(settings)).status).toBe(200);
    expect((await as(settings)).status).toBe(200);
    expect((await as('/api/v1/namespaces/apps/configmaps')).status).toBe(200);
    const patch = { method: 'PATCH', body: { data: { a: '2' } }, contentType: MERGE_PATCH };
    expect((await as(settings, patch)).status).toBe(200);
    expect((await as('/api/v1/namespaces/apps/secrets')).status).toBe(403);
    expect((await as('/api/v1/configmaps')).status).toBe(403);
    expect((await as('/version')).status).toBe(200);

    const resource = { kind: 'resource', username: USER, apiGroup: '', subresource: '' };
    expect(server.authorizations(USER)).toEqual([
      {
        ...resource,
        verb: 'get',
        resource: 'configmaps',
        namespace: 'apps',
        name: 'settings',
        allowed: true,
        count: 2,
      },
      {
        ...resource,
        verb: 'list',
        resource: 'configmaps',
        namespace: 'apps',
        name: '',
        allowed: true,
        count: 1,
      },
      {
        ...resource,
        verb: 'patch',
        resource: 'configmaps',
        namespace: 'apps',
        name: 'settings',
        allowed: true,
        count: 1,
      },
      {
        ...resource,
        verb: 'list',
        resource: 'secrets',
        namespace: 'apps',
        name: '',
        allowed: false,
        count: 1,
      },
      {
        ...resource,
        verb: 'list',
        resource: 'configmaps',
        namespace: '',
        name: '',
        allowed: false,
        count: 1,
      },
      { kind: 'non-resource', username: USER, verb: 'get', path: '/version', allowed: true, count: 1 },
    ]);
    // The administrator's requests are recorded under its own name, not the account's.
    expect(server.authorizations('kubernetes-admin').length).toBeGreaterThan(0);
    expect(server.authorizations().length).toBe(
      server.authorizations(USER).length + server.authorizations('kubernetes-admin').length,
    );
  });

  it('records subresources, and leaves the decisions of access reviews out', async () => {
    const before = server.authorizations(USER).length;
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'apps', verb: 'delete', resource: 'configmaps' } },
    };
    const asked = await as('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      body: review,
    });
    expect(expectOk<{ status: { allowed: boolean } }>(asked).status.allowed).toBe(false);
    expect(
      (await as('/api/v1/namespaces/apps/serviceaccounts/reader/token', { method: 'POST', body: {} })).status,
    ).toBe(403);
    const records = server.authorizations(USER).slice(before);
    expect(
      records.map((r) => (r.kind === 'resource' ? `${r.verb} ${r.resource}/${r.subresource}` : r.path)),
    ).toEqual(['create selfsubjectaccessreviews/', 'create serviceaccounts/token']);
    expect(records.some((r) => r.kind === 'resource' && r.verb === 'delete')).toBe(false);
  });
});
