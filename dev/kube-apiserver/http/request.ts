import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, KubeStatusError, unsupportedMediaType } from '../errors.ts';
import { decodeKubernetesProtobuf } from './protobuf.ts';

/** Parsing of what arrives: the resource path, the query and the body. */

export interface ResourcePath {
  group: string;
  version: string;
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * Splits `/api/v1/...` or `/apis/<group>/<version>/...` into its parts; undefined when the path
 * names no resource (discovery, unknown paths). `/api/v1/namespaces/x/status` is the namespace's
 * status, not a resource called "status".
 */
export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, rest] = [parts[1]!, parts.slice(3)];
  else return undefined;
  const version = parts[0] === 'api' ? parts[1]! : parts[2]!;
  const namespacedPath =
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    !(rest.length === 3 && ['status', 'finalize'].includes(rest[2]!));
  if (namespacedPath) {
    if (rest.length > 5) return undefined;
    return { group, version, namespace: rest[1], resource: rest[2]!, name: rest[3], subresource: rest[4] };
  }
  if (rest.length > 3) return undefined;
  return { group, version, namespace: undefined, resource: rest[0]!, name: rest[1], subresource: rest[2] };
}

/** Reads the whole body (bounded; 413 past 3 MiB). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new KubeStatusError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body, YAML for apply patches, or the few protobuf messages kubectl sends. */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const mediaType = (contentType ?? '').split(';')[0]!.trim();
  if (body.length > 0 && mediaType === 'application/vnd.kubernetes.protobuf')
    return decodeKubernetesProtobuf(body);
  if (mediaType.includes('protobuf') || mediaType.includes('cbor')) {
    throw unsupportedMediaType(['application/json', 'application/yaml']);
  }
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    if (mediaType.endsWith('yaml')) return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`error decoding request body: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The `dryRun` query parameter: only `All` is valid. */
export function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (values.length === 0) return false;
  if (values.every((v) => v === 'All')) return true;
  throw badRequest(`Invalid dryRun value: ${values.join(',')}: only "All" is supported`);
}

export function fieldValidationOf(query: URLSearchParams): 'Strict' | 'Warn' | 'Ignore' {
  const value = query.get('fieldValidation') ?? 'Ignore';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation: invalid value "${value}": must be one of Ignore, Warn, Strict`);
}

export function integerParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw badRequest(`${name}: invalid value "${value}"`);
  return parsed;
}
