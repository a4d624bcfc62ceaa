import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { crashLoopRestarts, POD_BEHAVIOR_ANNOTATION } from './pod-status.ts';
import {
  conditionOf,
  podsOf,
  startTestCluster,
  statusOf,
  TEST_POD_START_DELAY_MS,
  type TestCluster,
} from './test-cluster.ts';

let t: TestCluster;
beforeEach(() => {
  t = startTestCluster();
});
afterEach(() => {
  expect(t.errors).toEqual([]);
  t.close();
});

const pod = (name: string, behavior?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    labels: { app: name },
    ...(behavior ? { annotations: { [POD_BEHAVIOR_ANNOTATION]: behavior } } : {}),
  },
  spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
});
const getPod = (name: string): KubeObject => t.client.get('pods', 'default', name)!;
const containerStatus = (name: string): Record<string, unknown> =>
  (statusOf(getPod(name))['containerStatuses'] as Record<string, unknown>[])[0]!;

describe('kubelet', () => {
  it('starts a pod shortly after creation: scheduled, Running and Ready', async () => {
    t.client.create('pods', pod('plain'));
    await t.run();
    expect(statusOf(getPod('plain'))['phase']).toBe('Pending');
    await t.run(TEST_POD_START_DELAY_MS);
    const started = getPod('plain');
    expect(started['spec']).toMatchObject({ nodeName: 'kvsync-node' });
    expect(statusOf(started)).toMatchObject({
      phase: 'Running',
      hostIP: '172.18.0.2',
      podIP: expect.stringMatching(/^10\.244\.\d+\.\d+$/),
      startTime: '2025-01-01T00:00:00Z',
      qosClass: 'BestEffort',
    });
    for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) {
      expect(conditionOf(started, type)).toMatchObject({ status: 'True' });
    }
    expect(containerStatus('plain')).toMatchObject({
      name: 'app',
      image: 'nginx:1.25',
      imageID: expect.stringMatching(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/),
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: '2025-01-01T00:00:00Z' } },
    });
  });

  it('not-ready: Running, containers not ready; clearing the annotation makes it Ready', async () => {
    t.client.create('pods', pod('lazy', 'not-ready'));
    await t.run(TEST_POD_START_DELAY_MS);
    expect(statusOf(getPod('lazy'))['phase']).toBe('Running');
    expect(conditionOf(getPod('lazy'), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
    expect(containerStatus('lazy')).toMatchObject({ ready: false, started: true });

    t.client.mergePatch('pods', 'default', 'lazy', {
      metadata: { annotations: { [POD_BEHAVIOR_ANNOTATION]: null } },
    });
    await t.run();
    expect(conditionOf(getPod('lazy'), 'Ready')).toMatchObject({ status: 'True' });
  });

  it('crash-loop: waiting in CrashLoopBackOff with a restart count that grows with time', async () => {
    t.client.create('pods', pod('crashy', 'crash-loop'));
    await t.run(TEST_POD_START_DELAY_MS);
    expect(statusOf(getPod('crashy'))['phase']).toBe('Running');
    expect(conditionOf(getPod('crashy'), 'Ready')).toMatchObject({ status: 'False' });
    expect(containerStatus('crashy')).toMatchObject({
      ready: false,
      restartCount: 0,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
    });
    await t.run(10_000, 1_000);
    expect(containerStatus('crashy')['restartCount']).toBe(1);
    await t.run(60_000, 1_000);
    expect(containerStatus('crashy')['restartCount']).toBe(3);
  });

  it('fail: the pod ends in phase Failed', async () => {
    t.client.create('pods', pod('doomed', 'fail'));
    await t.run(TEST_POD_START_DELAY_MS);
    expect(statusOf(getPod('doomed'))['phase']).toBe('Failed');
    expect(containerStatus('doomed')).toMatchObject({
      state: { terminated: { exitCode: 1, reason: 'Error' } },
    });
  });

  it('a ReplicaSet replaces failed pods with a back-off and keeps only the last few', async () => {
    t.client.create('apps/replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'failing', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'failing' } },
        template: {
          metadata: { labels: { app: 'failing' }, annotations: { [POD_BEHAVIOR_ANNOTATION]: 'fail' } },
          spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
        },
      },
    });
    let created = 0;
    const stop = t.client.onChange('pods', (event) => {
      if (event.type === 'ADDED') created += 1;
    });
    await t.run(TEST_POD_START_DELAY_MS);
    expect(podsOf(t.client, 'failing')).toHaveLength(1);
    await t.run(500, 50);
    // The first replacement waits a second after the failure.
    expect(podsOf(t.client, 'failing')).toHaveLength(1);
    await t.run(120_000, 500);
    stop();
    expect(created).toBeGreaterThan(6);
    const pods = podsOf(t.client, 'failing');
    expect(pods.length).toBeLessThanOrEqual(6);
    expect(pods.filter((p) => statusOf(p)['phase'] === 'Failed').length).toBeLessThanOrEqual(5);
  });
});

describe('crashLoopRestarts', () => {
  it('follows the kubelet back-off: 10 s doubling up to 5 minutes', () => {
    expect(crashLoopRestarts(0)).toEqual({ restartCount: 0, nextRestartInMs: 10_000 });
    expect(crashLoopRestarts(10_000)).toEqual({ restartCount: 1, nextRestartInMs: 20_000 });
    expect(crashLoopRestarts(70_000)).toEqual({ restartCount: 3, nextRestartInMs: 80_000 });
    expect(crashLoopRestarts(610_000)).toEqual({ restartCount: 6, nextRestartInMs: 300_000 });
  });
});
