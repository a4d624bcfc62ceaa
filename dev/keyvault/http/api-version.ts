import { badParameter } from '../vault/errors.ts';

/**
 * The `api-version` check. Every version the current SDKs can send is accepted; so is any later
 * date version (a newer SDK should not break the emulator); anything else gets Azure's 400.
 */

/** Versions the secrets, keys and certificates SDKs know (`serviceVersion` options). */
export const KNOWN_API_VERSIONS: readonly string[] = [
  '2016-10-01',
  '7.0',
  '7.1',
  '7.2',
  '7.3',
  '7.4',
  '7.5',
  '7.6-preview.1',
  '7.6-preview.2',
  '7.6',
  '2025-07-01',
  '2026-04-01',
];

export const LATEST_KNOWN_API_VERSION = '2026-04-01';

const DATE_VERSION = /^(\d{4}-\d{2}-\d{2})(-preview)?$/;

/** True when `version` is served. */
export function isSupportedApiVersion(version: string): boolean {
  if (KNOWN_API_VERSIONS.includes(version)) return true;
  const date = DATE_VERSION.exec(version)?.[1];
  return date !== undefined && date >= '2025-07-01';
}

/** Returns the request's api-version or throws `BadParameter` as Azure does. */
export function checkApiVersion(searchParams: URLSearchParams): string {
  const version = searchParams.get('api-version');
  if (version === null || version === '')
    throw badParameter('The api-version query parameter (?api-version=) is required for all requests.');
  if (!isSupportedApiVersion(version))
    throw badParameter(
      `The specified version (${version.slice(0, 40)}) is not recognized. Consider using the latest supported version (${LATEST_KNOWN_API_VERSION}).`,
    );
  return version;
}
