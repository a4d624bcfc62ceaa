import { cause } from '../../errors.ts';
import { labelSelectorFromSpec, matchesLabels } from '../../selectors.ts';
import type { KubeObject, StatusCause } from '../../types.ts';
import type { ResourceStrategy } from '../resource-type.ts';
import { applyPodSpecDefaults } from './pod-defaults.ts';
import { validatePodSpec } from './core.ts';

/** Deployments, ReplicaSets, StatefulSets and DaemonSets: apps/v1 defaults and validation. */

type Json = Record<string, unknown>;

function specOf(object: KubeObject): Json {
  return (object['spec'] ??= {}) as Json;
}

function applyWorkloadDefaults(object: KubeObject): void {
  const spec = specOf(object);
  const template = (spec['template'] ?? {}) as Json;
  applyPodSpecDefaults(template['spec'] as Json | undefined);
  switch (object.kind) {
    case 'Deployment':
      spec['replicas'] ??= 1;
      spec['strategy'] ??= {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      };
      spec['revisionHistoryLimit'] ??= 10;
      spec['progressDeadlineSeconds'] ??= 600;
      break;
    case 'StatefulSet':
      spec['replicas'] ??= 1;
      spec['podManagementPolicy'] ??= 'OrderedReady';
      spec['updateStrategy'] ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      spec['revisionHistoryLimit'] ??= 10;
      break;
    case 'DaemonSet':
      spec['updateStrategy'] ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      spec['revisionHistoryLimit'] ??= 10;
      break;
    default:
      spec['replicas'] ??= 1;
  }
}

function validateSelector(object: KubeObject, previous: KubeObject | undefined): StatusCause[] {
  const spec = specOf(object);
  const selector = spec['selector'] as Json | undefined;
  if (!selector || (!selector['matchLabels'] && !selector['matchExpressions']))
    return [cause.required('spec.selector')];
  const causes: StatusCause[] = [];
  const template = (spec['template'] ?? {}) as Json;
  const labels = ((template['metadata'] as Json | undefined)?.['labels'] ?? {}) as Record<string, string>;
  if (!matchesLabels(labelSelectorFromSpec(selector), labels)) {
    causes.push(
      cause.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'),
    );
  }
  if (
    previous &&
    JSON.stringify((previous['spec'] as Json | undefined)?.['selector']) !== JSON.stringify(selector)
  ) {
    causes.push(cause.invalid('spec.selector', selector, 'field is immutable'));
  }
  return causes;
}

function validateWorkload(object: KubeObject, previous: KubeObject | undefined): StatusCause[] {
  const spec = specOf(object);
  const template = spec['template'] as Json | undefined;
  if (!template) return [cause.required('spec.template')];
  const replicas = spec['replicas'];
  const causes = validateSelector(object, previous);
  if (
    replicas !== undefined &&
    (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))
  ) {
    causes.push(cause.invalid('spec.replicas', replicas, 'must be greater than or equal to 0'));
  }
  return [...causes, ...validatePodSpec(template['spec'] as Json | undefined, 'spec.template.spec')];
}

export const replicatedStrategy: ResourceStrategy = {
  prepareForCreate: applyWorkloadDefaults,
  prepareForUpdate: applyWorkloadDefaults,
  validate: validateWorkload,
};

export const deploymentStrategy: ResourceStrategy = replicatedStrategy;
