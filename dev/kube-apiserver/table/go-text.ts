/**
 * How client-go's JSONPath printer (`PrintResults`) writes one value as text, for CRD columns of
 * type string: strings as they are, maps and arrays as compact Go JSON, other scalars with Go's
 * `%v`, and a JSON null as `<no value>`.
 */

/** Go's `%v` of a float64 (`%g`, shortest digits): exponent form below 1e-4 and from 1e6 on. */
function goFloat(value: number): string {
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

/**
 * A JSON number as Go prints it: an integral value in int64 range was decoded as int64 and
 * prints as digits; anything else was a float64.
 */
export function goNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value).toString();
  return goFloat(value);
}

const HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function sortedKeys(value: Record<string, unknown>): Record<string, unknown> {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = value[key];
  return sorted;
}

/** `json.Marshal`: map keys sorted, `<`, `>`, `&` escaped as Go does. */
export function goJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? sortedKeys(item as Record<string, unknown>)
      : item,
  );
  return (text ?? 'null').replace(/[<>&\u2028\u2029]/g, (char) => HTML_ESCAPES[char]!);
}

/** One JSONPath result as `PrintResults` writes it. */
export function goText(value: unknown): string {
  if (value === null || value === undefined) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return goJson(value);
}
