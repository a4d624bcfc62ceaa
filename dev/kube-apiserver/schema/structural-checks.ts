import type { StatusCause } from '../types.ts';
import { cause } from '../errors.ts';
import { childPath, isJsonObject, itemSchema } from './json-value.ts';
import { requiredWithDetail } from './scalar-checks.ts';
import type { JSONSchemaProps } from './types.ts';
import { validateObject } from './validate.ts';

/**
 * The main rules that make an `openAPIV3Schema` structural (apiextensions `structuralschema`
 * validation): every specified field has a type (unless int-or-string or preserve-unknown-fields),
 * arrays name their items, the root is an object, and the non-structural keywords are absent.
 * Defaults are checked against their own schema. Value validations inside allOf/anyOf/oneOf/not
 * are not inspected.
 */

const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

function forbidden(field: string, detail: string): StatusCause {
  return cause.forbidden(field, detail);
}

/** Checks the schema of one CRD version; `path` is `spec.versions[i].schema.openAPIV3Schema`. */
export function validateStructuralSchema(schema: unknown, path: string): StatusCause[] {
  if (!isJsonObject(schema)) return [cause.typeInvalid(path, schema, 'must be an object')];
  const root = schema as JSONSchemaProps;
  const causes: StatusCause[] = [];
  if (root.type === undefined || root.type === '') {
    causes.push(requiredWithDetail(childPath(path, 'type'), 'must not be empty at the root'));
  } else if (root.type !== 'object') {
    causes.push(cause.invalid(childPath(path, 'type'), root.type, 'must be object at the root'));
  }
  causes.push(...checkNode(root, path, 'root'));
  return causes;
}

type NodeRole = 'root' | 'property' | 'item';

function checkNode(node: JSONSchemaProps, path: string, role: NodeRole): StatusCause[] {
  const causes = [
    ...checkNodeType(node, path, role),
    ...checkKeywords(node, path),
    ...checkDefault(node, path),
  ];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    causes.push(...checkChild(child, `${childPath(path, 'properties')}[${key}]`, 'property'));
  }
  const items = itemSchema(node);
  if (items) causes.push(...checkChild(items, childPath(path, 'items'), 'item'));
  if (isJsonObject(node.additionalProperties)) {
    causes.push(
      ...checkChild(node.additionalProperties, childPath(path, 'additionalProperties'), 'property'),
    );
  }
  return causes;
}

function checkChild(child: unknown, path: string, role: NodeRole): StatusCause[] {
  if (!isJsonObject(child)) return [cause.typeInvalid(path, child, 'must be an object')];
  return checkNode(child as JSONSchemaProps, path, role);
}

function checkNodeType(node: JSONSchemaProps, path: string, role: NodeRole): StatusCause[] {
  const typeField = childPath(path, 'type');
  if (node.type === undefined || node.type === '') {
    const exempt =
      node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
    if (role === 'root' || exempt) return [];
    const where = role === 'item' ? 'array items' : 'object fields';
    return [requiredWithDetail(typeField, `must not be empty for specified ${where}`)];
  }
  if (!TYPES.includes(node.type)) return [cause.unsupported(typeField, node.type, TYPES)];
  if (node.type === 'array' && node.items === undefined) {
    return [requiredWithDetail(childPath(path, 'items'), 'must be specified')];
  }
  return [];
}

function checkKeywords(node: JSONSchemaProps, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (node.properties && node.additionalProperties !== undefined) {
    const detail = 'additionalProperties and properties are mutual exclusive';
    causes.push(forbidden(childPath(path, 'additionalProperties'), detail));
  } else if (node.additionalProperties === false) {
    causes.push(
      forbidden(childPath(path, 'additionalProperties'), 'must not be false in structural schemas'),
    );
  }
  if (node.uniqueItems === true) {
    const detail = 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic';
    causes.push(forbidden(childPath(path, 'uniqueItems'), detail));
  }
  if (node.$ref !== undefined) causes.push(forbidden(childPath(path, '$ref'), '$ref is not supported'));
  if (node['x-kubernetes-list-type'] === 'map' && !node['x-kubernetes-list-map-keys']?.length) {
    const field = childPath(path, 'x-kubernetes-list-map-keys');
    causes.push(requiredWithDetail(field, 'must not be empty if x-kubernetes-list-type is map'));
  }
  return causes;
}

/** A default must itself pass its schema (after which the apiserver stores it pruned). */
function checkDefault(node: JSONSchemaProps, path: string): StatusCause[] {
  if (node.default === undefined) return [];
  const { default: value, ...withoutDefault } = node;
  const field = childPath(path, 'default');
  return validateObject(value, withoutDefault).map((c) => cause.invalid(field, value, c.message));
}
