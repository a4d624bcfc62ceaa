import type { ExternalSecret } from './external-secret-types.ts';
import type { ValidationProblem } from './schema-validation.ts';

/**
 * ESO features the CRD accepts and stores but kvsync does not implement yet (templates beyond
 * labels, annotations and type; `find`; `rewrite`; generators; sync windows; generic targets).
 * Kept apart from `validateExternalSecret`: these are valid ESO resources, and the operator
 * decides how to report them.
 */

const NOT_YET = 'is not supported by kvsync yet';

/** Every unsupported feature the ExternalSecret uses, with its path; empty when none. */
export function unsupportedFeatures(es: ExternalSecret): ValidationProblem[] {
  const spec = es.spec;
  const used: string[] = [];
  if (spec.target?.manifest) used.push('spec.target.manifest');
  if (spec.syncWindows) used.push('spec.syncWindows');
  if (spec.target?.template?.data) used.push('spec.target.template.data');
  if (spec.target?.template?.templateFrom) used.push('spec.target.template.templateFrom');
  (spec.data ?? []).forEach((entry, i) => {
    if (entry.sourceRef?.generatorRef) used.push(`spec.data[${i}].sourceRef.generatorRef`);
  });
  (spec.dataFrom ?? []).forEach((entry, i) => {
    if (entry.find) used.push(`spec.dataFrom[${i}].find`);
    if (entry.rewrite) used.push(`spec.dataFrom[${i}].rewrite`);
    if (entry.sourceRef?.generatorRef) used.push(`spec.dataFrom[${i}].sourceRef.generatorRef`);
  });
  return used.map((path) => ({ path, message: NOT_YET }));
}
