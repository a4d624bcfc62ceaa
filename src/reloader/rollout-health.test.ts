import { describe, expect, it } from 'vitest';
import { rolloutHealth, type HealthInput } from './rollout-health.ts';
import type { PodObject, WorkloadObject } from './types.ts';
import { KIND_ADAPTERS, podWorkload } from './workload-kinds.ts';

const deployment = (status: WorkloadObject['status'], generation = 2): WorkloadObject => ({
  metadata: { name: 'web', generation },
  spec: { replicas: 2 },
  status,
});

const pod = (name: string, containerState: object, phase = 'Running'): PodObject => ({
  metadata: {
    name,
    labels: { 'pod-template-hash': 'abc' },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u', controller: true },
    ],
  },
  status: { phase, containerStatuses: [{ name: 'app', state: containerState }] },
});

const input = (workload: WorkloadObject, extra: Partial<HealthInput> = {}): HealthInput => ({
  adapter: KIND_ADAPTERS.Deployment,
  workload,
  newPods: [],
  startedMs: 0,
  nowMs: 1000,
  timeoutMs: 600_000,
  judgePods: true,
  ...extra,
});

const complete = {
  observedGeneration: 2,
  replicas: 2,
  updatedReplicas: 2,
  availableReplicas: 2,
  readyReplicas: 2,
};

describe('rolloutHealth', () => {
  it('succeeds when every replica is updated and available and the generation observed', () => {
    expect(rolloutHealth(input(deployment(complete)))).toEqual({ state: 'succeeded' });
    expect(rolloutHealth(input(deployment({ ...complete, observedGeneration: 1 })))).toEqual({
      state: 'progressing',
    });
    expect(rolloutHealth(input(deployment({ ...complete, replicas: 3 })))).toEqual({ state: 'progressing' });
  });

  it('fails at once on a crash-looping, unstartable or failed new pod', () => {
    for (const [state, phase, reason] of [
      [{ waiting: { reason: 'CrashLoopBackOff' } }, 'Running', 'CrashLoopBackOff'],
      [{ waiting: { reason: 'CreateContainerConfigError' } }, 'Pending', 'CreateContainerConfigError'],
      [{ terminated: { exitCode: 1 } }, 'Failed', 'PodFailed'],
    ] as const) {
      const health = rolloutHealth(input(deployment({}), { newPods: [pod('web-abc-1', state, phase)] }));
      expect(health).toMatchObject({ state: 'failed', reason });
    }
  });

  it('does not judge pods of a rollback, and not-ready pods are progress', () => {
    const crashing = [pod('web-abc-1', { waiting: { reason: 'CrashLoopBackOff' } })];
    expect(rolloutHealth(input(deployment({}), { newPods: crashing, judgePods: false }))).toEqual({
      state: 'progressing',
    });
    const waiting = [pod('web-abc-1', { running: { startedAt: 'x' } })];
    expect(rolloutHealth(input(deployment({}), { newPods: waiting }))).toEqual({ state: 'progressing' });
  });

  it('fails on ProgressDeadlineExceeded and on the rollout timeout', () => {
    const stuck = deployment({
      conditions: [
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' },
      ],
    });
    expect(rolloutHealth(input(stuck))).toMatchObject({
      state: 'failed',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(rolloutHealth(input(deployment({}), { nowMs: 600_000 }))).toMatchObject({
      state: 'failed',
      reason: 'RolloutTimeout',
    });
  });

  it('reads StatefulSet, DaemonSet and Argo Rollout progress', () => {
    const sts: WorkloadObject = {
      metadata: { name: 'db', generation: 3 },
      spec: { replicas: 2 },
      status: {
        observedGeneration: 3,
        updatedReplicas: 2,
        readyReplicas: 2,
        currentRevision: 'db-2',
        updateRevision: 'db-2',
      },
    };
    expect(KIND_ADAPTERS.StatefulSet.progress(sts)).toEqual({ state: 'complete' });
    expect(
      KIND_ADAPTERS.StatefulSet.progress({ ...sts, status: { ...sts.status, currentRevision: 'db-1' } }),
    ).toEqual({ state: 'progressing' });
    const onDelete = {
      ...sts,
      spec: { ...sts.spec, updateStrategy: { type: 'OnDelete' } },
      status: { observedGeneration: 3 },
    };
    expect(KIND_ADAPTERS.StatefulSet.progress(onDelete)).toEqual({ state: 'complete' });
    const ds: WorkloadObject = {
      metadata: { name: 'agent', generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 1,
        updatedNumberScheduled: 1,
        numberAvailable: 0,
      },
    };
    expect(KIND_ADAPTERS.DaemonSet.progress(ds)).toEqual({ state: 'progressing' });
    expect(KIND_ADAPTERS.DaemonSet.progress({ ...ds, status: { ...ds.status, numberAvailable: 1 } })).toEqual(
      { state: 'complete' },
    );
    const rollout: WorkloadObject = {
      metadata: { name: 'r', generation: 1 },
      status: { phase: 'Degraded', observedGeneration: 1 },
    };
    expect(KIND_ADAPTERS.Rollout.progress(rollout)).toMatchObject({
      state: 'failed',
      reason: 'RolloutDegraded',
    });
    expect(
      KIND_ADAPTERS.Rollout.progress({ ...rollout, status: { phase: 'Healthy', observedGeneration: 1 } }),
    ).toEqual({ state: 'complete' });
  });

  it('judges an Argo restart (spec.restartAt) complete only once status.restartedAt reaches it', () => {
    const restartAt = '2026-03-01T10:00:01Z';
    const healthy: WorkloadObject = {
      metadata: { name: 'r', generation: 2 },
      spec: { restartAt },
      status: { phase: 'Healthy', observedGeneration: 2, restartedAt: '2026-03-01T09:00:00Z' },
    };
    // Healthy, but Argo has not acted on the restart yet (it waits for the time, or has not started).
    expect(KIND_ADAPTERS.Rollout.progress(healthy, restartAt)).toEqual({ state: 'progressing' });
    const acted = { ...healthy, status: { ...healthy.status, restartedAt: restartAt } };
    expect(KIND_ADAPTERS.Rollout.progress(acted, restartAt)).toEqual({ state: 'complete' });
    // Restarted, but the last replacement pod is not available yet.
    expect(
      KIND_ADAPTERS.Rollout.progress(
        { ...acted, status: { ...acted.status, phase: 'Progressing' } },
        restartAt,
      ),
    ).toEqual({ state: 'progressing' });
    expect(
      rolloutHealth(input(healthy, { adapter: KIND_ADAPTERS.Rollout, restartAt, nowMs: 600_000 })),
    ).toMatchObject({ state: 'failed', reason: 'RolloutTimeout' });
    expect(rolloutHealth(input(acted, { adapter: KIND_ADAPTERS.Rollout, restartAt }))).toEqual({
      state: 'succeeded',
    });
  });

  it('finds the workload of a pod through its ReplicaSet', () => {
    expect(podWorkload(pod('web-abc-1', {}))).toEqual({ kind: 'Deployment', name: 'web' });
    const stsPod: PodObject = {
      metadata: {
        name: 'db-0',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true },
        ],
      },
    };
    expect(podWorkload(stsPod)).toEqual({ kind: 'StatefulSet', name: 'db' });
    expect(KIND_ADAPTERS.Deployment.ownsPod(deployment({}), pod('web-abc-1', {}))).toBe(true);
    expect(KIND_ADAPTERS.Deployment.ownsPod({ metadata: { name: 'we' } }, pod('web-abc-1', {}))).toBe(false);
  });
});
