import { readFile } from 'node:fs/promises';
import type { SecretKeyRef } from '../config/index.ts';
import type { KubeClient } from '../kube/index.ts';
import type { Clock } from '../runtime/index.ts';
import type { SharedSecretSource } from './types.ts';

/**
 * Where the webhook's shared secret comes from: a file (a mounted Secret) or a key of a
 * Kubernetes Secret, re-read every `refreshMs` so that a rotation needs no restart. The source
 * answers from memory; until the first read succeeds it answers undefined (the receiver then
 * replies 503 and Event Grid retries).
 */
export interface RefreshingSecret {
  source: SharedSecretSource;
  /** Reads once now; resolves when done (a failure keeps the previous value). */
  refresh(): Promise<void>;
  stop(): void;
}

export function refreshingSecret(
  read: () => Promise<string | undefined>,
  clock: Clock,
  refreshMs = 30_000,
  onError?: (error: unknown) => void,
): RefreshingSecret {
  let current: string | undefined;
  let timer: { cancel(): void } | undefined;
  let stopped = false;
  const refresh = async () => {
    try {
      const value = (await read())?.trim();
      if (value) current = value;
    } catch (error) {
      onError?.(error);
    }
  };
  const loop = () => {
    if (stopped) return;
    timer = clock.setTimer(refreshMs, () => void refresh().finally(loop));
  };
  loop();
  return {
    source: () => current,
    refresh,
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}

/** Reads the secret from a file. */
export function fileSecret(path: string): () => Promise<string | undefined> {
  return async () => readFile(path, 'utf8');
}

/** Reads the secret from one key of a Kubernetes Secret. */
export function kubeSecret(kube: KubeClient, ref: SecretKeyRef): () => Promise<string | undefined> {
  return async () => {
    const secret = await kube.get<{ data?: Record<string, string> }>({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ref.namespace,
      name: ref.name,
    });
    const encoded = secret?.data?.[ref.key];
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  };
}
