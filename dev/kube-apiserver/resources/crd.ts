import { crdTableConvertor, DEFAULT_PRINTER_COLUMNS, type PrinterColumn } from '../table/index.ts';
import type { JSONSchemaProps } from '../schema/index.ts';
import type { KubeObject } from '../types.ts';
import { compareKubeVersions } from './registry.ts';
import { ALL_VERBS, type ResourceType, type ServedVersion, type SubresourceInfo } from './resource-type.ts';

/** The parts of a CustomResourceDefinition the emulator reads. */
export interface CrdSpec {
  group: string;
  scope: 'Namespaced' | 'Cluster';
  names: {
    plural: string;
    singular?: string;
    kind: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: PrinterColumn[];
}

export function crdSpec(crd: KubeObject): CrdSpec {
  return crd['spec'] as CrdSpec;
}

/** Builds the served resource of an established CRD. Versions are ordered by Kubernetes priority. */
export function resourceTypeFromCrd(crd: KubeObject): ResourceType {
  const spec = crdSpec(crd);
  const names = spec.names;
  const versions: ServedVersion[] = [...spec.versions]
    .sort((a, b) => compareKubeVersions(a.name, b.name))
    .map((v) => {
      const columns = v.additionalPrinterColumns?.length
        ? v.additionalPrinterColumns
        : DEFAULT_PRINTER_COLUMNS;
      const served: ServedVersion = {
        name: v.name,
        served: v.served,
        storage: v.storage,
        table: crdTableConvertor(columns),
      };
      if (v.schema?.openAPIV3Schema) served.schema = v.schema.openAPIV3Schema;
      return served;
    });
  const storage = spec.versions.find((v) => v.storage) ?? spec.versions[0];
  const extraSubresources: SubresourceInfo[] = storage?.subresources?.scale
    ? [
        {
          name: 'scale',
          kind: 'Scale',
          group: 'autoscaling',
          version: 'v1',
          verbs: ['get', 'patch', 'update'],
        },
      ]
    : [];
  return {
    group: spec.group,
    resource: names.plural,
    singular: names.singular ?? names.kind.toLowerCase(),
    kind: names.kind,
    listKind: names.listKind ?? `${names.kind}List`,
    namespaced: spec.scope === 'Namespaced',
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    versions,
    verbs: [...ALL_VERBS],
    statusSubresource: Boolean(storage?.subresources?.status),
    extraSubresources,
    generation: 'spec',
    allowUnconditionalUpdate: false,
    returnDeletedObject: false,
    strategicMergePatch: false,
    custom: true,
    bucket: `${spec.group}/${names.plural}`,
    strategy: {},
  };
}
