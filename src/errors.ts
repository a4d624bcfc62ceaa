/**
 * The one error base class of kvsync. Every error the product raises on purpose is a
 * `KvsyncError` with a permanent `code`; tests assert codes, never wording. Messages name the
 * operation and its target and never carry a secret value.
 */

/** Permanent error codes. Add new ones; never rename or reuse one. */
export type KvsyncErrorCode =
  // configuration and input
  | 'ERR_INVALID_CONFIG'
  | 'ERR_INVALID_RESOURCE'
  | 'ERR_INVALID_DURATION'
  // stores
  | 'ERR_STORE_NOT_FOUND'
  | 'ERR_STORE_NOT_READY'
  | 'ERR_STORE_NOT_VALIDATED'
  | 'ERR_STORE_NOT_ALLOWED'
  | 'ERR_INVALID_PROVIDER_CONFIG'
  // provider calls
  | 'ERR_PROVIDER_NOT_FOUND'
  | 'ERR_PROVIDER_FORBIDDEN'
  | 'ERR_PROVIDER_THROTTLED'
  | 'ERR_PROVIDER_UNAUTHENTICATED'
  | 'ERR_PROVIDER_UNAVAILABLE'
  | 'ERR_PROVIDER_DISABLED'
  | 'ERR_PROVIDER_BAD_REQUEST'
  | 'ERR_PROPERTY_NOT_FOUND'
  | 'ERR_DECODING'
  | 'ERR_UNSUPPORTED'
  // Kubernetes
  | 'ERR_KUBE_API'
  | 'ERR_TARGET_CONFLICT'
  | 'ERR_TARGET_IMMUTABLE'
  | 'ERR_TARGET_TOO_LARGE'
  | 'ERR_TARGET_INVALID_KEY'
  // Event Grid webhook
  | 'ERR_WEBHOOK_AUTH'
  | 'ERR_WEBHOOK_BAD_EVENT';

export interface KvsyncErrorOptions {
  cause?: unknown;
}

export class KvsyncError extends Error {
  readonly code: KvsyncErrorCode;

  constructor(code: KvsyncErrorCode, message: string, options: KvsyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KvsyncError';
    this.code = code;
  }
}

/** True when `error` is a KvsyncError with `code` (or any KvsyncError when `code` is omitted). */
export function isKvsyncError(error: unknown, code?: KvsyncErrorCode): error is KvsyncError {
  return error instanceof KvsyncError && (code === undefined || error.code === code);
}

/** A short message for any thrown value, for status and events. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
