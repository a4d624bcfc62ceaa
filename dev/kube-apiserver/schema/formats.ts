import { isIP } from 'node:net';

/**
 * String formats the apiserver checks (kube-openapi `strfmt`). Formats not listed here are
 * accepted unchecked, as the apiserver ignores formats it does not know.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DURATION_UNIT = '(ns|us|µs|ms|s|m|h|d|w|seconds?|minutes?|hours?|days?|weeks?)';
const DURATION = new RegExp(`^[-+]?(\\d+(\\.\\d+)?\\s*${DURATION_UNIT}\\s*)+$`);
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID_VERSION = /^[0-9a-f]{8}-?[0-9a-f]{4}-?([345])[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOSTNAME =
  /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\.?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;

function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const family = isIP(address);
  return family !== 0 && Number(bits) <= (family === 4 ? 32 : 128);
}

function isUri(value: string): boolean {
  return URL.canParse(value);
}

function isUuidVersion(value: string, version: string): boolean {
  const match = UUID_VERSION.exec(value);
  return match !== null && match[1] === version;
}

const CHECKS: Record<string, (value: string) => boolean> = {
  date: (v) => DATE.test(v) && !Number.isNaN(Date.parse(v)),
  'date-time': (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  datetime: (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T'))),
  duration: (v) => v === '0' || DURATION.test(v),
  uuid: (v) => UUID.test(v),
  uuid3: (v) => isUuidVersion(v, '3'),
  uuid4: (v) => isUuidVersion(v, '4'),
  uuid5: (v) => isUuidVersion(v, '5'),
  byte: (v) => BASE64.test(v),
  ipv4: (v) => isIP(v) === 4,
  ipv6: (v) => isIP(v) === 6,
  cidr: isCidr,
  mac: (v) => MAC.test(v),
  hostname: (v) => v.length <= 255 && HOSTNAME.test(v),
  email: (v) => EMAIL.test(v),
  uri: isUri,
};

/** True when `value` is well formed for `format`, or when the format is not one the apiserver checks. */
export function matchesFormat(value: string, format: string): boolean {
  const check = CHECKS[format];
  return check === undefined || check(value);
}
