import type { KubeObject } from '../types.ts';
import { CREATION_TIMESTAMP } from './descriptions.ts';
import { column, convertorOf, nameColumn, type Printer } from './printer.ts';
import type { TableConvertor } from './types.ts';

/**
 * apiserver's `rest.NewDefaultTableConvertor`, used for every kind without a printer of its own
 * (CustomResourceDefinitions among them): Name, and Created At as an RFC 3339 date.
 */

const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * `creationTimestamp` in UTC, RFC 3339 at whole seconds (Go's `time.RFC3339` layout); Go's zero
 * time when the timestamp is missing or unreadable.
 */
export function createdAt(object: KubeObject): string {
  const timestamp = object.metadata.creationTimestamp;
  const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(at)) return ZERO_TIME;
  return new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
}

export const defaultPrinter: Printer = {
  columns: [nameColumn(), column('Created At', CREATION_TIMESTAMP, { type: 'date' })],
  row: (object) => ({ cells: [object.metadata.name ?? '', createdAt(object)] }),
};

/** The convertor for kinds without a printer: `Name` and `Created At`. */
export function defaultTableConvertor(): TableConvertor {
  return convertorOf(defaultPrinter);
}
