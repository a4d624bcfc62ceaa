import { badParameter } from '../vault/errors.ts';

/**
 * List pages as Key Vault sends them (reference §2.6): `{"value": [...], "nextLink": url | null}`,
 * `value` always an array, `maxresults` 1–25 (default and maximum 25), and a same-origin
 * nextLink carrying `$skiptoken`. The token holds the sort key of the next item, so a page
 * stays right when objects are added or removed between requests.
 */

export const MAX_PAGE_SIZE = 25;

export interface PageRequest {
  /** From `maxresults`; undefined when the client did not ask. */
  maxResults: number | undefined;
  /** Sort key of the first item of the page, from `$skiptoken`. */
  marker: string | undefined;
}

export interface Page<T> {
  value: T[];
  nextLink: string | null;
}

function decodeSkipToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { NextMarker?: unknown };
    if (typeof parsed.NextMarker === 'string') return parsed.NextMarker;
  } catch {
    // fall through to the error below
  }
  throw badParameter('The $skiptoken query parameter is not valid.');
}

function encodeSkipToken(marker: string): string {
  return Buffer.from(JSON.stringify({ NextMarker: marker }), 'utf8').toString('base64url');
}

/** Reads `maxresults` and `$skiptoken`; `BadParameter` when out of range or malformed. */
export function pageRequest(searchParams: URLSearchParams): PageRequest {
  const raw = searchParams.get('maxresults');
  let maxResults: number | undefined;
  if (raw !== null && raw !== '') {
    maxResults = Number(raw);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_PAGE_SIZE)
      throw badParameter(
        `Invalid value for maxresults: ${raw.slice(0, 20)}. It must be between 1 and ${MAX_PAGE_SIZE}.`,
      );
  }
  const token = searchParams.get('$skiptoken');
  return { maxResults, marker: token ? decodeSkipToken(token) : undefined };
}

/**
 * One page of `items` (already sorted by `keyOf`, ascending). `listUrl` is the list's URL on the
 * origin the client used, without query; the nextLink adds api-version, token and maxresults.
 */
export function pageOf<T, W>(
  items: T[],
  keyOf: (item: T) => string,
  toWire: (item: T) => W,
  request: PageRequest,
  listUrl: string,
  apiVersion: string,
): Page<W> {
  const size = request.maxResults ?? MAX_PAGE_SIZE;
  const marker = request.marker;
  const remaining = marker === undefined ? items : items.filter((item) => keyOf(item) >= marker);
  const value = remaining.slice(0, size).map(toWire);
  const next = remaining[size];
  if (next === undefined) return { value, nextLink: null };
  const maxResults = request.maxResults !== undefined ? `&maxresults=${request.maxResults}` : '';
  const query = `api-version=${encodeURIComponent(apiVersion)}&$skiptoken=${encodeSkipToken(keyOf(next))}`;
  return { value, nextLink: `${listUrl}?${query}${maxResults}` };
}
