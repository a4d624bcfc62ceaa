import * as doc from './descriptions.ts';
import { arrayAt, keyCountAt, stringAt } from './fields.ts';
import { ageColumn, ageOf, column, nameColumn, type Printer } from './printer.ts';

/**
 * Printers of the kinds whose rows are a few plain fields: Namespace, Secret, ConfigMap,
 * ServiceAccount (core) and Lease (coordination.k8s.io). Counts are integer cells even where
 * the column says `string`, exactly as upstream does.
 */

export const namespacePrinter: Printer = {
  columns: [nameColumn(), column('Status', doc.NAMESPACE_STATUS), ageColumn()],
  row: (namespace, now) => ({
    cells: [namespace.metadata.name ?? '', stringAt(namespace, 'status', 'phase'), ageOf(namespace, now)],
  }),
};

/** Data counts the keys of `data`: stringData never reaches storage. */
export const secretPrinter: Printer = {
  columns: [nameColumn(), column('Type', doc.SECRET_TYPE), column('Data', doc.SECRET_DATA), ageColumn()],
  row: (secret, now) => ({
    cells: [
      secret.metadata.name ?? '',
      stringAt(secret, 'type'),
      keyCountAt(secret, 'data'),
      ageOf(secret, now),
    ],
  }),
};

/** Data counts the keys of `data` and `binaryData` together. */
export const configMapPrinter: Printer = {
  columns: [nameColumn(), column('Data', doc.CONFIG_MAP_DATA), ageColumn()],
  row: (configMap, now) => ({
    cells: [
      configMap.metadata.name ?? '',
      keyCountAt(configMap, 'data') + keyCountAt(configMap, 'binaryData'),
      ageOf(configMap, now),
    ],
  }),
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn(), column('Secrets', doc.SERVICE_ACCOUNT_SECRETS), ageColumn()],
  row: (account, now) => ({
    cells: [account.metadata.name ?? '', arrayAt(account, 'secrets').length, ageOf(account, now)],
  }),
};

/** Holder is `spec.holderIdentity`, empty while nobody holds the lease. */
export const leasePrinter: Printer = {
  columns: [nameColumn(), column('Holder', doc.LEASE_HOLDER), ageColumn()],
  row: (lease, now) => ({
    cells: [lease.metadata.name ?? '', stringAt(lease, 'spec', 'holderIdentity'), ageOf(lease, now)],
  }),
};
