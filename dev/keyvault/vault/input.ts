import { randomBytes } from 'node:crypto';
import { badParameter } from './errors.ts';
import type { ObjectAttributes } from './model.ts';

/**
 * Checks of what clients send: object names, attributes, tags, content types. Each throws a
 * `BadParameter` VaultError naming the field, never echoing a value that might be secret.
 */

const NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION_PATTERN = /^[0-9a-fA-F]{32}$/;
const MAX_TAGS = 15;
const MAX_TAG_NAME = 512;
const MAX_TAG_VALUE = 256;
const MAX_CONTENT_TYPE = 255;

/** A new version id: 32 lowercase hex characters. */
export function newVersion(): string {
  return randomBytes(16).toString('hex');
}

/** Throws unless `name` is a valid object name (`^[0-9a-zA-Z-]{1,127}$`). */
export function checkName(name: string, kind: string): void {
  if (!NAME_PATTERN.test(name))
    throw badParameter(
      `The request URI contains an invalid name: ${JSON.stringify(name.slice(0, 130))}. ${kind} names must be 1-127 characters long and may contain only 0-9, a-z, A-Z and -.`,
    );
}

/** True when `version` looks like a version id (so `versions`, `backup`, … are not). */
export function isVersionId(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as an object; `BadParameter` for anything else. */
export function bodyObject(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) throw badParameter('The request body must be a JSON object.');
  return body;
}

function unixSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badParameter(`Invalid value for attribute '${field}': expected Unix seconds.`);
  return Math.trunc(value);
}

/** The settable attributes (`enabled`, `nbf`, `exp`) of a request body. */
export interface AttributeInput {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

/** Parses `attributes`; `undefined` when absent. */
export function parseAttributes(value: unknown): AttributeInput | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badParameter("Invalid value for 'attributes': expected an object.");
  const enabled = value.enabled;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean')
    throw badParameter("Invalid value for attribute 'enabled': expected a boolean.");
  const nbf = unixSeconds(value.nbf, 'nbf');
  const exp = unixSeconds(value.exp, 'exp');
  if (nbf !== undefined && exp !== undefined && nbf > exp)
    throw badParameter("The attribute 'nbf' must not be later than 'exp'.");
  return {
    ...(typeof enabled === 'boolean' ? { enabled } : {}),
    ...(nbf !== undefined ? { nbf } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
}

/** Attributes of a new version, created now. */
export function newAttributes(input: AttributeInput | undefined, now: number): ObjectAttributes {
  return {
    enabled: input?.enabled ?? true,
    ...(input?.nbf !== undefined ? { nbf: input.nbf } : {}),
    ...(input?.exp !== undefined ? { exp: input.exp } : {}),
    created: now,
    updated: now,
  };
}

/** Applies an update to existing attributes (fields absent from `input` stay). */
export function updateAttributes(
  current: ObjectAttributes,
  input: AttributeInput | undefined,
  now: number,
): ObjectAttributes {
  const next: ObjectAttributes = { ...current, ...input, updated: now };
  if (next.nbf !== undefined && next.exp !== undefined && next.nbf > next.exp)
    throw badParameter("The attribute 'nbf' must not be later than 'exp'.");
  return next;
}

/** Parses `tags`: at most 15, string values, Azure's length limits. */
export function parseTags(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badParameter("Invalid value for 'tags': expected an object of strings.");
  const entries = Object.entries(value);
  if (entries.length > MAX_TAGS) throw badParameter(`At most ${MAX_TAGS} tags are allowed.`);
  for (const [name, tag] of entries) {
    if (typeof tag !== 'string') throw badParameter(`Tag '${name.slice(0, 64)}' must have a string value.`);
    if (name.length > MAX_TAG_NAME || tag.length > MAX_TAG_VALUE)
      throw badParameter(
        `Tag names are limited to ${MAX_TAG_NAME} and values to ${MAX_TAG_VALUE} characters.`,
      );
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Parses `contentType` (≤ 255 characters). */
export function parseContentType(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw badParameter("Invalid value for 'contentType': expected a string.");
  if (value.length > MAX_CONTENT_TYPE)
    throw badParameter(`The content type must not exceed ${MAX_CONTENT_TYPE} characters.`);
  return value;
}
