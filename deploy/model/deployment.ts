import {
  ITEM,
  RELEASE_NAME,
  RELEASE_NAMESPACE,
  and,
  concat,
  each,
  equals,
  greaterThan,
  mergeValue,
  mergeWhen,
  num,
  or,
  splice,
  truthy,
  value,
  when,
  yamlOf,
  type Node,
  type NodeMap,
} from './ir.ts';
import { commonLabels, selectorLabels } from './labels.ts';

/**
 * The operator's Deployment. Every flag is one `kvsync run` flag (src/config/flags.ts); the
 * Lease namespace and the holder identity come from POD_NAMESPACE and POD_NAME, which
 * `kvsync run` reads when `--leader-election-namespace` and `--identity` are not given.
 */

export const HTTP_PORT = 8080;
export const EVENT_GRID_SECRET_DIRECTORY = '/etc/kvsync/eventgrid';
export const DASHBOARD_TOKEN_DIRECTORY = '/etc/kvsync/dashboard';
export const WORKLOAD_IDENTITY_USE_LABEL = 'azure.workload.identity/use';
export const AGENT_POOL_LABEL = 'kubernetes.azure.com/agentpool';

const webhookOn = truthy('webhook.enabled');
const dashboardOn = truthy('dashboard.enabled');
const dashboardTokenOn = and(dashboardOn, truthy('dashboard.tokenSecretName'));
const managedIdentityPool = and(equals('identity.type', 'managed'), truthy('identity.nodePool'));

function args(): Node[] {
  return [
    `--http-addr=:${HTTP_PORT}`,
    when(dashboardOn, concat('--dashboard-addr=', value('dashboard.address')), '--dashboard-addr='),
    when(dashboardTokenOn, `--dashboard-token-file=${DASHBOARD_TOKEN_DIRECTORY}/token`),
    '--leader-elect=true',
    concat('--leader-election-id=', RELEASE_NAME, '-controller'),
    when(webhookOn, `--event-grid-secret-file=${EVENT_GRID_SECRET_DIRECTORY}/shared-secret`),
    concat('--log-level=', value('logLevel')),
    concat('--log-format=', value('logFormat')),
    // Last, so that the kustomize components and overlays that add them append in this order.
    when(greaterThan('shards', 1), concat('--shards=', num('Values.shards'))),
    when(truthy('reloader.enabled'), '--reloader=true'),
    each('watchedNamespaces', concat('--namespace=', ITEM)),
    splice('extraArgs'),
  ];
}

const fieldEnv = (name: string, fieldPath: string): NodeMap => ({
  name,
  valueFrom: { fieldRef: { fieldPath } },
});

function secretVolume(name: string, secretName: string, key: string, path: string): NodeMap {
  return { name, secret: { secretName: value(secretName), items: [{ key: value(key), path }] } };
}

function volumes(): Node[] {
  return [
    { name: 'tmp', emptyDir: {} },
    when(
      webhookOn,
      secretVolume('eventgrid-secret', 'webhook.secretName', 'webhook.secretKey', 'shared-secret'),
    ),
    when(
      dashboardTokenOn,
      secretVolume('dashboard-token', 'dashboard.tokenSecretName', 'dashboard.tokenSecretKey', 'token'),
    ),
  ];
}

function volumeMounts(): Node[] {
  return [
    { name: 'tmp', mountPath: '/tmp' },
    when(webhookOn, { name: 'eventgrid-secret', mountPath: EVENT_GRID_SECRET_DIRECTORY, readOnly: true }),
    when(dashboardTokenOn, { name: 'dashboard-token', mountPath: DASHBOARD_TOKEN_DIRECTORY, readOnly: true }),
  ];
}

function container(): NodeMap {
  return {
    name: 'kvsync',
    image: concat(value('image.repository'), ':', value('image.tag')),
    imagePullPolicy: value('image.pullPolicy'),
    args: args(),
    env: [
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('POD_NAME', 'metadata.name'),
      // Announced to the other replicas, which pass Event Grid deliveries on to it.
      fieldEnv('POD_IP', 'status.podIP'),
      when(truthy('nodeOptions'), { name: 'NODE_OPTIONS', value: value('nodeOptions') }),
    ],
    ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
    // A follower answers /readyz 200 (standby); 503 only until its caches have synced.
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 5 },
    readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 5 },
    resources: yamlOf('resources'),
    securityContext: yamlOf('securityContext'),
    volumeMounts: volumeMounts(),
  };
}

/** Prefer one replica per node, so that a node failure leaves a replica to take the lease. */
function spreadOverNodes(): NodeMap {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: selectorLabels() },
          },
        },
      ],
    },
  };
}

function podSpec(): NodeMap {
  return {
    serviceAccountName: RELEASE_NAME,
    imagePullSecrets: when(truthy('imagePullSecrets'), yamlOf('imagePullSecrets')),
    securityContext: yamlOf('podSecurityContext'),
    containers: [container()],
    volumes: volumes(),
    nodeSelector: when(or(managedIdentityPool, truthy('nodeSelector')), {
      managedIdentity: mergeWhen(managedIdentityPool, { [AGENT_POOL_LABEL]: value('identity.nodePool') }),
      values: mergeValue('nodeSelector'),
    }),
    tolerations: when(truthy('tolerations'), yamlOf('tolerations')),
    affinity: when(truthy('affinity'), yamlOf('affinity'), spreadOverNodes()),
  };
}

export function deployment(): NodeMap {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: RELEASE_NAME, namespace: RELEASE_NAMESPACE, labels: commonLabels() },
    spec: {
      replicas: num('Values.replicaCount'),
      selector: { matchLabels: selectorLabels() },
      template: {
        metadata: {
          labels: {
            ...selectorLabels(),
            workloadIdentity: mergeWhen(equals('identity.type', 'workload'), {
              [WORKLOAD_IDENTITY_USE_LABEL]: 'true',
            }),
            values: mergeValue('podLabels'),
          },
          annotations: when(truthy('podAnnotations'), yamlOf('podAnnotations')),
        },
        spec: podSpec(),
      },
    },
  };
}
