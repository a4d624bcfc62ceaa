import { cause } from '../../errors.ts';
import type { KubeObject, StatusCause } from '../../types.ts';
import type { ResourceStrategy } from '../resource-type.ts';
import { applyPodSpecDefaults } from './pod-defaults.ts';

type Json = Record<string, unknown>;

export const namespaceStrategy: ResourceStrategy = {
  prepareForCreate(namespace) {
    namespace.metadata.labels = {
      ...namespace.metadata.labels,
      'kubernetes.io/metadata.name': namespace.metadata.name ?? '',
    };
    namespace['spec'] = { finalizers: ['kubernetes'], ...(namespace['spec'] as Json | undefined) };
    namespace['status'] = { phase: 'Active' };
  },
  prepareForUpdate(namespace) {
    namespace.metadata.labels = {
      ...namespace.metadata.labels,
      'kubernetes.io/metadata.name': namespace.metadata.name ?? '',
    };
  },
};

/** Checks the containers of a pod spec at `path` (e.g. `spec.template.spec`). */
export function validatePodSpec(spec: Json | undefined, path: string): StatusCause[] {
  const containers = spec?.['containers'];
  if (!Array.isArray(containers) || containers.length === 0) return [cause.required(`${path}.containers`)];
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  containers.forEach((c: Json, i) => {
    if (!c['name']) causes.push(cause.required(`${path}.containers[${i}].name`));
    else if (names.has(String(c['name'])))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${String(c['name'])}"`,
        field: `${path}.containers[${i}].name`,
      });
    names.add(String(c['name']));
    if (!c['image']) causes.push(cause.required(`${path}.containers[${i}].image`));
  });
  return causes;
}

export const podStrategy: ResourceStrategy = {
  prepareForCreate(pod: KubeObject) {
    const spec = (pod['spec'] ??= {}) as Json;
    spec['serviceAccountName'] ??= 'default';
    applyPodSpecDefaults(spec);
    pod['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
  },
  validate(pod) {
    return validatePodSpec(pod['spec'] as Json | undefined, 'spec');
  },
};
