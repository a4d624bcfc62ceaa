import { describe, expect, it } from 'vitest';
import type { ReloaderContext } from './context.ts';
import type { WorkloadObject } from './types.ts';
import { patchWorkload, type WorkloadRef } from './workload-writes.ts';

const REF: WorkloadRef = { kind: 'Deployment', namespace: 'apps', name: 'web' };

/** Just what `patchWorkload` uses: the patch call (answering `answerVersion`) and the bookkeeping. */
function contextAnswering(answerVersion: string) {
  const patches: unknown[] = [];
  const ctx = {
    kube: {
      mergePatch: async (_ref: unknown, patch: unknown) => {
        patches.push(patch);
        return { metadata: { resourceVersion: answerVersion } };
      },
    },
    settings: { fieldManager: 'kvsync' },
    replacedVersions: new Map<string, string>(),
  };
  return { ctx: ctx as unknown as ReloaderContext, patches, replaced: ctx.replacedVersions };
}

const workload = { metadata: { name: 'web', namespace: 'apps', resourceVersion: '10' } } as WorkloadObject;

describe('patchWorkload', () => {
  it('records the version it replaced, so a reconcile on the older cached copy waits', async () => {
    const { ctx, patches, replaced } = contextAnswering('11');
    await patchWorkload(ctx, REF, workload, { 'kvsync.io/reload-status': 'x' });
    expect(patches).toEqual([
      { metadata: { resourceVersion: '10', annotations: { 'kvsync.io/reload-status': 'x' } } },
    ]);
    expect(replaced.get('Deployment/apps/web')).toBe('10');
  });

  it('records nothing when the patch changed nothing (the version stays: no newer copy will come)', async () => {
    const { ctx, replaced } = contextAnswering('10');
    await patchWorkload(ctx, REF, workload, { 'kvsync.io/reload-status': 'x' });
    expect(replaced.size).toBe(0);
  });
});
