/**
 * Makes log fields safe to write: secret values never leave the process through a log line.
 *
 * - A field whose key names a value carrier (`value`, `data`, `stringData`, `password`,
 *   `secret`, `token`, `clientSecret`, `authorization`, … case-insensitive, and camelCase or
 *   snake_case names ending in one of them, such as `accessToken` or `db_password`) becomes
 *   `"[redacted]"`, at any depth.
 * - Bytes (Buffer, any typed array, ArrayBuffer) become `"[bytes:N]"`.
 * - Errors become `{name, code, message}`: messages of kvsync's errors are value-free by
 *   contract (`src/errors.ts`). A cause is kept only when it is a KvsyncError as well; any
 *   other cause is reduced to `{name, code}`, since foreign messages may quote input.
 * - URLs keep origin and path; a query string (Event Grid puts its shared secret there)
 *   becomes `?[redacted]`.
 * The result is plain JSON data; cycles become `"[circular]"`, depth past 12 `"[truncated]"`.
 */
import { KvsyncError } from '../errors.ts';

export const REDACTED = '[redacted]';

const CARRIER_WORDS = [
  'value',
  'data',
  'stringdata',
  'binarydata',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'clientsecret',
  'token',
  'authorization',
  'cookie',
  'setcookie',
  'apikey',
  'privatekey',
  'credential',
  'credentials',
];
const CARRIER_KEYS: ReadonlySet<string> = new Set(CARRIER_WORDS);
const CAMEL_SUFFIX =
  /[a-z0-9](?:Value|Data|Password|Passwd|Passphrase|Secret|Token|Authorization|Credentials?)$/;
const SEPARATED_SUFFIX =
  /[-_.](?:value|data|password|passwd|passphrase|secret|token|authorization|credentials?)$/i;
const MAX_DEPTH = 12;
const MAX_CAUSES = 5;

/** True when a field of this name may carry a secret value and is therefore never logged. */
export function isValueCarrierKey(key: string): boolean {
  return (
    CARRIER_KEYS.has(key.toLowerCase().replaceAll(/[-_]/g, '')) ||
    CAMEL_SUFFIX.test(key) ||
    SEPARATED_SUFFIX.test(key)
  );
}

/** A JSON-safe, redacted copy of `value`; never throws, never mutates its input. */
export function redact(value: unknown): unknown {
  return redactAt(value, new WeakSet(), 0);
}

function redactAt(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'undefined') return undefined;
  if (typeof value !== 'object') return `[${typeof value}]`;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
    return `[bytes:${value.byteLength}]`;
  }
  if (value instanceof Error) return redactError(value, 0);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof URL) return redactUrl(value);
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  seen.add(value);
  try {
    return redactContainer(value, seen, depth + 1);
  } finally {
    seen.delete(value);
  }
}

function redactContainer(value: object, seen: WeakSet<object>, depth: number): unknown {
  if (Array.isArray(value)) return value.map((item) => redactAt(item, seen, depth) ?? null);
  if (value instanceof Set) return [...value].map((item) => redactAt(item, seen, depth) ?? null);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const name = String(key);
    out[name] = isValueCarrierKey(name) ? REDACTED : redactAt(item, seen, depth);
  }
  return out;
}

interface LoggedError {
  name: string;
  code?: string;
  message?: string;
  cause?: LoggedError;
}

function redactError(error: Error, causeDepth: number): LoggedError {
  const logged: LoggedError = { name: error.name };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') logged.code = String(code);
  if (causeDepth === 0 || error instanceof KvsyncError) logged.message = error.message;
  if (error instanceof KvsyncError && error.cause instanceof Error && causeDepth < MAX_CAUSES) {
    logged.cause = redactError(error.cause, causeDepth + 1);
  }
  return logged;
}

function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}${url.search === '' ? '' : `?${REDACTED}`}`;
}
