import type { KubeObject, ObjectMeta } from '../types.ts';

/** Wire types of `meta.k8s.io/v1` Table, the answer to `Accept: application/json;as=Table;…`. */

/** One column. `priority` 0 always shows; 1 only with `kubectl get -o wide`. */
export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type of the cells: `string`, `integer`, `number`, `boolean` or `date`. */
  type: string;
  /** OpenAPI format hint; `name` marks the column kubectl treats as the object's name. */
  format: string;
  description: string;
  priority: number;
}

/** `metav1.TableRowCondition`; the only type in use is `Completed` (finished pods). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** What a row carries as `object` by default (`includeObject=Metadata`). */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

/** One row; a `null` cell prints empty. */
export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object: PartialObjectMetadata;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion: string };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** The moment ages are measured from, and the resourceVersion the Table reports. */
export interface TableOptions {
  now: Date;
  resourceVersion: string;
}

/** Turns stored objects (in the served version's shape) into a Table; pure, never throws. */
export type TableConvertor = (objects: KubeObject[], options: TableOptions) => Table;
