/** Table output for `kubectl get` and the Kubernetes JSONPath it relies on. */
export { evaluateJsonPath, parseJsonPath } from './jsonpath.ts';
export { formatHumanDuration } from './human-duration.ts';
export type { Table, TableColumnDefinition, TableRow, TableConvertor, TableOptions } from './table.ts';
export { builtinTableConvertor, defaultTableConvertor } from './builtin-columns.ts';
export { crdTableConvertor, DEFAULT_PRINTER_COLUMNS, type PrinterColumn } from './crd-columns.ts';
