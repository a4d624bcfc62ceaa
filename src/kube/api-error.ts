import { KvsyncError } from '../errors.ts';

/**
 * A failed call to the Kubernetes API server, code ERR_KUBE_API. `status` is the HTTP status
 * (0 when no response arrived) and `reason` the Status body's reason (`NotFound`, `Conflict`,
 * `AlreadyExists`, `Invalid`, `Forbidden`, …; `Transport` when no response arrived). The message
 * names the verb and object plus the server's short Status message; it never carries a request
 * or response body.
 */
export class KubeApiError extends KvsyncError {
  readonly status: number;
  readonly reason: string;
  /** For 422 Invalid: the fields the server rejected and why (never their values). */
  readonly causes: ReadonlyArray<{ field?: string; reason?: string }>;

  constructor(
    operation: string,
    status: number,
    reason: string,
    detail: string,
    options: { cause?: unknown; causes?: Array<{ field?: string; reason?: string }> } = {},
  ) {
    super(
      'ERR_KUBE_API',
      `${operation}: ${status || 'no response'} ${reason}${detail ? `: ${detail}` : ''}`,
      {
        cause: options.cause,
      },
    );
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
    this.causes = options.causes ?? [];
  }
}

/** The fields of a Kubernetes Status body kvsync reads. */
export interface StatusBody {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: Array<{ field?: string; reason?: string }> };
}

/** Parses a Status body; undefined when the text is not one. */
export function parseStatus(text: string): StatusBody | undefined {
  try {
    const body = JSON.parse(text) as StatusBody;
    return body && typeof body === 'object' && body.kind === 'Status' ? body : undefined;
  } catch {
    return undefined;
  }
}

const REASON_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Longest server message kept in an error. */
const MAX_DETAIL_CHARS = 300;

/** Builds the error for a non-2xx answer to `operation` (e.g. `update Secret ns/name`). */
export function kubeApiErrorFromResponse(operation: string, status: number, text: string): KubeApiError {
  const body = parseStatus(text);
  const reason = body?.reason || REASON_BY_STATUS[status] || 'Unknown';
  const detail = (body?.message ?? '').slice(0, MAX_DETAIL_CHARS);
  const causes = (body?.details?.causes ?? []).map(({ field, reason: why }) => ({ field, reason: why }));
  return new KubeApiError(operation, status, reason, detail, { causes });
}

/** Builds the error for a request that got no response (connection refused, TLS, timeout). */
export function kubeTransportError(operation: string, cause: unknown): KubeApiError {
  return new KubeApiError(operation, 0, 'Transport', describeCause(cause).slice(0, MAX_DETAIL_CHARS), {
    cause,
  });
}

/** `fetch failed (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6443)`: fetch hides the reason in `cause`. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return '';
  const inner = cause.cause as { code?: string; message?: string } | undefined;
  const why = inner?.message ? ` (${inner.code ? `${inner.code}: ` : ''}${inner.message})` : '';
  return `${cause.message}${why}`;
}

/** True when `error` is a KubeApiError with `reason`. */
export function isKubeApiError(error: unknown, reason?: string): error is KubeApiError {
  return error instanceof KubeApiError && (reason === undefined || error.reason === reason);
}

export const isNotFound = (error: unknown): boolean => isKubeApiError(error, 'NotFound');
export const isConflict = (error: unknown): boolean => isKubeApiError(error, 'Conflict');
export const isAlreadyExists = (error: unknown): boolean => isKubeApiError(error, 'AlreadyExists');
