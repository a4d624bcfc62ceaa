import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ES_GROUP, ES_PLURAL, toYaml } from './fixtures.ts';
import { createKubectl, type Kubectl } from './kubectl-helper.ts';
import { APPS, rbacManifests, READABLE_SECRET, SA_NAME, SA_NAMESPACE, SA_USER } from './rbac-manifests.ts';
import { useKubeEnvironment } from './test-env.ts';

/** kubectl against the emulator with RBAC enforced: the admin kubeconfig and a ServiceAccount's. */
describe('kubectl with RBAC enforced', () => {
  const env = useKubeEnvironment({ rbac: true, externalSecretCrd: true });
  let asAccount: Kubectl;
  let firstApply: string;

  beforeAll(async () => {
    firstApply = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(...rbacManifests()) });
    await env.server.cluster.idle();
    asAccount = await createKubectl(await env.server.kubeconfigFor(SA_NAMESPACE, SA_NAME));
  });
  afterAll(() => asAccount?.close());

  /** kubectl auth can-i as the ServiceAccount: `yes` (exit 0) or `no` (exit 1) and any reason. */
  async function accountCan(...args: string[]): Promise<string> {
    const result = await asAccount.run(['auth', 'can-i', ...args]);
    expect([0, 1], result.stderr).toContain(result.code);
    return result.stdout.trim();
  }

  it('kubectl apply creates Roles, ClusterRoles and bindings; applying again changes nothing', async () => {
    expect(firstApply).toContain('clusterrole.rbac.authorization.k8s.io/kvsync-externalsecrets created');
    expect(firstApply).toContain(
      'clusterrolebinding.rbac.authorization.k8s.io/kvsync-externalsecrets created',
    );
    expect(firstApply).toContain('role.rbac.authorization.k8s.io/kvsync-secrets created');
    expect(firstApply).toContain('rolebinding.rbac.authorization.k8s.io/kvsync-view created');
    const again = await env.kubectl.ok(['apply', '-f', '-'], { stdin: toYaml(...rbacManifests()) });
    expect(again).toContain('rolebinding.rbac.authorization.k8s.io/kvsync-secrets unchanged');
    expect(again).not.toContain('configured');
  });

  it('kubectl get prints a binding with its role and, wide, its subjects', async () => {
    const wide = await env.kubectl.ok(['get', 'rolebindings', '-n', APPS, '-o', 'wide']);
    const [header, ...rows] = wide.trim().split('\n');
    expect(header!.split(/\s+/)).toEqual(['NAME', 'ROLE', 'AGE', 'USERS', 'GROUPS', 'SERVICEACCOUNTS']);
    expect(rows.find((row) => row.startsWith('kvsync-view '))).toMatch(
      /ClusterRole\/view\s+\S+\s+kvsync\/kvsync$/,
    );
    const roles = await env.kubectl.ok(['get', 'clusterroles', 'cluster-admin', 'view']);
    expect(roles.split('\n')[0]!.split(/\s{2,}/)).toEqual(['NAME', 'CREATED AT']);
  });

  it('a ServiceAccount is refused with exactly the message a real server gives', async () => {
    const get = await asAccount.run(['get', 'secret', 'x', '-n', 'default']);
    expect(get.code).toBe(1);
    expect(get.stderr).toBe(
      `Error from server (Forbidden): secrets "x" is forbidden: User "${SA_USER}" cannot get resource "secrets" in API group "" in the namespace "default"\n`,
    );
    const list = await asAccount.run(['get', 'secrets', '-n', APPS]);
    expect(list.stderr).toBe(
      `Error from server (Forbidden): secrets is forbidden: User "${SA_USER}" cannot list resource "secrets" in API group "" in the namespace "${APPS}"\n`,
    );
    const clusterWide = await asAccount.run(['get', 'configmaps', '-A']);
    expect(clusterWide.stderr).toContain(
      `configmaps is forbidden: User "${SA_USER}" cannot list resource "configmaps" in API group "" at the cluster scope`,
    );
  });

  it('a ServiceAccount does what its Roles, ClusterRoles and the bound view role allow', async () => {
    await env.kubectl.ok(['create', 'secret', 'generic', READABLE_SECRET, '-n', APPS, '--from-literal=k=v']);
    expect(await asAccount.ok(['get', 'secret', READABLE_SECRET, '-n', APPS, '-o', 'name'])).toBe(
      `secret/${READABLE_SECRET}\n`,
    );
    expect(await asAccount.ok(['get', 'configmaps', '-n', APPS])).toBe('');
    expect(await asAccount.ok(['get', `${ES_PLURAL}.${ES_GROUP}`, '-A'])).toBe('');
  });

  it('kubectl auth can-i follows verbs, namespaces, resourceNames and subresources', async () => {
    expect(await accountCan('get', `secrets/${READABLE_SECRET}`, '-n', APPS)).toBe('yes');
    expect(await accountCan('get', 'secrets/other', '-n', APPS)).toBe('no');
    expect(await accountCan('list', 'secrets', '-n', APPS)).toBe('no');
    expect(await accountCan('create', 'secrets', '-n', APPS)).toBe('yes');
    expect(await accountCan('create', 'secrets', '-n', 'default')).toBe('no');
    expect(await accountCan('watch', `${ES_PLURAL}.${ES_GROUP}`, '-A')).toBe('yes');
    expect(await accountCan('patch', `${ES_PLURAL}.${ES_GROUP}`, '--subresource=status', '-n', APPS)).toBe(
      'yes',
    );
    expect(await accountCan('patch', `${ES_PLURAL}.${ES_GROUP}`, '-n', APPS)).toBe('no');
    expect(await accountCan('create', 'serviceaccounts', '--subresource=token', '-n', SA_NAMESPACE)).toBe(
      'yes',
    );
    expect(await accountCan('create', 'serviceaccounts', '--subresource=token', '-n', APPS)).toBe('no');
    expect(await accountCan('get', '/apis')).toBe('yes');
    expect(await accountCan('get', '/metrics')).toBe('no');
  });

  it('kubectl auth can-i --list lists the rules in a namespace, resourceNames included', async () => {
    const list = await asAccount.ok(['auth', 'can-i', '--list', '-n', APPS]);
    expect(list.split('\n')[0]!.split(/\s{2,}/)).toEqual([
      'Resources',
      'Non-Resource URLs',
      'Resource Names',
      'Verbs',
    ]);
    expect(list).toMatch(/\nsecrets\s+\[\]\s+\[db\]\s+\[get update\]\n/);
    expect(list).toMatch(
      /\nexternalsecrets\.external-secrets\.io\/status\s+\[\]\s+\[\]\s+\[update patch\]\n/,
    );
  });

  it('kubectl auth whoami names the ServiceAccount and its groups', async () => {
    const whoami = await asAccount.ok(['auth', 'whoami', '-o', 'json']);
    const review = JSON.parse(whoami) as { status: { userInfo: { username: string; groups: string[] } } };
    expect(review.status.userInfo.username).toBe(SA_USER);
    expect(review.status.userInfo.groups).toEqual([
      'system:serviceaccounts',
      `system:serviceaccounts:${SA_NAMESPACE}`,
      'system:authenticated',
    ]);
  });

  it('the admin may do anything and impersonate; the ServiceAccount may not impersonate', async () => {
    expect(await env.kubectl.ok(['auth', 'can-i', '*', '*', '--all-namespaces'])).toBe('yes\n');
    const asSa = await env.kubectl.run(['auth', 'can-i', 'list', 'secrets', '-n', APPS, '--as', SA_USER]);
    expect(asSa.stdout).toBe('no\n');
    const forbidden = await env.kubectl.run(['get', 'secret', 'x', '-n', 'default', '--as', SA_USER]);
    expect(forbidden.stderr).toContain(
      `secrets "x" is forbidden: User "${SA_USER}" cannot get resource "secrets"`,
    );
    const impersonating = await asAccount.run(['get', 'pods', '-n', APPS, '--as', 'alice']);
    expect(impersonating.stderr).toBe(
      `Error from server (Forbidden): users "alice" is forbidden: User "${SA_USER}" cannot impersonate resource "users" in API group "" at the cluster scope\n`,
    );
  });

  it('a binding to a missing role denies with the RBAC reason', async () => {
    await env.kubectl.ok([
      'create',
      'rolebinding',
      'dangling',
      '-n',
      'default',
      '--role=missing',
      `--serviceaccount=${SA_NAMESPACE}:${SA_NAME}`,
    ]);
    expect(await accountCan('get', 'pods', '-n', 'default')).toBe(
      'no - RBAC: role.rbac.authorization.k8s.io "missing" not found',
    );
    const get = await asAccount.run(['get', 'pods', '-n', 'default']);
    expect(get.stderr).toContain(
      'in the namespace "default": RBAC: role.rbac.authorization.k8s.io "missing" not found',
    );
  });

  it('rejects a roleRef change and non-resource URLs in a Role, with upstream field errors', async () => {
    const moved = rbacManifests().find(
      (m) => (m as { metadata: { name: string } }).metadata.name === 'kvsync-view',
    )!;
    const edited = {
      ...moved,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    };
    const change = await env.kubectl.run(['apply', '-f', '-'], { stdin: toYaml(edited) });
    expect(change.code).toBe(1);
    expect(change.stderr).toContain(
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
    );
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'urls', namespace: 'default' },
      rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }],
    };
    const invalid = await env.kubectl.run(['apply', '-f', '-'], { stdin: toYaml(role) });
    expect(invalid.stderr).toContain(
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    );
  });

  it('a ServiceAccount reads discovery and the version through the default ClusterRoles', async () => {
    const resources = await asAccount.ok([
      'api-resources',
      '--api-group=rbac.authorization.k8s.io',
      '-o',
      'name',
    ]);
    expect(resources.split('\n').filter(Boolean).sort()).toEqual([
      'clusterrolebindings.rbac.authorization.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'roles.rbac.authorization.k8s.io',
    ]);
    expect(await asAccount.ok(['version'])).toMatch(/Server Version: v1\.32/);
  });
});
