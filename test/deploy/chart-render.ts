import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { DEPLOY_DIRECTORY } from '../../deploy/generate.ts';
import { mergeValues } from '../../deploy/model/chart.ts';
import type { Release } from '../../deploy/model/evaluate.ts';
import { renderTemplate } from './go-template.ts';

/**
 * `helm template` for the committed chart, as far as this machine can: values.yaml merged with
 * overrides, each file under templates/ rendered by the Go-template subset renderer, and the
 * output parsed as YAML documents (empty ones dropped, as Helm drops them).
 */

export const CHART_DIRECTORY = join(DEPLOY_DIRECTORY, 'helm', 'kvsync');

export async function chartValues(overrides: object = {}): Promise<unknown> {
  const defaults: unknown = parse(await readFile(join(CHART_DIRECTORY, 'values.yaml'), 'utf8'));
  return mergeValues(defaults, overrides);
}

/** Template file name → its documents. */
export async function renderCommittedChart(
  overrides: object,
  release: Release = { name: 'kvsync', namespace: 'kvsync-system' },
): Promise<Map<string, unknown[]>> {
  const values = await chartValues(overrides);
  const directory = join(CHART_DIRECTORY, 'templates');
  const rendered = new Map<string, unknown[]>();
  for (const name of (await readdir(directory)).sort()) {
    const text = renderTemplate(await readFile(join(directory, name), 'utf8'), {
      Values: values,
      Release: { Name: release.name, Namespace: release.namespace },
    });
    const documents = parseAllDocuments(text).map((document) => {
      if (document.errors.length > 0) throw new Error(`${name}: ${document.errors[0]!.message}\n${text}`);
      return document.toJS() as unknown;
    });
    const kept = documents.filter((document) => document !== null && document !== undefined);
    if (kept.length > 0) rendered.set(name, kept);
  }
  return rendered;
}
