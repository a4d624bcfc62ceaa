import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AuthorizationRecord, KubeApiServer } from '../../dev/kube-apiserver/index.ts';
import type { DevKeyVault } from '../../dev/keyvault/dev-emulator.ts';
import { parseOperatorConfig } from '../../src/config/index.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { startKvsync, type Kvsync } from '../../src/main.ts';

/**
 * Helpers of the RBAC suites: `deploy/` applied with kubectl to the RBAC-enforcing emulator,
 * the operator run in-process with its ServiceAccount's token, and the comparison of what the
 * applied Roles grant that account with what the emulator recorded it using.
 */

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');
export const OPERATOR_NAMESPACE = 'kvsync-system';
export const OPERATOR_ACCOUNT = 'kvsync';
export const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:${OPERATOR_ACCOUNT}`;
const RBAC_API = 'rbac.authorization.k8s.io/v1';

export function kubectlOf(cluster: KubeApiServer) {
  return async (args: string[], input?: string): Promise<string> => {
    const child = run('kubectl', ['--kubeconfig', cluster.kubeconfig, ...args], { maxBuffer: 16 << 20 });
    if (input !== undefined) child.child.stdin!.end(input);
    return (await child).stdout;
  };
}

/** Polls `probe` until it gives a value; fails naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A kustomization in a new temporary directory: `resources` and `components` are paths under
 * deploy/kustomize, `patches` inline JSON patches of the Deployment. Resolves with the directory
 * (the caller removes it).
 */
export async function kustomization(options: {
  resources: string[];
  components?: string[];
  deploymentArgs?: string[];
}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kvsync-kustomize-'));
  const at = (path: string) => relative(dir, join(ROOT, 'deploy/kustomize', path));
  const patches = (options.deploymentArgs ?? []).map((arg) => ({
    target: { kind: 'Deployment', name: 'kvsync' },
    patch: JSON.stringify([{ op: 'add', path: '/spec/template/spec/containers/0/args/-', value: arg }]),
  }));
  const body = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: options.resources.map(at),
    components: (options.components ?? []).map(at),
    patches,
  };
  await writeFile(join(dir, 'kustomization.yaml'), JSON.stringify(body));
  return dir;
}

export async function removeDirectory(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/**
 * Resolves like `promise`, or rejects naming `what` after `timeoutMs` (a start that never
 * finishes, e.g. an informer refused its list forever, then fails the test instead of its hook).
 */
export async function within<T>(what: string, timeoutMs: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The SDK's client of the emulator's `our-vault`, with the managed identity the operator's pod
 * would have, after writing the incident's first password.
 */
export async function incidentVault(vault: DevKeyVault): Promise<SecretClient> {
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = vault.imdsEndpoint;
  const secrets = new SecretClient(vault.vaults['our-vault']!, new ManagedIdentityCredential(), {
    agent: new Agent({ ca: vault.caPem, keepAlive: true }),
  });
  await secrets.setSecret('postgresql-password', 'first-password');
  return secrets;
}

/**
 * Rotates the incident's password in the vault, forces the sync of ExternalSecret `es` with
 * kubectl, and waits until the reloader has restarted Deployment `deployment` (a kvsync
 * annotation on its pod template). Both live in `namespace`.
 */
export async function rotateAndAwaitRestart(
  kubectl: ReturnType<typeof kubectlOf>,
  admin: KubeClient,
  secrets: SecretClient,
  target: { namespace: string; es: string; deployment: string },
): Promise<void> {
  await secrets.setSecret('postgresql-password', 'second-password');
  await kubectl([
    'annotate',
    'es',
    target.es,
    '-n',
    target.namespace,
    `force-sync=${Date.now()}`,
    '--overwrite',
  ]);
  await until(`the restart of ${target.namespace}/${target.deployment}`, async () => {
    const deployment = await admin.get<{
      spec: { template: { metadata?: { annotations?: Record<string, string> } } };
    }>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: target.namespace, name: target.deployment });
    const annotations = Object.keys(deployment?.spec.template.metadata?.annotations ?? {});
    return annotations.some((key) => key.startsWith('kvsync.io/')) ? true : undefined;
  });
}

/** Runs the operator in-process as its ServiceAccount, against the two emulators. */
export async function startOperatorAsAccount(
  cluster: KubeApiServer,
  vault: DevKeyVault,
  args: string[],
  writeLog: (line: string) => void,
): Promise<Kvsync> {
  const kubeconfig = await cluster.kubeconfigFor(OPERATOR_NAMESPACE, OPERATOR_ACCOUNT);
  const config = parseOperatorConfig(
    [
      '--kubeconfig',
      kubeconfig,
      '--http-addr',
      '127.0.0.1:0',
      '--dashboard-addr',
      '',
      '--leader-election-namespace',
      OPERATOR_NAMESPACE,
      '--azure-ca-file',
      vault.caFile,
      '--azure-authority-host',
      vault.authorityHost,
      '--azure-vault-endpoint',
      `127.0.0.1:${new URL(vault.hostUrl).port}`,
      ...args,
    ],
    {},
  );
  return startKvsync(config, { writeLog });
}

/** One verb on one resource (`resource/subresource`) that a role grants the account. */
export interface Grant {
  /** `ClusterRole <name>` or `Role <namespace>/<name>`: where the rule is written. */
  role: string;
  /** Undefined when granted in every namespace (a ClusterRoleBinding). */
  namespace?: string;
  apiGroup: string;
  resource: string;
  verb: string;
  resourceNames?: string[];
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}
interface Binding {
  metadata: { name: string; namespace?: string };
  roleRef: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

const names = (account: Binding['subjects']) =>
  (account ?? []).some(
    (s) => s.kind === 'ServiceAccount' && s.name === OPERATOR_ACCOUNT && s.namespace === OPERATOR_NAMESPACE,
  );

/** Every (role, group, resource, verb) that the bindings in the cluster give the operator's account. */
export async function grantsOfOperator(admin: KubeClient): Promise<Grant[]> {
  const bindings = [
    ...(await admin.list<Binding>({ apiVersion: RBAC_API, kind: 'ClusterRoleBinding' })),
    ...(await admin.list<Binding>({ apiVersion: RBAC_API, kind: 'RoleBinding' })),
  ].filter((binding) => names(binding.subjects));
  const grants: Grant[] = [];
  for (const binding of bindings) {
    const namespace = binding.metadata.namespace;
    const clusterRole = binding.roleRef.kind === 'ClusterRole';
    const role = await admin.get<{ rules?: Rule[] }>({
      apiVersion: RBAC_API,
      kind: binding.roleRef.kind,
      name: binding.roleRef.name,
      ...(clusterRole ? {} : { namespace }),
    });
    if (!role) throw new Error(`${binding.metadata.name} binds a missing ${binding.roleRef.kind}`);
    const where = clusterRole
      ? `ClusterRole ${binding.roleRef.name}`
      : `Role ${namespace}/${binding.roleRef.name}`;
    for (const rule of role.rules ?? [])
      for (const apiGroup of rule.apiGroups ?? [])
        for (const resource of rule.resources ?? [])
          for (const verb of rule.verbs ?? [])
            grants.push({
              role: where,
              ...(namespace ? { namespace } : {}),
              apiGroup,
              resource,
              verb,
              ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
            });
  }
  return grants;
}

/** True when `record` is an allowed request that `grant` covers (wildcards never count as used). */
function uses(record: AuthorizationRecord, grant: Grant): boolean {
  if (record.kind !== 'resource' || !record.allowed) return false;
  const resource = record.subresource ? `${record.resource}/${record.subresource}` : record.resource;
  return (
    record.apiGroup === grant.apiGroup &&
    resource === grant.resource &&
    record.verb === grant.verb &&
    (grant.namespace === undefined || record.namespace === grant.namespace) &&
    (grant.resourceNames === undefined || grant.resourceNames.includes(record.name))
  );
}

/** The grants no recorded request used, as `role: group resource verb` lines. */
export function unusedGrants(grants: readonly Grant[], records: readonly AuthorizationRecord[]): string[] {
  return grants
    .filter((grant) => !records.some((record) => uses(record, grant)))
    .map((g) => `${g.role}: ${g.apiGroup || 'core'} ${g.resource} ${g.verb}`);
}

/** Denied requests, as `verb group resource/subresource in namespace` lines. */
export function deniedRequests(records: readonly AuthorizationRecord[]): string[] {
  return records
    .filter((record) => !record.allowed)
    .map((r) =>
      r.kind === 'resource'
        ? `${r.verb} ${r.apiGroup || 'core'} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} in ${r.namespace || '(cluster)'}`
        : `${r.verb} ${r.path}`,
    );
}
