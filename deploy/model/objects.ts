import {
  RELEASE_NAME,
  RELEASE_NAMESPACE,
  and,
  equals,
  mergeValue,
  num,
  truthy,
  value,
  when,
  yamlOf,
  type Node,
  type NodeMap,
} from './ir.ts';
import { HTTP_PORT } from './deployment.ts';
import { commonLabels, selectorLabels } from './labels.ts';

/** The operator's other objects: its ServiceAccount, Service, PodDisruptionBudget, ServiceMonitor and Ingress. */

export const CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
export const TENANT_ID_ANNOTATION = 'azure.workload.identity/tenant-id';
export const WEBHOOK_PATH = '/webhooks/eventgrid';

const metadata = (): NodeMap => ({
  name: RELEASE_NAME,
  namespace: RELEASE_NAMESPACE,
  labels: commonLabels(),
});

/** The namespace of the kustomize install (Helm installs into `--namespace … --create-namespace`). */
export function namespace(name: string): NodeMap {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  };
}

export function serviceAccount(): NodeMap {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      ...metadata(),
      annotations: when(equals('identity.type', 'workload'), {
        [CLIENT_ID_ANNOTATION]: value('identity.clientId'),
        [TENANT_ID_ANNOTATION]: when(truthy('identity.tenantId'), value('identity.tenantId')),
      }),
    },
  };
}

/** /metrics, /healthz, /readyz and the webhook: one port, reached inside the cluster. */
export function service(): NodeMap {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(),
      ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function podDisruptionBudget(): Node {
  return when(truthy('podDisruptionBudget.enabled'), {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(),
    spec: {
      maxUnavailable: num('Values.podDisruptionBudget.maxUnavailable'),
      selector: { matchLabels: selectorLabels() },
    },
  });
}

export function serviceMonitor(): Node {
  return when(truthy('serviceMonitor.enabled'), {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: {
      name: RELEASE_NAME,
      namespace: RELEASE_NAMESPACE,
      labels: { ...commonLabels(), values: mergeValue('serviceMonitor.labels') },
    },
    spec: {
      selector: { matchLabels: selectorLabels() },
      endpoints: [{ port: 'http', path: '/metrics', interval: value('serviceMonitor.interval') }],
    },
  });
}

/** Only the webhook path is exposed: /metrics and the probes stay inside the cluster. */
export function ingress(): Node {
  return when(and(truthy('webhook.enabled'), truthy('webhook.ingress.enabled')), {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...metadata(),
      annotations: when(truthy('webhook.ingress.annotations'), yamlOf('webhook.ingress.annotations')),
    },
    spec: {
      ingressClassName: when(truthy('webhook.ingress.className'), value('webhook.ingress.className')),
      tls: when(truthy('webhook.ingress.tlsSecretName'), [
        { hosts: [value('webhook.ingress.host')], secretName: value('webhook.ingress.tlsSecretName') },
      ]),
      rules: [
        {
          host: value('webhook.ingress.host'),
          http: {
            paths: [
              {
                path: WEBHOOK_PATH,
                pathType: 'Exact',
                backend: { service: { name: RELEASE_NAME, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  });
}
