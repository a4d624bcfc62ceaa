import { decodingError, propertyNotFound, ProviderError } from '../errors.ts';
import {
  escapeJsonPathComponent,
  getJsonPath,
  isJson,
  jsonObjectMembers,
  jsonSpanText,
} from '../json-path.ts';

/**
 * ESO's value shaping for Azure (`getProperty`, `getSecretTag`, `getSecretMapMap`,
 * `getSecretTags`), on text and tags already fetched. `what` names the remote object in errors
 * (e.g. `secret 'db'`); values never appear in them.
 */

/**
 * `property` of a JSON value: the whole `text` when `property` is empty; else the gjson path;
 * on a miss, a path with dots is retried as one literal key (`a.b`). Strings come back
 * unquoted, other values as JSON (see `jsonSpanText`). Throws ERR_DECODING when `text` is not
 * JSON, ERR_PROPERTY_NOT_FOUND when the property is absent.
 */
export function extractProperty(text: string, property: string | undefined, what: string): Buffer {
  if (!property) return Buffer.from(text, 'utf8');
  if (!isJson(text))
    throw decodingError(`${what} is not JSON, so property '${property}' cannot be read from it`);
  const span =
    getJsonPath(text, property) ??
    (property.includes('.') ? getJsonPath(text, escapeJsonPathComponent(property)) : undefined);
  if (!span) throw propertyNotFound(property, what);
  return Buffer.from(jsonSpanText(span), 'utf8');
}

/** Tags as a JSON object with sorted keys (Go's `json.Marshal` of a map). */
export function tagsJson(tags: Record<string, string>): string {
  const sorted = Object.fromEntries(
    Object.keys(tags)
      .sort()
      .map((name) => [name, tags[name]]),
  );
  return JSON.stringify(sorted);
}

/**
 * `metadataPolicy: Fetch` for one value: all tags as JSON when `property` is empty; the tag
 * named `property`; or `tag.path` into a tag whose value is JSON. Throws ERR_PROPERTY_NOT_FOUND
 * when there is no such tag.
 */
export function tagProperty(
  tags: Record<string, string>,
  property: string | undefined,
  what: string,
): Buffer {
  if (!property) return Buffer.from(tagsJson(tags), 'utf8');
  if (Object.hasOwn(tags, property)) return Buffer.from(tags[property]!, 'utf8');
  const dot = property.indexOf('.');
  const tagName = property.slice(0, dot);
  if (dot > 0 && Object.hasOwn(tags, tagName))
    return extractProperty(tags[tagName]!, property.slice(dot + 1), `tag '${tagName}' of ${what}`);
  throw new ProviderError('ERR_PROPERTY_NOT_FOUND', `tag '${property}' does not exist on ${what}`);
}

/**
 * `dataFrom.extract`: the members of a JSON object value; strings unquoted, other values as
 * written, `null` as empty. Throws ERR_DECODING when the value is not a JSON object.
 */
export function jsonObjectEntries(text: string, what: string): Map<string, Buffer> {
  const members = isJson(text) ? jsonObjectMembers(text) : undefined;
  if (!members)
    throw decodingError(`${what} is not a JSON object, so dataFrom.extract cannot expand it into keys`);
  const entries = new Map<string, Buffer>();
  for (const [name, span] of members)
    entries.set(
      name,
      Buffer.from(span.kind === 'string' || span.kind === 'null' ? jsonSpanText(span) : span.raw),
    );
  return entries;
}

function flatStringObject(value: string): Record<string, string> | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed);
    return entries.every(([, v]) => typeof v === 'string') ? Object.fromEntries(entries) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `dataFrom.extract` with `metadataPolicy: Fetch`: one key per tag, `<name>_<tag>`; a tag whose
 * value is a JSON object of strings becomes `<name>_<tag>_<field>` per field. With `property`,
 * only the key `<name>_<property>`; throws ERR_PROPERTY_NOT_FOUND when it is not among them.
 */
export function tagEntries(
  tags: Record<string, string>,
  name: string,
  property: string | undefined,
  what: string,
): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  for (const [tag, value] of Object.entries(tags)) {
    const fields = flatStringObject(value);
    if (!fields) entries.set(`${name}_${tag}`, Buffer.from(value, 'utf8'));
    else
      for (const [field, text] of Object.entries(fields))
        entries.set(`${name}_${tag}_${field}`, Buffer.from(text));
  }
  if (!property) return entries;
  const wanted = `${name}_${property}`;
  const value = entries.get(wanted);
  if (!value) throw propertyNotFound(property, `the tags of ${what}`);
  return new Map([[wanted, value]]);
}
