import { deployment } from './deployment.ts';
import { emitTemplateFile } from './emit-template.ts';
import { evaluateDocuments, scopeOf, type Plain, type Release } from './evaluate.ts';
import type { TemplateFile } from './ir.ts';
import { ingress, podDisruptionBudget, service, serviceAccount, serviceMonitor } from './objects.ts';
import { controllerRbac, reloaderRbac } from './rbac.ts';
import { PROJECT_VERSION, defaultValues, valuesYaml } from './values.ts';

/**
 * The Helm chart `deploy/helm/kvsync`: its template files (from the manifest descriptions),
 * Chart.yaml and values.yaml. `renderChart` is what Helm renders from them; the kustomize
 * base is `renderChart` of the default values for release `kvsync` in `kvsync-system`.
 */

export const CHART_NAME = 'kvsync';
export const DEFAULT_RELEASE: Release = { name: 'kvsync', namespace: 'kvsync-system' };

export const TEMPLATE_FILES: readonly TemplateFile[] = [
  { name: 'serviceaccount.yaml', documents: [serviceAccount()] },
  { name: 'rbac.yaml', documents: controllerRbac() },
  { name: 'reloader-rbac.yaml', documents: reloaderRbac() },
  { name: 'deployment.yaml', documents: [deployment()] },
  { name: 'service.yaml', documents: [service()] },
  { name: 'poddisruptionbudget.yaml', documents: [podDisruptionBudget()] },
  { name: 'servicemonitor.yaml', documents: [serviceMonitor()] },
  { name: 'ingress.yaml', documents: [ingress()] },
];

/** Values as Helm merges them: maps key by key, anything else replaced. */
export function mergeValues(base: unknown, overrides: unknown): unknown {
  if (!isObject(base) || !isObject(overrides)) return structuredClone(overrides);
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(overrides)) merged[key] = mergeValues(merged[key], value);
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The documents of each template file for `overrides` on the defaults; files with none are absent. */
export function renderChartFiles(
  overrides: unknown = {},
  release: Release = DEFAULT_RELEASE,
): Map<string, Plain[]> {
  const scope = scopeOf(mergeValues(defaultValues(), overrides), release);
  const files = new Map<string, Plain[]>();
  for (const file of TEMPLATE_FILES) {
    const documents = evaluateDocuments(file.documents, scope);
    if (documents.length > 0) files.set(file.name, documents);
  }
  return files;
}

/** Every document the chart renders, in template order. */
export function renderChart(overrides: unknown = {}, release: Release = DEFAULT_RELEASE): Plain[] {
  return [...renderChartFiles(overrides, release).values()].flat();
}

/** File path under the chart directory → text, for everything but `crds/`. */
export function chartFiles(header: string): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'Chart.yaml',
    [
      header,
      'apiVersion: v2',
      `name: ${CHART_NAME}`,
      'description: Keeps Kubernetes Secrets in step with Azure Key Vault (ESO-compatible, push-synced, safe reloads).',
      'type: application',
      `version: ${PROJECT_VERSION}`,
      `appVersion: "${PROJECT_VERSION}"`,
      'kubeVersion: ">=1.27.0-0"',
      '',
    ].join('\n'),
  );
  files.set('values.yaml', valuesYaml(header.replace(/^#/gm, '').trimEnd()));
  for (const file of TEMPLATE_FILES)
    files.set(`templates/${file.name}`, emitTemplateFile(file.documents, header));
  return files;
}
