import { Document, isMap, isScalar, type Pair, type YAMLMap } from 'yaml';

/**
 * The chart's values: their defaults (what `values.yaml` holds and what the kustomize base is
 * rendered from) and a comment for each, written above the key in `values.yaml`.
 */

export const PROJECT_VERSION = '0.1.0';
export const DEFAULT_IMAGE_REPOSITORY = 'ghcr.io/kvsync/kvsync';

/** Helm reads values.yaml into this shape; every key here has a comment in VALUE_COMMENTS. */
export function defaultValues() {
  return {
    image: { repository: DEFAULT_IMAGE_REPOSITORY, tag: PROJECT_VERSION, pullPolicy: 'IfNotPresent' },
    imagePullSecrets: [] as Array<{ name: string }>,
    replicaCount: 2,
    shards: 1,
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { memory: '512Mi' },
    },
    identity: { type: 'none', clientId: '', tenantId: '', nodePool: '' },
    webhook: {
      enabled: false,
      secretName: 'kvsync-eventgrid',
      secretKey: 'shared-secret',
      ingress: {
        enabled: false,
        className: '',
        host: 'kvsync.example.com',
        tlsSecretName: '',
        annotations: {} as Record<string, string>,
      },
    },
    dashboard: { enabled: false, address: '127.0.0.1:8081', tokenSecretName: '', tokenSecretKey: 'token' },
    reloader: { enabled: false },
    watchedNamespaces: [] as string[],
    rbac: { namespaced: false },
    logLevel: 'info',
    logFormat: 'json',
    extraArgs: [] as string[],
    nodeOptions: '--max-old-space-size-percentage=50 --max-semi-space-size=16',
    podAnnotations: {} as Record<string, string>,
    podLabels: {} as Record<string, string>,
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    nodeSelector: {} as Record<string, string>,
    tolerations: [] as unknown[],
    affinity: {} as Record<string, unknown>,
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    serviceMonitor: { enabled: false, interval: '30s', labels: {} as Record<string, string> },
  };
}

export type Values = ReturnType<typeof defaultValues>;

/** Comments of values.yaml by dotted path. */
export const VALUE_COMMENTS: Readonly<Record<string, string>> = {
  image: 'The kvsync image (see the Dockerfile; docs/install.md shows how to build and push it).',
  'image.tag': 'Pin a digest in production: 0.1.0@sha256:<digest>.',
  imagePullSecrets: 'Secrets for a private registry, e.g. [{name: acr-pull}].',
  replicaCount:
    'Replicas. All keep their caches warm; one leader reconciles (or, with shards > 1, each its share).',
  shards:
    'Split the ExternalSecrets over this many shard Leases held by the live replicas (--shards). 1: one leader does all the work.',
  resources: 'Requests and limits of the operator container.',
  identity: 'How kvsync reaches Azure for stores that use the operator pod’s own identity.',
  'identity.type':
    'none; workload (Azure workload identity: ServiceAccount annotation and pod label, for stores with authType WorkloadIdentity and no serviceAccountRef); managed (a node pool’s managed identity through IMDS, for authType ManagedIdentity).',
  'identity.clientId': 'workload: the client id of the user-assigned identity or app registration.',
  'identity.tenantId': 'workload: its tenant, when not the cluster’s default (optional).',
  'identity.nodePool':
    'managed: the AKS node pool whose VMSS carries the identity; kvsync is scheduled there.',
  webhook: 'The Event Grid webhook: POST /webhooks/eventgrid on the http port (docs/event-grid.md).',
  'webhook.enabled': 'Serve it, with the shared secret from secretName/secretKey (mounted as a file).',
  'webhook.secretName': 'Secret in the release namespace holding the shared secret (create it yourself).',
  'webhook.ingress':
    'An Ingress exposing only /webhooks/eventgrid (Event Grid needs HTTPS with a trusted certificate).',
  dashboard: 'The live dashboard. It listens on the pod’s loopback: reach it with kubectl port-forward.',
  'dashboard.tokenSecretName': 'Secret with the bearer token the dashboard requires for actions (optional).',
  reloader:
    'The built-in reloader: grants the rights to watch pods and restart Deployments, StatefulSets, DaemonSets and Argo Rollouts.',
  watchedNamespaces: 'Watch only these namespaces (--namespace); empty: all namespaces.',
  rbac: 'Role-based access control.',
  'rbac.namespaced':
    'A Role in each watched namespace instead of ClusterRoles (needs watchedNamespaces, one or more; see docs/install.md).',
  logLevel: 'debug, info, warn or error.',
  nodeOptions:
    "NODE_OPTIONS of the operator. The default keeps the JavaScript heap to half the container's memory limit (Node reads the cgroup limit) with a young generation large enough that short-lived request garbage is not promoted: without it V8 grows the heap lazily past a 512Mi limit at about 10,000 ExternalSecrets (bench/README.md, scale-10k).",
  logFormat: 'json or text.',
  extraArgs: 'More `kvsync run` flags, e.g. ["--concurrent=8"].',
  podAnnotations: 'Annotations of the operator pods.',
  podLabels: 'Labels of the operator pods.',
  podSecurityContext: 'Pod security context (restricted Pod Security Standard).',
  securityContext: 'Container security context (restricted Pod Security Standard).',
  nodeSelector: 'Scheduling.',
  affinity: 'Default (empty): prefer spreading the replicas over nodes.',
  podDisruptionBudget: 'Keep a replica through voluntary disruptions such as node drains.',
  serviceMonitor: 'A Prometheus Operator ServiceMonitor for /metrics (needs its CRD).',
  'serviceMonitor.labels': 'Labels your Prometheus selects ServiceMonitors by, e.g. {release: prometheus}.',
};

/** values.yaml: the defaults with their comments. */
export function valuesYaml(header: string): string {
  const document = new Document(defaultValues());
  comment(document.contents as YAMLMap, '');
  document.commentBefore = header;
  return document.toString({ lineWidth: 0 });
}

function comment(map: YAMLMap, prefix: string): void {
  for (const pair of map.items as Array<Pair<unknown, unknown>>) {
    if (!isScalar(pair.key)) continue;
    const path = `${prefix}${String(pair.key.value)}`;
    const text = VALUE_COMMENTS[path];
    if (text) pair.key.commentBefore = ` ${text}`;
    if (isMap(pair.value)) comment(pair.value, `${path}.`);
  }
}
