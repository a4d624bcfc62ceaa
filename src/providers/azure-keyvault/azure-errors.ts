import { KvsyncError } from '../../errors.ts';
import { ProviderError, type ProviderErrorCode } from '../errors.ts';
import type { AzureObjectType } from './object-ref.ts';

/**
 * Translation of what the Azure SDK throws into `ProviderError`s (STYLE rule 3). The SDK's
 * `RestError` and the identity errors are recognised by shape, so no transitive package is
 * imported. Messages name the operation and target, then the status and Azure's code, then
 * what to do; they never carry values or tokens.
 */

/** One Key Vault operation, as messages name it. */
export interface AzureCallTarget {
  /** e.g. `get secret`, `get certificate`, `list secrets`. */
  operation: string;
  objectType: AzureObjectType;
  /** The access-policy permission the operation needs. */
  permission: 'get' | 'list';
  /** Object name; absent for list calls. */
  name?: string;
  version?: string;
  vaultUrl: string;
  /** The identity the credential stands for, e.g. `service principal 7c9e… (client secret)`. */
  identity: string;
}

/** The parts of the SDK's `RestError` this module reads. */
export interface RestErrorLike {
  name: 'RestError';
  message: string;
  statusCode?: number;
  code?: string;
  details?: unknown;
  response?: { headers: { get(name: string): string | undefined } };
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

const RBAC_ROLES: Record<AzureObjectType, string> = {
  secret: 'Key Vault Secrets User',
  key: 'Key Vault Crypto User',
  cert: 'Key Vault Certificate User',
};

const POLICY_NOUNS: Record<AzureObjectType, string> = { secret: 'secret', key: 'key', cert: 'certificate' };

export function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError';
}

