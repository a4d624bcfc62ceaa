import type { ProviderClock } from '../clock.ts';
import type { ProviderCallRecord, RequestGate } from '../provider.ts';
import { ProviderError } from '../errors.ts';
import { describeCall, isRestError, translateAzureError, type AzureCallTarget } from './azure-errors.ts';
import { retryDecision, type RetryPolicy } from './retry.ts';

/** The provider's name in metrics (ESO's `provider` label). */
export const AZURE_PROVIDER_NAME = 'Azure/KeyVault';

/** ESO's `call` label values for the read calls. */
export type AzureCallName = 'GetSecret' | 'GetSecrets' | 'GetKey' | 'GetCertificate';

export interface CallContext {
  clock: ProviderClock;
  retry: RetryPolicy;
  onCall?: (record: ProviderCallRecord) => void;
  /** The per-vault budget every attempt waits for; a 429 pauses the vault through it. */
  gate?: RequestGate;
  /** Holds back requests until the first one of these clients is done (one auth challenge, not N). */
  firstRequest?: FirstRequestLatch;
}

/**
 * Key Vault clients learn the tenant and scope from a 401 challenge to their first request; N
 * requests sent at once before that learning would each be challenged (N extra requests that
 * count against the vault's limit). The latch lets the first request go alone and the others
 * follow once it has ended, whatever its outcome.
 */
export class FirstRequestLatch {
  #warm = false;
  #first: Promise<void> | undefined;

  async through<T>(run: () => Promise<T>): Promise<T> {
    if (this.#warm) return run();
    if (this.#first) {
      await this.#first;
      return run();
    }
    const result = run();
    this.#first = result.then(
      () => {},
      () => {},
    );
    void this.#first.then(() => (this.#warm = true));
    return result;
  }
}

/** One `onCall` record for a request that started at `startedMs`. */
export function recordCall(
  context: CallContext,
  call: AzureCallName,
  status: 'success' | 'error',
  startedMs: number,
): void {
  context.onCall?.({
    provider: AZURE_PROVIDER_NAME,
    call,
    status,
    durationMs: Math.max(0, context.clock.now() - startedMs),
  });
}

/**
 * Runs one Key Vault request with kvsync's retries (`retry.ts`), waiting on the context's
 * clock. Every attempt is one `onCall` record. The last failure is thrown translated
 * (`translateAzureError`); a 429 that is given up on carries `retryAfterMs`. An abort of
 * `abortSignal` ends the waits and is thrown as is.
 */
export async function callKeyVault<T>(
  context: CallContext,
  call: AzureCallName,
  target: AzureCallTarget,
  run: () => Promise<T>,
  abortSignal?: AbortSignal,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    // A vault paused longer than a retry would wait: give the worker back, say when to return.
    const pausedMs = context.gate?.pausedForMs(target.vaultUrl) ?? 0;
    if (pausedMs > context.retry.maxDelayMs)
      throw new ProviderError(
        'ERR_PROVIDER_THROTTLED',
        `${describeCall(target)}: the vault is throttling requests; retry in ${Math.ceil(pausedMs / 1000)}s`,
        { statusCode: 429, retryAfterMs: pausedMs },
      );
    await context.gate?.acquire(target.vaultUrl, abortSignal);
    const startedMs = context.clock.now();
    try {
      const result = await (context.firstRequest ? context.firstRequest.through(run) : run());
      recordCall(context, call, 'success', startedMs);
      return result;
    } catch (error) {
      recordCall(context, call, 'error', startedMs);
      if (abortSignal?.aborted) throw abortSignal.reason ?? error;
      const decision = retryDecision(error, attempt, context.retry, context.clock.now());
      if (isRestError(error) && error.statusCode === 429)
        context.gate?.throttled(target.vaultUrl, decision.delayMs);
      if (!decision.retry) throw translateAzureError(error, target, decision.delayMs);
      await context.clock.sleep(decision.delayMs, abortSignal);
    }
  }
}
