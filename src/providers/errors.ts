import { KvsyncError, type KvsyncErrorCode } from '../errors.ts';

/**
 * Errors raised at the provider boundary. Every failure of a provider call is a
 * `ProviderError` (a `KvsyncError`) carrying, besides the permanent code, what the HTTP
 * exchange said: the status, the provider's own error code and, for throttling, how long to
 * wait. Messages name the operation and its target and never carry a value or a token.
 */

export type ProviderErrorCode = Extract<
  KvsyncErrorCode,
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
  | 'ERR_INVALID_PROVIDER_CONFIG'
  | 'ERR_INVALID_RESOURCE'
>;

export interface ProviderErrorDetails {
  /** HTTP status of the failed exchange, when there was one. */
  statusCode?: number;
  /** The provider's own code, most specific first (Azure: `innererror.code`, else `error.code`). */
  providerCode?: string;
  /** For ERR_PROVIDER_THROTTLED: how long to wait before the next call, in milliseconds. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ProviderError extends KvsyncError {
  readonly statusCode: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ProviderErrorCode, message: string, details: ProviderErrorDetails = {}) {
    super(code, message, details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'ProviderError';
    this.statusCode = details.statusCode;
    this.providerCode = details.providerCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** True when `error` is a ProviderError with `code` (or any ProviderError when `code` is omitted). */
export function isProviderError(error: unknown, code?: ProviderErrorCode): error is ProviderError {
  return error instanceof ProviderError && (code === undefined || error.code === code);
}

/** ERR_INVALID_PROVIDER_CONFIG: the store's spec (or what it refers to) cannot work as written. */
export function invalidProviderConfig(message: string, cause?: unknown): ProviderError {
  return new ProviderError('ERR_INVALID_PROVIDER_CONFIG', message, cause === undefined ? {} : { cause });
}

/** ERR_PROPERTY_NOT_FOUND naming the property and the remote object, e.g. `secret 'db'` (never the value). */
export function propertyNotFound(property: string, what: string): ProviderError {
  return new ProviderError('ERR_PROPERTY_NOT_FOUND', `property '${property}' does not exist in ${what}`);
}

/** ERR_DECODING: a remote value does not have the shape the reference asks for. */
export function decodingError(message: string): ProviderError {
  return new ProviderError('ERR_DECODING', message);
}

/** ERR_UNSUPPORTED: the reference asks for something this provider does not do. */
export function unsupported(message: string): ProviderError {
  return new ProviderError('ERR_UNSUPPORTED', message);
}

/** ERR_PROVIDER_UNAVAILABLE for a provider whose `close()` was called. */
export function providerClosed(what: string): ProviderError {
  return new ProviderError('ERR_PROVIDER_UNAVAILABLE', `${what}: the provider was closed`);
}
