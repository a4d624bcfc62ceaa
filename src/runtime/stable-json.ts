/**
 * JSON with object keys sorted (by code point), so that two equal values give the same text
 * whatever order their keys were written in — an API server may return them in another order.
 * For equality checks, not for storage.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
