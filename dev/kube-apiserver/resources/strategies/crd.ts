import { cause } from '../../errors.ts';
import { formatTime } from '../../api/objects.ts';
import { validateCustomResourceDefinition } from '../../schema/index.ts';
import type { KubeObject } from '../../types.ts';
import { crdSpec } from '../crd.ts';
import type { ResourceStrategy } from '../resource-type.ts';

/**
 * CustomResourceDefinitions are established synchronously: the status a real cluster reaches a
 * moment after create (NamesAccepted, Established) is written with the create itself, so that a
 * custom resource applied right after its CRD is served.
 */

function defaultNames(crd: KubeObject): void {
  const names = crdSpec(crd)?.names;
  if (!names?.kind) return;
  names.singular ??= names.kind.toLowerCase();
  names.listKind ??= `${names.kind}List`;
  const spec = crd['spec'] as Record<string, unknown>;
  spec['conversion'] ??= { strategy: 'None' };
}

function establishedStatus(crd: KubeObject, previousStored: string[]): Record<string, unknown> {
  const now = formatTime(new Date());
  const spec = crdSpec(crd);
  const storage = spec.versions.find((v) => v.storage)?.name;
  const storedVersions = [...new Set([...previousStored, ...(storage ? [storage] : [])])];
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    acceptedNames: spec.names,
    storedVersions,
  };
}

export const crdStrategy: ResourceStrategy = {
  prepareForCreate(crd) {
    defaultNames(crd);
    crd['status'] = establishedStatus(crd, []);
  },
  prepareForUpdate(crd, previous) {
    defaultNames(crd);
    const stored = ((previous['status'] as Record<string, unknown> | undefined)?.['storedVersions'] ??
      []) as string[];
    const status = establishedStatus(crd, stored);
    const previousConditions = (previous['status'] as Record<string, unknown> | undefined)?.['conditions'];
    if (previousConditions) status['conditions'] = previousConditions;
    crd['status'] = status;
  },
  validate(crd, previous) {
    const causes = validateCustomResourceDefinition(crd);
    if (previous && crdSpec(previous).scope !== crdSpec(crd)?.scope) {
      causes.push(cause.invalid('spec.scope', crdSpec(crd)?.scope, 'field is immutable'));
    }
    return causes;
  },
};
