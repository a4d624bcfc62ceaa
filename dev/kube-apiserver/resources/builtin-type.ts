import { builtinTableConvertor, defaultTableConvertor } from '../table/index.ts';
import {
  ALL_VERBS,
  type GenerationRule,
  type ResourceStrategy,
  type ResourceType,
  type SubresourceInfo,
  type Verb,
} from './resource-type.ts';

/** How a built-in kind is declared: the facts of its API type, defaults for everything else. */

export interface BuiltinSpec {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  generation?: GenerationRule;
  statusSubresource?: boolean;
  extraSubresources?: SubresourceInfo[];
  returnDeletedObject?: boolean;
  strategy?: ResourceStrategy;
  bucket?: string;
  fields: string[];
  /** Default: all eight verbs. */
  verbs?: Verb[];
  /** Create-only kinds answered and never stored (access reviews). */
  ephemeral?: boolean;
  toStorage?: ResourceType['toStorage'];
  fromStorage?: ResourceType['fromStorage'];
}

export function builtin(spec: BuiltinSpec): ResourceType {
  const table = builtinTableConvertor(spec.group, spec.kind) ?? defaultTableConvertor();
  const type: ResourceType = {
    group: spec.group,
    resource: spec.resource,
    singular: spec.kind.toLowerCase(),
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    namespaced: spec.namespaced,
    shortNames: spec.shortNames ?? [],
    categories: spec.categories ?? [],
    versions: [{ name: spec.version, served: true, storage: true, table }],
    verbs: [...(spec.verbs ?? ALL_VERBS)],
    statusSubresource: spec.statusSubresource ?? false,
    extraSubresources: spec.extraSubresources ?? [],
    generation: spec.generation ?? 'none',
    allowUnconditionalUpdate: true,
    returnDeletedObject: spec.returnDeletedObject ?? false,
    strategicMergePatch: true,
    custom: false,
    bucket: spec.bucket ?? `${spec.group}/${spec.resource}`,
    strategy: spec.strategy ?? {},
    topLevelFields: spec.fields,
  };
  if (spec.ephemeral) type.ephemeral = true;
  if (spec.toStorage) type.toStorage = spec.toStorage;
  if (spec.fromStorage) type.fromStorage = spec.fromStorage;
  return type;
}
