import type { KubeObject } from '../types.ts';
import { CREATION_TIMESTAMP, OBJECT_NAME } from './descriptions.ts';
import { formatHumanDuration } from './human-duration.ts';
import type { TableColumnDefinition, TableConvertor, TableRow, TableRowCondition } from './types.ts';

/**
 * The machinery every printer shares: a printer is a list of column definitions plus a function
 * that computes one row's cells, as in kubectl's `printers.go`. Rows always carry every column,
 * wide ones included (the server prints with `Wide: true`; kubectl hides priority-1 columns).
 */

export interface PrintedRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

export interface Printer {
  columns: TableColumnDefinition[];
  /** Cells in column order; `null` for an empty cell. */
  row(object: KubeObject, now: Date): PrintedRow;
}

export interface ColumnOptions {
  type?: string;
  format?: string;
  /** 1 = shown only with `-o wide`. Defaults to 0. */
  priority?: number;
}

/** A column definition; type defaults to `string`, format to empty, priority to 0. */
export function column(
  name: string,
  description: string,
  options: ColumnOptions = {},
): TableColumnDefinition {
  return {
    name,
    type: options.type ?? 'string',
    format: options.format ?? '',
    description,
    priority: options.priority ?? 0,
  };
}

/** The `Name` column every printer but Event's starts with. */
export function nameColumn(priority = 0): TableColumnDefinition {
  return column('Name', OBJECT_NAME, { format: 'name', priority });
}

/** The `Age` column: a string cell, `creationTimestamp` as a human duration. */
export function ageColumn(): TableColumnDefinition {
  return column('Age', CREATION_TIMESTAMP);
}

/**
 * `translateTimestampSince`: how long ago `timestamp` (an RFC 3339 string) was, relative to
 * `now`, as a human duration; `<unknown>` when the timestamp is missing or unreadable.
 */
export function timeSince(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>';
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return '<unknown>';
  return formatHumanDuration(now.getTime() - at);
}

/** The Age cell of an object. */
export function ageOf(object: KubeObject, now: Date): string {
  return timeSince(object.metadata.creationTimestamp, now);
}

function tableRow(printer: Printer, object: KubeObject, now: Date): TableRow {
  const printed = printer.row(object, now);
  const row: TableRow = {
    cells: printed.cells.map((cell) => cell ?? null),
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { ...object.metadata } },
  };
  if (printed.conditions?.length) row.conditions = printed.conditions;
  return row;
}

/** A TableConvertor that prints each object with `printer`, one row per object, in order. */
export function convertorOf(printer: Printer): TableConvertor {
  return (objects, { now, resourceVersion }) => ({
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns.map((definition) => ({ ...definition })),
    rows: objects.map((object) => tableRow(printer, object, now)),
  });
}
