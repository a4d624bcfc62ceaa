import { badRequest, KubeStatusError, unsupportedMediaType } from '../errors.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  applyServerSideApply,
  applyStrategicMergePatch,
} from '../patch/index.ts';
import type { KubeObject } from '../types.ts';
import { isObject } from './objects.ts';
import type { ObjectApi, Target, UpdateOptions, WriteResult } from './object-api.ts';

/** PATCH in its four content types, on top of the update pipeline. */

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+json': 'apply',
};

const CUSTOM_RESOURCE_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

export interface PatchOptions extends UpdateOptions {
  force?: boolean;
}

export interface PatchResult extends WriteResult {
  created: boolean;
}

/** The patch type of a Content-Type header; 415 for anything else or SMP on custom resources. */
export function patchTypeOf(target: Target, contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const type = PATCH_CONTENT_TYPES[mediaType];
  const accepted = target.type.strategicMergePatch
    ? Object.keys(PATCH_CONTENT_TYPES)
    : CUSTOM_RESOURCE_PATCH_TYPES;
  if (!type || (type === 'strategic' && !target.type.strategicMergePatch))
    throw unsupportedMediaType(accepted);
  return type;
}

function appliedKey(target: Target, name: string, manager: string): string {
  return `${target.type.bucket}/${target.namespace ?? ''}/${name}/${manager}`;
}

function requireManager(options: PatchOptions): string {
  if (!options.fieldManager) {
    throw new KubeStatusError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
  }
  return options.fieldManager;
}

/** Applies `patch` to `name`; an apply patch on a missing object creates it (`created: true`). */
export function patchObject(
  api: ObjectApi,
  target: Target,
  name: string,
  patchType: PatchType,
  patch: unknown,
  options: PatchOptions = {},
): PatchResult {
  if (options.force && patchType !== 'apply') {
    throw new KubeStatusError(
      422,
      'Invalid',
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  }
  if (patchType !== 'json' && !isObject(patch)) throw badRequest('the patch must be a JSON object');
  const current = api.find(target, name);
  if (patchType === 'apply') {
    const manager = requireManager(options);
    const key = appliedKey(target, name, manager);
    if (!current) {
      const { object, warnings } = api.create(
        target,
        { ...(patch as KubeObject), metadata: { ...(patch as KubeObject).metadata, name } },
        options,
      );
      if (!options.dryRun) api.appliedConfigurations.set(key, patch);
      return { object, warnings, created: true };
    }
    const patched = applyServerSideApply({
      live: current,
      lastApplied: api.appliedConfigurations.get(key),
      applied: patch,
      kind: target.type.custom ? '' : target.type.kind,
    });
    const result = api.update(target, name, patched, { ...options, allowMissingResourceVersion: true });
    if (!options.dryRun) api.appliedConfigurations.set(key, patch);
    return { ...result, created: false };
  }
  const existing = current ?? api.get(target, name);
  const patched = applyByType(patchType, existing, patch, target.type.kind);
  return {
    ...api.update(target, name, patched, { ...options, allowMissingResourceVersion: true }),
    created: false,
  };
}

function applyByType(
  patchType: Exclude<PatchType, 'apply'>,
  current: KubeObject,
  patch: unknown,
  kind: string,
): unknown {
  switch (patchType) {
    case 'json':
      return applyJsonPatch(current, patch);
    case 'merge':
      return applyMergePatch(current, patch);
    case 'strategic':
      return applyStrategicMergePatch(current, patch, kind);
  }
}
