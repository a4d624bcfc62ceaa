import { evaluateJsonPath } from './jsonpath.ts';
import { age, nameColumn, tableFromColumns, type Column, type TableConvertor } from './table.ts';

/** CRD printer columns (`additionalPrinterColumns`), converted as apiextensions' table convertor does. */

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** What the CRD API defaults to when a version declares no printer columns. */
export const DEFAULT_PRINTER_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

function cellOf(column: PrinterColumn, values: unknown[], now: Date): unknown {
  if (values.length === 0 || values[0] === undefined || values[0] === null) return null;
  switch (column.type) {
    case 'date':
      return age(values[0], now);
    case 'integer':
    case 'number':
    case 'boolean':
      return values[0];
    default:
      return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' ');
  }
}

function printerColumn(column: PrinterColumn): Column {
  return {
    name: column.name,
    type: column.type === 'date' ? 'date' : column.type,
    format: column.format ?? '',
    description: column.description ?? `Custom resource definition column (in JSONPath format): ${column.jsonPath}`,
    priority: column.priority ?? 0,
    cell: (object, now) => {
      try {
        return cellOf(column, evaluateJsonPath(column.jsonPath, object), now);
      } catch {
        return null;
      }
    },
  };
}

export function crdTableConvertor(columns: PrinterColumn[]): TableConvertor {
  return tableFromColumns([nameColumn(), ...columns.map(printerColumn)]);
}
