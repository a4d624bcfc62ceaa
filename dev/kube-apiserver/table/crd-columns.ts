import type { KubeObject } from '../types.ts';
import { CRD_COLUMN_PREFIX } from './descriptions.ts';
import { goText } from './go-text.ts';
import { formatHumanDuration } from './human-duration.ts';
import { evaluateParsedJsonPath } from './jsonpath-evaluate.ts';
import { parseJsonPath, type JsonPathNode } from './jsonpath-parse.ts';
import { convertorOf, nameColumn } from './printer.ts';
import type { TableColumnDefinition, TableConvertor } from './types.ts';

/**
 * CRD tables, as apiextensions' `tableconvertor` builds them from `additionalPrinterColumns`:
 * Name, then one column per printer column. Each cell is the first value the column's JSONPath
 * selects — the real server ignores the others, so `.spec.items[*].name` shows the first name.
 */

/** `additionalPrinterColumns[]` of a CRD version (apiextensions.k8s.io/v1). */
export interface PrinterColumn {
  name: string;
  /** `string`, `integer`, `number`, `boolean` or `date`. */
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** What the CRD API defaults `additionalPrinterColumns` to when a version declares none. */
export const DEFAULT_PRINTER_COLUMNS: readonly PrinterColumn[] = Object.freeze([
  Object.freeze({ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }),
]);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A `date` cell: the age of an RFC 3339 string; `<unknown>` when empty, `<invalid>` when unreadable. */
function dateCell(value: string, now: Date): string {
  if (value === '' || value === 'null') return '<unknown>';
  const at = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return '<invalid>';
  return formatHumanDuration(now.getTime() - at);
}

/** `cellForJSONValue`: a native cell when the value has the column's type, otherwise null. */
export function typedCell(type: string, value: unknown, now: Date): unknown {
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return typeof value === 'string' ? dateCell(value, now) : null;
    default:
      return null;
  }
}

interface CompiledColumn {
  type: string;
  /** Undefined when the JSONPath does not parse: the cell is then always null. */
  path: JsonPathNode[] | undefined;
}

function compile(column: PrinterColumn): CompiledColumn {
  try {
    return { type: column.type, path: parseJsonPath(column.jsonPath) };
  } catch {
    return { type: column.type, path: undefined };
  }
}

function cell(column: CompiledColumn, object: KubeObject, now: Date): unknown {
  if (!column.path) return null;
  const results = evaluateParsedJsonPath(column.path, object);
  if (results.length === 0) return null;
  const value = results[0];
  return column.type === 'string' ? goText(value) : typedCell(column.type, value, now);
}

function definition(column: PrinterColumn): TableColumnDefinition {
  return {
    name: column.name,
    type: column.type,
    format: column.format ?? '',
    description: column.description || `${CRD_COLUMN_PREFIX}${column.jsonPath}`,
    priority: column.priority ?? 0,
  };
}

/**
 * The convertor of a CRD version with these printer columns (pass DEFAULT_PRINTER_COLUMNS when
 * the version declares none; Age is not added otherwise). A column whose JSONPath does not
 * parse prints null cells rather than failing the request.
 */
export function crdTableConvertor(columns: readonly PrinterColumn[]): TableConvertor {
  const compiled = columns.map(compile);
  return convertorOf({
    columns: [nameColumn(), ...columns.map(definition)],
    row: (object, now) => ({
      cells: [object.metadata.name ?? '', ...compiled.map((column) => cell(column, object, now))],
    }),
  });
}
