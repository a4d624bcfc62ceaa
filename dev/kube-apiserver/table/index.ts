/**
 * Table output for `kubectl get` (`meta.k8s.io/v1` Table): the built-in printers' column sets,
 * CRD printer columns, the default Name/Created At table, and the Kubernetes JSONPath and
 * human-duration formatting they rely on. Everything here is pure: time comes in as `now`.
 */
export { evaluateJsonPath, evaluateParsedJsonPath } from './jsonpath-evaluate.ts';
export {
  parseJsonPath,
  JsonPathSyntaxError,
  type JsonPathNode,
  type FilterOperator,
} from './jsonpath-parse.ts';
export { formatHumanDuration } from './human-duration.ts';
export type {
  Table,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
  PartialObjectMetadata,
  TableConvertor,
  TableOptions,
} from './types.ts';
export { builtinTableConvertor } from './builtin-printers.ts';
export { defaultTableConvertor } from './default-printer.ts';
export { crdTableConvertor, DEFAULT_PRINTER_COLUMNS, type PrinterColumn } from './crd-columns.ts';
