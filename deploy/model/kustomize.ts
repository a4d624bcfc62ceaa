import { stringify } from 'yaml';
import { DEFAULT_RELEASE, renderChartFiles } from './chart.ts';
import { AGENT_POOL_LABEL, WORKLOAD_IDENTITY_USE_LABEL } from './deployment.ts';
import type { Plain } from './evaluate.ts';
import { CLIENT_ID_ANNOTATION, namespace } from './objects.ts';

/**
 * `deploy/kustomize/`: `crds/` holds the CRDs, applied on their own (so that `kubectl delete -k`
 * of an install can never delete the CRDs, and with them every ExternalSecret and its Secrets);
 * the base is the chart rendered with its defaults (release `kvsync` in `kvsync-system`) plus
 * the namespace; components and overlays are small patches whose result equals the chart
 * rendered with the matching values (`CHART_EQUIVALENTS`, checked by
 * test/deploy/kustomize.test.ts).
 */

const NAME = DEFAULT_RELEASE.name;
const NAMESPACE = DEFAULT_RELEASE.namespace;

/** Placeholders an overlay's user replaces (the overlay files say so). */
export const PLACEHOLDER_CLIENT_ID = '00000000-0000-0000-0000-000000000000';
export const PLACEHOLDER_NODE_POOL = 'kvsync';
export const EXAMPLE_WATCHED_NAMESPACE = 'apps';
export const SHARDING_EXAMPLE = { replicas: 3, shards: 3 };

/** Directory (under deploy/kustomize) → the chart values its build equals, with the base. */
export const CHART_EQUIVALENTS: ReadonlyArray<{ directory: string; components?: string[]; values: object }> =
  [
    { directory: 'base', values: {} },
    {
      directory: 'overlays/workload-identity',
      values: { identity: { type: 'workload', clientId: PLACEHOLDER_CLIENT_ID } },
    },
    {
      directory: 'overlays/managed-identity',
      values: { identity: { type: 'managed', nodePool: PLACEHOLDER_NODE_POOL } },
    },
    {
      directory: 'overlays/namespaced',
      values: { rbac: { namespaced: true }, watchedNamespaces: [EXAMPLE_WATCHED_NAMESPACE] },
    },
    { directory: 'base', components: ['servicemonitor'], values: { serviceMonitor: { enabled: true } } },
    { directory: 'base', components: ['reloader'], values: { reloader: { enabled: true } } },
    {
      directory: 'base',
      components: ['sharding'],
      values: { replicaCount: SHARDING_EXAMPLE.replicas, shards: SHARDING_EXAMPLE.shards },
    },
  ];

export function yamlDocuments(documents: readonly Plain[]): string {
  return documents.map((document) => stringify(document, { lineWidth: 0 })).join('---\n');
}

const kustomization = (kind: 'Kustomization' | 'Component', body: object) => ({
  apiVersion: kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1',
  kind,
  ...body,
});

/** Path under deploy/kustomize → text (YAML; the generator formats it). */
export function kustomizeFiles(header: string, crdFileNames: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  const put: Put = (path, documents, note = '') =>
    files.set(path, `${header}${note}${yamlDocuments(documents as Plain[])}`);

  put('crds/kustomization.yaml', [kustomization('Kustomization', { resources: [...crdFileNames] })]);

  const base = renderChartFiles();
  put('base/namespace.yaml', [namespace(NAMESPACE)]);
  for (const [name, documents] of base) put(`base/${name}`, documents);
  put('base/kustomization.yaml', [
    kustomization('Kustomization', { resources: ['namespace.yaml', ...base.keys()] }),
  ]);

  componentFiles(put);
  overlayFiles(put);
  return files;
}

type Put = (path: string, documents: readonly unknown[], note?: string) => void;

function onlyFile(values: object, file: string): Plain[] {
  return renderChartFiles(values).get(file) ?? [];
}

