import { KvsyncError } from '../../errors.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { ProviderKubeAccess } from '../../providers/provider.ts';

/**
 * The Kubernetes reads a provider needs for its credential (a Secret key, a ServiceAccount's
 * annotations, a ServiceAccount token), answered through the operator's client. Errors name the
 * object and key, never a value.
 */
export function kubeAccessFor(kube: KubeClient): ProviderKubeAccess {
  return {
    async readSecretKey({ namespace, name, key }) {
      const secret = await kube.get<{ data?: Record<string, string> }>({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace,
        name,
      });
      if (!secret)
        throw new KvsyncError(
          'ERR_INVALID_PROVIDER_CONFIG',
          `credential Secret "${namespace}/${name}" does not exist`,
        );
      const value = secret.data?.[key];
      if (value === undefined)
        throw new KvsyncError(
          'ERR_INVALID_PROVIDER_CONFIG',
          `credential Secret "${namespace}/${name}" has no key "${key}"`,
        );
      return Buffer.from(value, 'base64');
    },
    async serviceAccountAnnotations(namespace, name) {
      const account = await kube.get<{ metadata: { annotations?: Record<string, string> } }>({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        namespace,
        name,
      });
      if (!account)
        throw new KvsyncError(
          'ERR_INVALID_PROVIDER_CONFIG',
          `ServiceAccount "${namespace}/${name}" does not exist`,
        );
      return account.metadata.annotations ?? {};
    },
    createServiceAccountToken(namespace, name, audiences) {
      return kube.createServiceAccountToken(namespace, name, { audiences, expirationSeconds: 3600 });
    },
  };
}
