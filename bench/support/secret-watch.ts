import { performance } from 'node:perf_hooks';
import { LABEL_MANAGED } from '../../src/api/index.ts';
import type { KubeClient } from '../../src/kube/index.ts';
import { Informer, systemClock } from '../../src/runtime/index.ts';
import type { Scope } from './scope.ts';

/**
 * Watches the Secrets kvsync manages (an informer, no polling) and tells when one holds an
 * expected value. Values are compared and never printed.
 */

interface SecretLike {
  metadata: { name?: string; namespace?: string };
  data?: Record<string, string>;
}

interface Waiter {
  expectedBase64: string;
  resolve(seenAtMs: number): void;
}

export class SecretWatch {
  readonly informer: Informer<SecretLike>;
  readonly #waiters = new Map<string, Waiter>();
  readonly #now: () => number;
  #onSeen: ((key: string, value: string | undefined) => void) | undefined;

  private constructor(informer: Informer<SecretLike>, now: () => number) {
    this.informer = informer;
    this.#now = now;
  }

  /**
   * Starts watching managed Secrets (in `namespace`, or everywhere) and resolves once listed.
   * Times are read from `now` (default `performance.now()`; a simulation passes its clock).
   */
  static async start(
    scope: Scope,
    client: KubeClient,
    namespace?: string,
    now: () => number = () => performance.now(),
  ): Promise<SecretWatch> {
    const informer = new Informer<SecretLike>({
      name: 'bench-secrets',
      clock: systemClock,
      source: client.listWatchSource<SecretLike>({
        apiVersion: 'v1',
        kind: 'Secret',
        labelSelector: `${LABEL_MANAGED}=true`,
        ...(namespace ? { namespace } : {}),
      }),
    });
    const watch = new SecretWatch(informer, now);
    informer.onAdd((secret) => watch.check(secret));
    informer.onUpdate((secret) => watch.check(secret));
    scope.defer(() => informer.stop());
    await informer.start();
    return watch;
  }

  /** Called with every Secret seen (key `namespace/name`, decoded `value` key), e.g. to count. */
  onSeen(listener: (key: string, value: string | undefined) => void): void {
    this.#onSeen = listener;
  }

  /** The decoded `value` key of Secret `namespace/name`, or undefined. */
  valueOf(key: string): string | undefined {
    const encoded = this.informer.get(key)?.data?.value;
    return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
  }

  /**
   * Resolves with the time (`now`) of the watch event in which Secret `key` first holds
   * `value` (at once when it already does); rejects after `timeoutMs`.
   */
  expect(key: string, value: string, timeoutMs: number): Promise<number> {
    const expectedBase64 = Buffer.from(value, 'utf8').toString('base64');
    if (this.informer.get(key)?.data?.value === expectedBase64) return Promise.resolve(this.#now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        reject(new Error(`Secret ${key} did not get the expected value within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(key, {
        expectedBase64,
        resolve: (seenAtMs) => {
          clearTimeout(timer);
          resolve(seenAtMs);
        },
      });
    });
  }

  check(secret: SecretLike): void {
    const key = `${secret.metadata.namespace}/${secret.metadata.name}`;
    const encoded = secret.data?.value;
    this.#onSeen?.(key, encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8'));
    const waiter = this.#waiters.get(key);
    if (waiter && encoded === waiter.expectedBase64) {
      this.#waiters.delete(key);
      waiter.resolve(this.#now());
    }
  }
}