function componentFiles(put: Put): void {
  put(
    'components/servicemonitor/servicemonitor.yaml',
    onlyFile({ serviceMonitor: { enabled: true } }, 'servicemonitor.yaml'),
  );
  put('components/servicemonitor/kustomization.yaml', [
    kustomization('Component', { resources: ['servicemonitor.yaml'] }),
  ]);

  put('components/reloader/rbac.yaml', onlyFile({ reloader: { enabled: true } }, 'reloader-rbac.yaml'));
  put('components/reloader/kustomization.yaml', [
    kustomization('Component', {
      resources: ['rbac.yaml'],
      patches: [deploymentJsonPatch([{ op: 'add', path: ARGS_END, value: '--reloader=true' }])],
    }),
  ]);

  put('components/sharding/kustomization.yaml', [
    kustomization('Component', {
      patches: [
        deploymentJsonPatch([
          { op: 'replace', path: '/spec/replicas', value: SHARDING_EXAMPLE.replicas },
          { op: 'add', path: ARGS_END, value: `--shards=${SHARDING_EXAMPLE.shards}` },
        ]),
      ],
    }),
  ]);
}

const ARGS_END = '/spec/template/spec/containers/0/args/-';

function deploymentJsonPatch(operations: object[]) {
  return { target: { kind: 'Deployment', name: NAME }, patch: stringify(operations, { lineWidth: 0 }) };
}

function kindAndName(doc: Plain): string {
  const object = doc as { kind?: string; metadata?: { name?: string } };
  return `${object.kind}/${object.metadata?.name}`;
}

const deploymentPatch = (spec: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: NAME, namespace: NAMESPACE },
  spec: { template: spec },
});

function overlayFiles(put: Put): void {
  const overlay = (name: string, body: object) =>
    put(`overlays/${name}/kustomization.yaml`, [
      kustomization('Kustomization', { resources: ['../../base'], ...body }),
    ]);

  const replace = '# Replace the placeholder with your identity’s client id (docs/install.md).\n';
  put(
    'overlays/workload-identity/serviceaccount.yaml',
    [
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: NAME,
          namespace: NAMESPACE,
          annotations: { [CLIENT_ID_ANNOTATION]: PLACEHOLDER_CLIENT_ID },
        },
      },
    ],
    replace,
  );
  put('overlays/workload-identity/deployment.yaml', [
    deploymentPatch({ metadata: { labels: { [WORKLOAD_IDENTITY_USE_LABEL]: 'true' } } }),
  ]);
  overlay('workload-identity', { patches: [{ path: 'serviceaccount.yaml' }, { path: 'deployment.yaml' }] });

  put(
    'overlays/managed-identity/deployment.yaml',
    [deploymentPatch({ spec: { nodeSelector: { [AGENT_POOL_LABEL]: PLACEHOLDER_NODE_POOL } } })],
    '# Replace the placeholder with the node pool whose VMSS carries the managed identity (docs/install.md).\n',
  );
  overlay('managed-identity', { patches: [{ path: 'deployment.yaml' }] });

  const namespaced = renderChartFiles({
    rbac: { namespaced: true },
    watchedNamespaces: [EXAMPLE_WATCHED_NAMESPACE],
  }).get('rbac.yaml')!;
  const roles = namespaced.filter(
    (doc) => /^Role(Binding)?\//.test(kindAndName(doc)) && !kindAndName(doc).endsWith('-leader-election'),
  );
  put(
    'overlays/namespaced/roles.yaml',
    roles,
    `# One Role and RoleBinding per watched namespace (here "${EXAMPLE_WATCHED_NAMESPACE}"), plus Events of ClusterSecretStores in "default".\n`,
  );
  overlay('namespaced', {
    resources: ['../../base', 'roles.yaml'],
    patches: [
      ...['ClusterRole', 'ClusterRoleBinding'].map((kind) => ({
        patch: stringify(
          {
            $patch: 'delete',
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind,
            metadata: { name: `${NAME}-controller` },
          },
          { lineWidth: 0 },
        ),
      })),
      deploymentJsonPatch([{ op: 'add', path: ARGS_END, value: `--namespace=${EXAMPLE_WATCHED_NAMESPACE}` }]),
    ],
  });
}
