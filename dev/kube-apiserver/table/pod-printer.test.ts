import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types.ts';
import { builtinTableConvertor } from './builtin-printers.ts';

const now = new Date('2025-06-01T12:00:00Z');
const podTable = builtinTableConvertor('', 'Pod')!;

function pod(spec: object, status: object, metadata: object = {}): KubeObject {
  return {
    metadata: { name: 'web', namespace: 'apps', creationTimestamp: '2025-06-01T11:00:00Z', ...metadata },
    spec,
    status,
  };
}

const running = () => ({ running: { startedAt: '2025-06-01T11:00:05Z' } });
const twoContainers = { containers: [{ name: 'app' }, { name: 'proxy' }] };

function cells(object: KubeObject): unknown[] {
  return podTable([object], { now, resourceVersion: '1' }).rows[0]!.cells;
}

describe('Pod printer', () => {
  it('has the kubectl column set, wide columns at priority 1', () => {
    const table = podTable([], { now, resourceVersion: '1' });
    expect(table.columnDefinitions.map((c) => `${c.name}:${c.type}:${c.priority}`)).toEqual([
      'Name:string:0',
      'Ready:string:0',
      'Status:string:0',
      'Restarts:string:0',
      'Age:string:0',
      'IP:string:1',
      'Node:string:1',
      'Nominated Node:string:1',
      'Readiness Gates:string:1',
    ]);
    expect(table.columnDefinitions[0]!.format).toBe('name');
  });

  it('prints a running pod', () => {
    const object = pod(
      { ...twoContainers, nodeName: 'node-1' },
      {
        phase: 'Running',
        podIP: '10.0.0.7',
        podIPs: [{ ip: '10.0.0.7' }],
        containerStatuses: [
          { name: 'app', ready: true, restartCount: 0, state: running() },
          { name: 'proxy', ready: true, restartCount: 0, state: running() },
        ],
      },
    );
    expect(cells(object)).toEqual([
      'web',
      '2/2',
      'Running',
      '0',
      '60m',
      '10.0.0.7',
      'node-1',
      '<none>',
      '<none>',
    ]);
  });

  it('prints a pending pod without statuses', () => {
    expect(cells(pod(twoContainers, { phase: 'Pending' }))).toEqual([
      'web',
      '0/2',
      'Pending',
      '0',
      '60m',
      '<none>',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });

  it('shows a waiting reason such as CrashLoopBackOff, and restarts with the last restart age', () => {
    const object = pod(twoContainers, {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, finishedAt: '2025-06-01T11:58:00Z' } },
        },
        { name: 'proxy', ready: true, restartCount: 1, state: running() },
      ],
    });
    expect(cells(object).slice(1, 4)).toEqual(['1/2', 'CrashLoopBackOff', '5 (2m ago)']);
  });

  it('names a terminated container by reason, signal or exit code', () => {
    const terminated = (terminated: object) =>
      cells(
        pod(
          { containers: [{ name: 'app' }] },
          { phase: 'Running', containerStatuses: [{ name: 'app', state: { terminated } }] },
        ),
      )[2];
    expect(terminated({ reason: 'OOMKilled', exitCode: 137 })).toBe('OOMKilled');
    expect(terminated({ signal: 9, exitCode: 137 })).toBe('Signal:9');
    expect(terminated({ exitCode: 2 })).toBe('ExitCode:2');
  });

  it('lets the first container win when several explain the status', () => {
    const object = pod(twoContainers, {
      phase: 'Pending',
      containerStatuses: [
        { name: 'app', state: { waiting: { reason: 'ImagePullBackOff' } } },
        { name: 'proxy', state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    });
    expect(cells(object)[2]).toBe('ImagePullBackOff');
  });

  it('shows Running, not Completed, while a container still runs', () => {
    const status = (ready: boolean) => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        { name: 'app', ready: true, state: running() },
        { name: 'proxy', ready: false, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      ],
    });
    expect(cells(pod(twoContainers, status(true)))[2]).toBe('Running');
    expect(cells(pod(twoContainers, status(false)))[2]).toBe('NotReady');
  });

  it('reports init container progress', () => {
    const spec = { initContainers: [{ name: 'migrate' }, { name: 'seed' }], containers: [{ name: 'app' }] };
    const init = (statuses: object[]) =>
      cells(pod(spec, { phase: 'Pending', initContainerStatuses: statuses }))[2];
    expect(
      init([
        { name: 'migrate', state: { running: {} } },
        { name: 'seed', state: { waiting: {} } },
      ]),
    ).toBe('Init:0/2');
    expect(
      init([
        { name: 'migrate', state: { terminated: { exitCode: 0 } } },
        { name: 'seed', state: { running: {} } },
      ]),
    ).toBe('Init:1/2');
    expect(init([{ name: 'migrate', state: { waiting: { reason: 'CrashLoopBackOff' } } }])).toBe(
      'Init:CrashLoopBackOff',
    );
    expect(init([{ name: 'migrate', state: { waiting: { reason: 'PodInitializing' } } }])).toBe('Init:0/2');
    expect(init([{ name: 'migrate', state: { terminated: { exitCode: 3 } } }])).toBe('Init:ExitCode:3');
    expect(init([{ name: 'migrate', state: { terminated: { exitCode: 1, reason: 'Error' } } }])).toBe(
      'Init:Error',
    );
  });

  it('counts started sidecar init containers as containers', () => {
    const spec = {
      initContainers: [{ name: 'mesh', restartPolicy: 'Always' }],
      containers: [{ name: 'app' }],
    };
    const object = pod(spec, {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [
        { name: 'mesh', started: true, ready: true, restartCount: 2, state: running() },
      ],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 1, state: running() }],
    });
    expect(cells(object).slice(1, 4)).toEqual(['2/2', 'Running', '3']);
  });

  it('shows Terminating for a pod being deleted, Unknown for a lost node', () => {
    const base = { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, state: running() }] };
    const deleting = { deletionTimestamp: '2025-06-01T11:59:00Z' };
    expect(cells(pod({ containers: [{ name: 'app' }] }, base, deleting))[2]).toBe('Terminating');
    expect(cells(pod({ containers: [{ name: 'app' }] }, { ...base, reason: 'NodeLost' }, deleting))[2]).toBe(
      'Unknown',
    );
    expect(cells(pod({ containers: [{ name: 'app' }] }, { phase: 'Succeeded' }, deleting))[2]).toBe(
      'Succeeded',
    );
  });

  it('prefers status.reason over the phase, and SchedulingGated over both', () => {
    expect(cells(pod(twoContainers, { phase: 'Failed', reason: 'Evicted' }))[2]).toBe('Evicted');
    const gated = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    };
    expect(cells(pod(twoContainers, gated))[2]).toBe('SchedulingGated');
  });

  it('counts passing readiness gates and shows the nominated node', () => {
    const object = pod(
      { containers: [{ name: 'app' }], readinessGates: [{ conditionType: 'a' }, { conditionType: 'b' }] },
      {
        phase: 'Running',
        nominatedNodeName: 'node-2',
        conditions: [
          { type: 'a', status: 'True' },
          { type: 'b', status: 'False' },
        ],
      },
    );
    expect(cells(object).slice(7)).toEqual(['node-2', '1/2']);
  });

  it('marks finished pods with a Completed row condition', () => {
    const rows = podTable(
      [pod(twoContainers, { phase: 'Succeeded' }), pod(twoContainers, { phase: 'Failed' })],
      {
        now,
        resourceVersion: '1',
      },
    ).rows;
    expect(rows[0]!.conditions).toEqual([
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'The pod has completed successfully.',
      },
    ]);
    expect(rows[1]!.conditions).toEqual([
      { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
    ]);
  });
});
