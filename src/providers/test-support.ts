import { KvsyncError } from '../errors.ts';
import type { ProviderClock } from './clock.ts';
import type { ProviderKubeAccess } from './provider.ts';

/**
 * Test doubles at the provider's edge: an in-memory `ProviderKubeAccess` and a clock whose
 * waits return at once. Used by the providers' tests only; not exported by `index.ts`.
 */

export interface FakeKube extends ProviderKubeAccess {
  /** Creates or replaces a Secret; bumps its resourceVersion. */
  setSecret(namespace: string, name: string, data: Record<string, string>): void;
  /** Creates or replaces a ServiceAccount; bumps its resourceVersion. */
  setServiceAccount(namespace: string, name: string, annotations: Record<string, string>): void;
  /** Every call made, e.g. `readSecretKey apps/sp/client-id`, `createServiceAccountToken apps/web`. */
  readonly calls: string[];
}

/**
 * A fake Kubernetes. `issueToken` answers TokenRequests (default: refuses); `withResourceVersions`
 * false leaves out the optional `resourceVersion` method.
 */
export function createFakeKube(
  options: {
    issueToken?: (namespace: string, name: string, audiences: string[]) => string;
    withResourceVersions?: boolean;
  } = {},
): FakeKube {
  const secrets = new Map<string, { data: Record<string, string>; rv: number }>();
  const accounts = new Map<string, { annotations: Record<string, string>; rv: number }>();
  const calls: string[] = [];
  let revision = 100;
  const kube: FakeKube = {
    calls,
    setSecret(namespace, name, data) {
      secrets.set(`${namespace}/${name}`, { data, rv: ++revision });
    },
    setServiceAccount(namespace, name, annotations) {
      accounts.set(`${namespace}/${name}`, { annotations, rv: ++revision });
    },
    async readSecretKey({ namespace, name, key }) {
      calls.push(`readSecretKey ${namespace}/${name}/${key}`);
      const value = secrets.get(`${namespace}/${name}`)?.data[key];
      if (value === undefined)
        throw new KvsyncError(
          'ERR_INVALID_PROVIDER_CONFIG',
          `Secret ${namespace}/${name} has no key '${key}'`,
        );
      return Buffer.from(value, 'utf8');
    },
    async serviceAccountAnnotations(namespace, name) {
      calls.push(`serviceAccountAnnotations ${namespace}/${name}`);
      const account = accounts.get(`${namespace}/${name}`);
      if (!account)
        throw new KvsyncError('ERR_INVALID_PROVIDER_CONFIG', `ServiceAccount ${namespace}/${name} not found`);
      return { ...account.annotations };
    },
    async createServiceAccountToken(namespace, name, audiences) {
      calls.push(`createServiceAccountToken ${namespace}/${name} ${audiences.join(',')}`);
      if (!options.issueToken) throw new KvsyncError('ERR_KUBE_API', 'TokenRequest refused');
      return options.issueToken(namespace, name, audiences);
    },
  };
  if (options.withResourceVersions !== false)
    kube.resourceVersion = async (kind, namespace, name) => {
      const object = (kind === 'Secret' ? secrets : accounts).get(`${namespace}/${name}`);
      return object ? String(object.rv) : undefined;
    };
  return kube;
}

export interface FakeClock extends ProviderClock {
  /** Every wait asked for, in order. */
  readonly sleeps: number[];
  advance(ms: number): void;
}

/** A clock at `startMs` that moves only when told, or by the waits it is asked for. */
export function createFakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  let nowMs = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    advance(ms) {
      nowMs += ms;
    },
    async sleep(delayMs, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(delayMs);
      nowMs += delayMs;
    },
  };
}
