import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../cluster.ts';
import type { KubeObject } from '../types.ts';
import type { ResourceAttributes } from './attributes.ts';
import type { Authorizer } from './authorizer.ts';
import { startRbac } from './start-rbac.ts';
import { ADMIN_USER, serviceAccountUser, type UserInfo } from './user.ts';

const RBAC = 'rbac.authorization.k8s.io';
const sa = serviceAccountUser('kvsync', 'kvsync', 'uid-1');
const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };

let cluster: Cluster;
let authorizer: Authorizer;
beforeEach(() => {
  cluster = createCluster({ controllers: false });
  authorizer = startRbac(cluster);
  for (const name of ['kvsync', 'apps', 'other'])
    cluster.client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
});
afterEach(() => cluster.close());

function role(
  kind: 'Role' | 'ClusterRole',
  name: string,
  namespace: string | undefined,
  rules: object[],
): void {
  const plural = kind === 'Role' ? 'roles' : 'clusterroles';
  cluster.client.create(`${RBAC}/${plural}`, {
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name, namespace },
    rules,
  });
}

function binding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  namespace: string | undefined,
  roleRef: { kind: string; name: string },
  subjects: object[],
): KubeObject {
  const plural = kind === 'RoleBinding' ? 'rolebindings' : 'clusterrolebindings';
  const object = {
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name, namespace },
    roleRef: { apiGroup: RBAC, ...roleRef },
    subjects,
  };
  return cluster.client.create(`${RBAC}/${plural}`, object);
}

const saSubject = { kind: 'ServiceAccount', name: 'kvsync', namespace: 'kvsync' };

function can(
  user: UserInfo,
  verb: string,
  resource: string,
  namespace: string,
  extra: Partial<ResourceAttributes> = {},
) {
  const [plural, subresource = ''] = resource.split('/');
  return authorizer.authorize({
    kind: 'resource',
    user,
    verb,
    apiGroup: '',
    namespace,
    resource: plural!,
    subresource,
    name: '',
    ...extra,
  });
}

const readSecrets = [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['secrets'] }];

describe('RbacAuthorizer', () => {
  it('grants a Role only in its namespace, through a RoleBinding there', () => {
    role('Role', 'secret-reader', 'apps', readSecrets);
    binding('RoleBinding', 'kvsync-reads', 'apps', { kind: 'Role', name: 'secret-reader' }, [saSubject]);
    expect(can(sa, 'list', 'secrets', 'apps')).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by RoleBinding "kvsync-reads/apps" of Role "secret-reader" to ServiceAccount "kvsync/kvsync"',
    });
    expect(can(sa, 'list', 'secrets', 'other').allowed).toBe(false);
    expect(can(sa, 'list', 'secrets', '').allowed).toBe(false);
    expect(can(sa, 'create', 'secrets', 'apps').allowed).toBe(false);
  });

  it('grants a ClusterRole bound by a RoleBinding only in the binding namespace', () => {
    role('ClusterRole', 'secret-reader', undefined, readSecrets);
    binding('RoleBinding', 'reads', 'apps', { kind: 'ClusterRole', name: 'secret-reader' }, [saSubject]);
    expect(can(sa, 'get', 'secrets', 'apps').allowed).toBe(true);
    expect(can(sa, 'get', 'secrets', 'other').allowed).toBe(false);
  });

  it('grants a ClusterRole bound by a ClusterRoleBinding in every namespace and cluster-wide', () => {
    role('ClusterRole', 'secret-reader', undefined, readSecrets);
    binding('ClusterRoleBinding', 'reads', undefined, { kind: 'ClusterRole', name: 'secret-reader' }, [
      saSubject,
    ]);
    expect(can(sa, 'watch', 'secrets', 'other').allowed).toBe(true);
    expect(can(sa, 'watch', 'secrets', '')).toEqual({
      allowed: true,
      reason:
        'RBAC: allowed by ClusterRoleBinding "reads" of ClusterRole "secret-reader" to ServiceAccount "kvsync/kvsync"',
    });
  });

  it('matches ServiceAccount subjects without a namespace in the binding namespace, and groups and users', () => {
    role('Role', 'reader', 'kvsync', readSecrets);
    binding('RoleBinding', 'local', 'kvsync', { kind: 'Role', name: 'reader' }, [
      { kind: 'ServiceAccount', name: 'kvsync' },
    ]);
    expect(can(sa, 'get', 'secrets', 'kvsync').allowed).toBe(true);

    role('Role', 'reader', 'apps', readSecrets);
    binding('RoleBinding', 'by-group', 'apps', { kind: 'Role', name: 'reader' }, [
      { kind: 'Group', name: 'system:serviceaccounts:kvsync' },
      { kind: 'User', name: 'alice' },
    ]);
    expect(can(sa, 'get', 'secrets', 'apps').allowed).toBe(true);
    expect(can(alice, 'get', 'secrets', 'apps').reason).toBe(
      'RBAC: allowed by RoleBinding "by-group/apps" of Role "reader" to User "alice"',
    );
    expect(can(serviceAccountUser('other', 'kvsync', 'u'), 'get', 'secrets', 'apps').allowed).toBe(false);
  });

  it('reports a binding to a missing role as the reason of a denial', () => {
    binding('RoleBinding', 'dangling', 'apps', { kind: 'Role', name: 'gone' }, [saSubject]);
    binding('ClusterRoleBinding', 'dangling', undefined, { kind: 'ClusterRole', name: 'gone' }, [saSubject]);
    expect(can(sa, 'get', 'secrets', 'apps')).toEqual({
      allowed: false,
      reason:
        'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "gone" not found]',
    });
    expect(can(alice, 'get', 'secrets', 'apps')).toEqual({ allowed: false, reason: '' });
  });

  it('lets system:masters do everything, even without the cluster-admin binding', () => {
    cluster.client.delete(`${RBAC}/clusterrolebindings`, undefined, 'cluster-admin');
    expect(can(ADMIN_USER, 'deletecollection', 'secrets', '')).toEqual({ allowed: true, reason: '' });
  });

  it('lets every authenticated user read discovery through the default bindings', () => {
    const discovery = (path: string) =>
      authorizer.authorize({ kind: 'non-resource', user: sa, verb: 'get', path });
    expect(discovery('/apis/apps/v1').allowed).toBe(true);
    expect(discovery('/openapi/v3').allowed).toBe(true);
    expect(discovery('/metrics').allowed).toBe(false);
    cluster.client.delete(`${RBAC}/clusterrolebindings`, undefined, 'system:discovery');
    expect(discovery('/apis/apps/v1').allowed).toBe(false);
    expect(discovery('/version').allowed).toBe(true);
  });

  it('lists the rules that apply in a namespace, and says when some could not be resolved', () => {
    role('Role', 'reader', 'apps', readSecrets);
    binding('RoleBinding', 'reads', 'apps', { kind: 'Role', name: 'reader' }, [saSubject]);
    binding('RoleBinding', 'dangling', 'apps', { kind: 'Role', name: 'gone' }, [saSubject]);
    const review = authorizer.rulesFor(sa, 'apps');
    expect(review.resourceRules).toContainEqual(readSecrets[0]);
    expect(review.nonResourceRules).toContainEqual(
      expect.objectContaining({
        nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'],
      }),
    );
    expect(review).toMatchObject({
      incomplete: true,
      evaluationError: 'role.rbac.authorization.k8s.io "gone" not found',
    });
    expect(authorizer.rulesFor(sa, 'other').resourceRules).not.toContainEqual(readSecrets[0]);
  });
});
