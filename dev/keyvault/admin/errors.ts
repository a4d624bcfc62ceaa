/** Permanent codes of the test controls' errors; tests and the admin API assert these, not wording. */
export type AdminErrorCode =
  | 'InvalidFaultRule'
  | 'InvalidThrottlingSettings'
  | 'InvalidSubscription'
  | 'SubscriptionValidationFailed'
  | 'SubscriptionNotFound'
  | 'InvalidRequest'
  | 'UnknownRole'
  | 'JwksUnavailable'
  | 'NotFound';

/** Error of the test controls. Messages name the operation and target, never a secret value. */
export class AdminError extends Error {
  readonly code: AdminErrorCode;

  constructor(code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdminError';
    this.code = code;
  }
}
