import type { StatusCause } from '../types.ts';
import { cause } from '../errors.ts';
import { isDns1035Label, isDns1123Subdomain } from '../names.ts';
import { indexPath, isJsonObject, type JsonObject } from './json-value.ts';
import { requiredWithDetail } from './scalar-checks.ts';
import { validateStructuralSchema } from './structural-checks.ts';

/**
 * The CustomResourceDefinition checks (`apiextensions/validation`) that decide whether a CRD is
 * accepted: names, group, scope, versions and their schemas. Defaulting (singular, listKind,
 * printer columns) is done elsewhere, so an absent singular or listKind is valid here.
 */

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function record(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/**
 * Validates an `apiextensions.k8s.io/v1` CustomResourceDefinition and returns the causes of a
 * 422, empty when it is acceptable. Checks: `metadata.name` is `<plural>.<group>`; group is a DNS
 * subdomain with a dot; plural/singular/kind/listKind/shortNames syntax; scope; at least one
 * version, unique version names, exactly one storage version, each version with a structural
 * `schema.openAPIV3Schema`; printer columns name a type and jsonPath.
 */
export function validateCustomResourceDefinition(crd: unknown): StatusCause[] {
  const object = record(crd);
  const spec = record(object['spec']);
  const names = record(spec['names']);
  const group = text(spec['group']);
  const plural = text(names['plural']);
  const causes: StatusCause[] = [];
  const name = text(record(object['metadata'])['name']);
  if (name !== `${plural}.${group}`) {
    causes.push(cause.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
  causes.push(...checkGroup(group), ...checkNames(names), ...checkScope(spec['scope']));
  causes.push(...checkVersions(spec['versions']));
  return causes;
}

function checkGroup(group: string): StatusCause[] {
  if (group === '') return [cause.required('spec.group')];
  const causes = isDns1123Subdomain(group).map((m) => cause.invalid('spec.group', group, m));
  if (!group.includes('.'))
    causes.push(cause.invalid('spec.group', group, 'should be a domain with at least one dot'));
  return causes;
}

function dns1035(field: string, value: string): StatusCause[] {
  const errors = isDns1035Label(value);
  return errors.length > 0 ? [cause.invalid(field, value, errors.join(','))] : [];
}

function kindSyntax(field: string, value: string): StatusCause[] {
  if (isDns1035Label(value.toLowerCase()).length === 0) return [];
  return [
    cause.invalid(
      field,
      value,
      'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?',
    ),
  ];
}

function checkNames(names: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const plural = text(names['plural']);
  const singular = text(names['singular']);
  const kind = text(names['kind']);
  const listKind = text(names['listKind']);
  if (plural === '') causes.push(cause.required('spec.names.plural'));
  else causes.push(...dns1035('spec.names.plural', plural));
  if (singular !== '') causes.push(...dns1035('spec.names.singular', singular));
  if (kind === '') causes.push(cause.required('spec.names.kind'));
  else causes.push(...kindSyntax('spec.names.kind', kind));
  if (listKind !== '') {
    causes.push(...kindSyntax('spec.names.listKind', listKind));
    if (listKind === kind)
      causes.push(cause.invalid('spec.names.listKind', listKind, 'kind and listKind may not be the same'));
  }
  for (const key of ['shortNames', 'categories']) {
    const list = names[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => causes.push(...dns1035(indexPath(`spec.names.${key}`, i), text(entry))));
  }
  return causes;
}

function checkScope(scope: unknown): StatusCause[] {
  if (scope === undefined || scope === '') return [cause.required('spec.scope')];
  return SCOPES.includes(text(scope)) ? [] : [cause.unsupported('spec.scope', scope, SCOPES)];
}

function checkVersions(value: unknown): StatusCause[] {
  const versions = Array.isArray(value) ? value.map(record) : [];
  if (versions.length === 0)
    return [requiredWithDetail('spec.versions', 'must have exactly one version marked as storage version')];
  const causes: StatusCause[] = [];
  const versionNames = versions.map((v) => text(v['name']));
  versions.forEach((version, i) => causes.push(...checkVersion(version, `spec.versions[${i}]`)));
  if (new Set(versionNames).size !== versionNames.length) {
    causes.push(cause.invalid('spec.versions', versionNames, 'must contain unique version names'));
  }
  if (versions.filter((v) => v['storage'] === true).length !== 1) {
    causes.push(
      cause.invalid('spec.versions', versionNames, 'must have exactly one version marked as storage version'),
    );
  }
  return causes;
}

function checkVersion(version: JsonObject, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = text(version['name']);
  if (name === '') causes.push(cause.required(`${path}.name`));
  else causes.push(...dns1035(`${path}.name`, name));
  for (const flag of ['served', 'storage']) {
    if (typeof version[flag] !== 'boolean') causes.push(cause.required(`${path}.${flag}`));
  }
  const schema = record(version['schema'])['openAPIV3Schema'];
  const schemaPath = `${path}.schema.openAPIV3Schema`;
  if (schema === undefined) causes.push(requiredWithDetail(schemaPath, 'schemas are required'));
  else causes.push(...validateStructuralSchema(schema, schemaPath));
  causes.push(
    ...checkPrinterColumns(version['additionalPrinterColumns'], `${path}.additionalPrinterColumns`),
  );
  return causes;
}

function checkPrinterColumns(value: unknown, path: string): StatusCause[] {
  if (!Array.isArray(value)) return [];
  const causes: StatusCause[] = [];
  value.map(record).forEach((column, i) => {
    const columnPath = indexPath(path, i);
    if (text(column['name']) === '') causes.push(cause.required(`${columnPath}.name`));
    if (text(column['jsonPath']) === '') causes.push(cause.required(`${columnPath}.jsonPath`));
    const type = text(column['type']);
    if (type === '') causes.push(cause.required(`${columnPath}.type`));
    else if (!COLUMN_TYPES.includes(type))
      causes.push(cause.unsupported(`${columnPath}.type`, type, COLUMN_TYPES));
  });
  return causes;
}