export function isCredentialError(error: unknown): boolean {
  return error instanceof Error && CREDENTIAL_ERRORS.has(error.name);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** The most specific Azure code: `innererror.code` when present, else `error.code`. */
export function azureCodes(error: RestErrorLike): { code?: string; innerCode?: string } {
  const body = (
    error.details as {
      error?: { code?: string; innerError?: { code?: string }; innererror?: { code?: string } };
    }
  )?.error;
  const innerCode = body?.innerError?.code ?? body?.innererror?.code;
  const code = error.code ?? body?.code;
  return { ...(code ? { code } : {}), ...(innerCode ? { innerCode } : {}) };
}

/** Removes anything shaped like a JWT, should an upstream message ever echo one. */
export function redactTokens(text: string): string {
  return text.replace(/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, '[token]');
}

function firstLine(text: string): string {
  const line = redactTokens(text).split(/\r?\n/)[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function vaultName(vaultUrl: string): string {
  try {
    return new URL(vaultUrl).hostname.split('.')[0]!;
  } catch {
    return vaultUrl;
  }
}

/**
 * `get secret 'db' from https://v.vault.azure.net` (with the version when one was asked for);
 * for calls without an object, the operation then the vault: `list secrets of https://…`.
 */
export function describeCall(target: AzureCallTarget): string {
  const vault = target.vaultUrl.replace(/\/+$/, '');
  if (target.name === undefined) return `${target.operation} ${vault}`;
  const version = target.version ? ` version ${target.version}` : '';
  return `${target.operation} '${target.name}'${version} from ${vault}`;
}

function forbiddenAdvice(target: AzureCallTarget, innerCode: string | undefined, message: string): string {
  const noun = POLICY_NOUNS[target.objectType];
  switch (innerCode) {
    case 'ForbiddenByRbac':
      return `the identity (${target.identity}) needs the '${RBAC_ROLES[target.objectType]}' role on vault ${vaultName(target.vaultUrl)}`;
    case 'AccessDenied':
    case 'ForbiddenByPolicy':
      return `the identity (${target.identity}) needs the '${target.permission}' ${noun} permission in the vault's access policy`;
    case 'ForbiddenByFirewall':
      return "the vault's firewall does not admit the operator's address: add it to the vault's network rules or use a private endpoint";
    case 'ForbiddenByConnection':
      return "the vault's public network access is disabled: reach it through an approved private endpoint";
    case undefined:
      // The SDK's pager drops the error body, and with it the inner code.
      return `the identity (${target.identity}) needs the '${RBAC_ROLES[target.objectType]}' role (RBAC vaults) or the '${target.permission}' ${noun} permission in the vault's access policy`;
    default:
      return `access denied: ${firstLine(message)}`;
  }
}

function isDisabled(innerCode: string | undefined, message: string): boolean {
  return /Disabled$/.test(innerCode ?? '') || /disabled (secret|key|certificate)/i.test(message);
}

function httpError(
  error: RestErrorLike,
  target: AzureCallTarget,
  retryAfterMs: number | undefined,
): ProviderError {
  const status = error.statusCode!;
  const { code, innerCode } = azureCodes(error);
  const head = `${describeCall(target)}: ${status} ${innerCode ?? code ?? ''}`.trimEnd();
  const details = {
    statusCode: status,
    cause: error,
    ...(innerCode || code ? { providerCode: innerCode ?? code } : {}),
  };
  const fail = (errorCode: ProviderErrorCode, advice: string, extra: { retryAfterMs?: number } = {}) =>
    new ProviderError(errorCode, `${head} — ${advice}`, { ...details, ...extra });
  const noun = POLICY_NOUNS[target.objectType];
  if (status === 404) return fail('ERR_PROVIDER_NOT_FOUND', `the ${noun} does not exist in the vault`);
  if (status === 403 && isDisabled(innerCode, error.message))
    return fail('ERR_PROVIDER_DISABLED', `the ${noun} is disabled in the vault`);
  if (status === 403)
    return fail('ERR_PROVIDER_FORBIDDEN', forbiddenAdvice(target, innerCode, error.message));
  if (status === 401)
    return fail('ERR_PROVIDER_UNAUTHENTICATED', `the vault did not accept the token of ${target.identity}`);
  if (status === 429) {
    const waitMs = retryAfterMs ?? 1000;
    return fail(
      'ERR_PROVIDER_THROTTLED',
      `the vault is throttling requests; retry in ${Math.ceil(waitMs / 1000)}s`,
      {
        retryAfterMs: waitMs,
      },
    );
  }
  if (status === 408 || status >= 500)
    return fail('ERR_PROVIDER_UNAVAILABLE', `Key Vault did not answer: ${firstLine(error.message)}`);
  return fail('ERR_PROVIDER_BAD_REQUEST', firstLine(error.message));
}

function credentialError(error: Error, target: AzureCallTarget): ProviderError {
  return new ProviderError(
    'ERR_PROVIDER_UNAUTHENTICATED',
    `${describeCall(target)}: ${target.identity} could not get a token: ${firstLine(error.message)}`,
    { cause: error },
  );
}

function networkCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : undefined;
}

/**
 * The ProviderError for whatever a Key Vault call threw. `retryAfterMs` is the wait to report
 * for a 429 (from Retry-After, or the caller's backoff estimate). An abort is returned
 * unchanged (the caller asked for it), and so is a KvsyncError raised underneath (e.g. by the
 * Kubernetes reads of a workload-identity credential).
 */
export function translateAzureError(error: unknown, target: AzureCallTarget, retryAfterMs?: number): unknown {
  if (isAbortError(error) || error instanceof KvsyncError) return error;
  if (isRestError(error) && error.statusCode) return httpError(error, target, retryAfterMs);
  if (isCredentialError(error)) return credentialError(error as Error, target);
  const message = error instanceof Error ? error.message : String(error);
  const code = networkCode(error);
  if (code)
    return new ProviderError(
      'ERR_PROVIDER_UNAVAILABLE',
      `${describeCall(target)}: cannot reach the vault (${code})`,
      {
        cause: error,
        providerCode: code,
      },
    );
  if (/challenge/i.test(message))
    return new ProviderError(
      'ERR_PROVIDER_UNAUTHENTICATED',
      `${describeCall(target)}: the vault's authentication challenge was refused: ${firstLine(message)}`,
      { cause: error },
    );
  return new ProviderError('ERR_PROVIDER_UNAVAILABLE', `${describeCall(target)}: ${firstLine(message)}`, {
    cause: error,
  });
}
