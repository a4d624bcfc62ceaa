/**
 * `HOST:PORT` addresses as Go servers write them: `:8080` (all interfaces), `127.0.0.1:8081`,
 * `localhost:0`, `[::1]:8080`. Port 0 asks the system for a free port.
 */
import { KvsyncError } from '../errors.ts';

export interface HostPort {
  /** Host name or IP without brackets; undefined for `:PORT`, meaning every interface. */
  host: string | undefined;
  port: number;
}

const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/;

/** Parses `HOST:PORT`; throws ERR_INVALID_CONFIG when the text is not of that form or the port exceeds 65535. */
export function parseHostPort(address: string): HostPort {
  const match = HOST_PORT.exec(address);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65_535) {
    throw new KvsyncError(
      'ERR_INVALID_CONFIG',
      `invalid address '${address}': expected HOST:PORT such as :8080, 127.0.0.1:8081 or [::1]:8080`,
    );
  }
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

/** A host as a URL writes it: IPv6 in brackets; an all-interfaces host becomes loopback. */
export function urlHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
